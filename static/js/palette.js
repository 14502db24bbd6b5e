// The command palette (Ctrl+K): a <dialog> with a combobox and a listbox (WAI-ARIA APG
// "combobox with listbox popup"). The options come from POST /ga-naar/ through htmx; the search
// text never goes into a URL. app.js opens it on Ctrl+K.
(function () {
  "use strict";

  function parts() {
    var dialog = document.getElementById("kcc-palette");
    if (!dialog) return null;
    return { dialog: dialog, input: dialog.querySelector("[role=combobox]"), list: dialog.querySelector("[role=listbox]") };
  }

  function options(p) {
    return Array.prototype.slice.call(p.list.querySelectorAll("[role=option]:not([aria-disabled=true])"));
  }

  function select(p, option) {
    options(p).forEach(function (o) { o.setAttribute("aria-selected", o === option ? "true" : "false"); });
    if (option) {
      p.input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      p.input.removeAttribute("aria-activedescendant");
    }
  }

  function current(p) {
    return p.list.querySelector("[role=option][aria-selected=true]");
  }

  function go(p, option) {
    if (!option || !option.getAttribute("data-href")) return;
    var href = option.getAttribute("data-href");
    if (option.getAttribute("data-method") === "post") {
      // An action that changes something (e.g. "Nieuw gesprek") is a real POST with the CSRF token.
      var form = document.createElement("form");
      form.method = "post";
      form.action = href;
      var token = p.dialog.querySelector("input[name=csrfmiddlewaretoken]").cloneNode();
      form.appendChild(token);
      document.body.appendChild(form);
      form.submit();
    } else {
      window.location.assign(href);
    }
  }

  function open() {
    var p = parts();
    if (!p || p.dialog.open) return;
    p.input.value = "";
    p.list.textContent = "";
    p.input.setAttribute("aria-expanded", "false");
    p.input.removeAttribute("aria-activedescendant");
    var back = document.activeElement;
    p.dialog.addEventListener("close", function () {
      if (back && back !== document.body && back.isConnected) back.focus();
    }, { once: true });
    p.dialog.showModal();
    p.input.focus();
    if (window.htmx) window.htmx.trigger(p.input, "kcc:palette-open");
  }

  document.addEventListener("htmx:afterSettle", function (evt) {
    var p = parts();
    if (!p || evt.detail.target !== p.list) return;
    var all = options(p);
    p.input.setAttribute("aria-expanded", p.list.children.length ? "true" : "false");
    select(p, all[0] || null);
  });

  document.addEventListener("keydown", function (evt) {
    var p = parts();
    if (!p || !p.dialog.open || evt.target !== p.input) return;
    var all = options(p);
    var index = all.indexOf(current(p));
    if (evt.key === "ArrowDown") {
      evt.preventDefault();
      select(p, all[Math.min(all.length - 1, index + 1)] || null);
    } else if (evt.key === "ArrowUp") {
      evt.preventDefault();
      select(p, all[Math.max(0, index - 1)] || null);
    } else if (evt.key === "Home" && evt.ctrlKey) {
      evt.preventDefault();
      select(p, all[0] || null);
    } else if (evt.key === "End" && evt.ctrlKey) {
      evt.preventDefault();
      select(p, all[all.length - 1] || null);
    } else if (evt.key === "Enter") {
      evt.preventDefault(); // never submit the form: its text would be searched, not opened
      go(p, current(p));
    }
  });

  document.addEventListener("click", function (evt) {
    var p = parts();
    var option = p && evt.target.closest && evt.target.closest("#kcc-palette [role=option]");
    if (option && option.getAttribute("aria-disabled") !== "true") go(p, option);
  });

  window.kccPalette = { open: open };
})();
