// Project JavaScript: progressive enhancement only; every control works without it.
// No inline scripts (CSP): behaviour hangs on data attributes. docs/keyboard.md describes the
// contract other templates rely on:
// * data-shortcut="Alt+Shift+R" (optional data-shortcut-label): the combination *activates* the
//   element (buttons and links are clicked, fields focused) and it is listed in the "?" overview;
// * data-row-link on an <a> inside a list row: j/k move through the rows, Enter opens one;
// * data-autofocus inside content that htmx swaps in: it receives focus after the swap.
(function () {
  "use strict";


  // --- key combinations --------------------------------------------------------------------

  var MODIFIERS = ["Ctrl", "Alt", "Shift", "Meta"];

  function normaliseCombo(text) {
    var parts = String(text || "").split("+").map(function (p) { return p.trim(); }).filter(Boolean);
    var mods = {}, key = "";
    parts.forEach(function (p) {
      var lower = p.toLowerCase();
      if (lower === "ctrl" || lower === "control") mods.Ctrl = true;
      else if (lower === "alt" || lower === "option") mods.Alt = true;
      else if (lower === "shift") mods.Shift = true;
      else if (lower === "meta" || lower === "cmd") mods.Meta = true;
      else key = p.length === 1 ? p.toUpperCase() : p;
    });
    return MODIFIERS.filter(function (m) { return mods[m]; }).concat([key]).join("+");
  }

  // The combination of a keydown. Letters and digits come from evt.code, so Alt+Shift+R is
  // "R" on every layout (on a Mac, Alt changes evt.key into another character).
  function comboOf(evt) {
    var key = evt.key;
    if (/^Key[A-Z]$/.test(evt.code || "")) key = evt.code.slice(3);
    else if (/^Digit[0-9]$/.test(evt.code || "")) key = evt.code.slice(5);
    else if (key && key.length === 1) key = key.toUpperCase();
    var mods = [];
    if (evt.ctrlKey) mods.push("Ctrl");
    if (evt.altKey) mods.push("Alt");
    if (evt.shiftKey) mods.push("Shift");
    if (evt.metaKey) mods.push("Meta");
    return mods.concat([key]).join("+");
  }

  function shortcutOf(el) {
    if (el.hasAttribute("data-shortcut")) return normaliseCombo(el.getAttribute("data-shortcut"));
    return "";
  }

  function isTyping(el) {
    if (!el || el === document.body) return false;
    if (el.isContentEditable) return true;
    var tag = el.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag !== "INPUT") return false;
    var type = (el.getAttribute("type") || "text").toLowerCase();
    return ["button", "submit", "reset", "checkbox", "radio", "image", "file", "range", "color"].indexOf(type) === -1;
  }

  function isVisible(el) {
    return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length) && !el.closest("[hidden], [inert]");
  }

  function isField(el) {
    var tag = el.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag !== "INPUT") return false;
    var type = (el.getAttribute("type") || "text").toLowerCase();
    return ["button", "submit", "reset", "image"].indexOf(type) === -1;
  }

  function shortcutElements() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-shortcut]"))
      .filter(function (el) { return !el.closest("dialog") && isVisible(el) && !el.disabled; });
  }

  // What the element does, in words, for the overview.
  function labelOf(el) {
    var explicit = el.getAttribute("data-shortcut-label") || el.getAttribute("aria-label");
    if (explicit) return explicit.trim();
    if (el.labels && el.labels.length) {
      var label = el.labels[0].cloneNode(true);
      Array.prototype.forEach.call(label.querySelectorAll(".kcc-required"), function (mark) { mark.remove(); });
      return label.textContent.replace(/\s+/g, " ").trim();
    }
    return (el.textContent || el.value || "").replace(/\s+/g, " ").trim();
  }

  // Activate: buttons and links do what they say (a click, so htmx and forms behave as with a
  // mouse); fields receive focus.
  function activate(el) {
    if (isField(el)) {
      el.focus();
      if (el.select && el.tagName === "INPUT") el.select();
    } else {
      el.focus();
      el.click();
    }
  }

  function announceShortcuts() {
    var owners = {};
    shortcutElements().forEach(function (el) {
      var combo = shortcutOf(el);
      if (!el.hasAttribute("aria-keyshortcuts")) el.setAttribute("aria-keyshortcuts", combo);
      // Two elements with one combination: only the first acts. Tell the developer.
      if (owners[combo] && window.console) window.console.warn("Shortcut " + combo + " is used twice; only the first element acts:", owners[combo], el);
      owners[combo] = owners[combo] || el;
    });
  }

  // --- dialogs (shortcut overview, command palette) ----------------------------------------

  var lastFocus = null;

  function focusables(root) {
    return Array.prototype.slice.call(root.querySelectorAll(
      "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])"
    )).filter(isVisible);
  }

  function openDialog(dialog, initial) {
    if (!dialog || dialog.open) return;
    lastFocus = document.activeElement;
    dialog.showModal();
    (initial || focusables(dialog)[0] || dialog).focus();
  }

  function closeDialog(dialog) {
    if (dialog && dialog.open) dialog.close();
  }

  document.addEventListener("close", function (evt) {
    if (evt.target.tagName === "DIALOG" && lastFocus && lastFocus.isConnected) {
      lastFocus.focus();
      lastFocus = null;
    }
  }, true);

  // showModal() makes the page inert; this keeps Tab cycling inside the dialog as well.
  document.addEventListener("keydown", function (evt) {
    var dialog = document.querySelector("dialog[open]");
    if (!dialog || evt.key !== "Tab") return;
    var items = focusables(dialog);
    if (!items.length) return;
    var first = items[0], last = items[items.length - 1];
    if (evt.shiftKey && document.activeElement === first) { evt.preventDefault(); last.focus(); }
    else if (!evt.shiftKey && document.activeElement === last) { evt.preventDefault(); first.focus(); }
  });

  document.addEventListener("click", function (evt) {
    var closer = evt.target.closest && evt.target.closest("[data-dialog-close]");
    if (closer) closeDialog(closer.closest("dialog"));
  });

  function openOverview() {
    var dialog = document.getElementById("kcc-shortcuts");
    if (!dialog) return;
    var body = dialog.querySelector("[data-shortcut-list]");
    var empty = dialog.querySelector("[data-shortcut-empty]");
    body.textContent = "";
    var seen = {};
    shortcutElements().forEach(function (el) {
      var combo = shortcutOf(el);
      if (!combo || seen[combo]) return;
      seen[combo] = true;
      var row = document.createElement("tr");
      row.className = "utrecht-table__row";
      var keyCell = document.createElement("td");
      keyCell.className = "utrecht-table__cell";
      var kbd = document.createElement("kbd");
      kbd.textContent = combo;
      keyCell.appendChild(kbd);
      var what = document.createElement("td");
      what.className = "utrecht-table__cell";
      what.textContent = labelOf(el);
      row.appendChild(keyCell);
      row.appendChild(what);
      body.appendChild(row);
    });
    if (empty) empty.hidden = body.children.length > 0;
    openDialog(dialog, dialog.querySelector("[data-dialog-close]"));
  }

  // --- list rows: j / k / Enter ------------------------------------------------------------

  var selectedKey = null; // the href of the selected row's link: survives htmx refreshes

  function rowLinks() {
    return Array.prototype.slice.call(document.querySelectorAll("a[data-row-link]")).filter(isVisible);
  }

  function rowOf(link) {
    return link.closest("tr, li, [data-row]") || link;
  }

  function markSelected(links) {
    links.forEach(function (link) {
      var row = rowOf(link);
      var on = link.getAttribute("href") === selectedKey;
      row.classList.toggle("kcc-row--current", on);
      if (on) row.setAttribute("aria-current", "true");
      else row.removeAttribute("aria-current");
    });
  }

  function moveRow(step) {
    var links = rowLinks();
    if (!links.length) return false;
    var index = -1;
    links.forEach(function (link, i) { if (link.getAttribute("href") === selectedKey) index = i; });
    if (index === -1) {
      var focused = links.indexOf(document.activeElement);
      index = focused;
    }
    var next = index === -1 ? (step > 0 ? 0 : links.length - 1) : Math.min(links.length - 1, Math.max(0, index + step));
    selectedKey = links[next].getAttribute("href");
    markSelected(links);
    links[next].focus();
    rowOf(links[next]).scrollIntoView({ block: "nearest" });
    return true;
  }

  function openSelectedRow() {
    var links = rowLinks().filter(function (link) { return link.getAttribute("href") === selectedKey; });
    if (!links.length) return false;
    links[0].click();
    return true;
  }

  // --- the global key handler --------------------------------------------------------------

  document.addEventListener("keydown", function (evt) {
    if (evt.defaultPrevented || evt.isComposing) return;
    var combo = comboOf(evt);
    var typing = isTyping(evt.target);
    var openDlg = document.querySelector("dialog[open]");

    if ((combo === "Ctrl+K" || combo === "Meta+K") && document.getElementById("kcc-palette")) {
      evt.preventDefault();
      if (openDlg) closeDialog(openDlg);
      window.kccPalette && window.kccPalette.open();
      return;
    }
    if (openDlg) return; // a dialog handles its own keys (Escape closes it natively)

    // Plain keys never fire while typing; combinations with Alt or Ctrl do.
    if (typing && !evt.altKey && !evt.ctrlKey) return;

    if (!evt.altKey && !evt.ctrlKey && !evt.metaKey && evt.key === "?") {
      evt.preventDefault();
      openOverview();
      return;
    }
    if (evt.altKey || evt.ctrlKey || evt.metaKey) {
      var match = shortcutElements().filter(function (el) { return shortcutOf(el) === combo; })[0];
      if (match) {
        evt.preventDefault();
        activate(match);
      }
      return;
    }
    if (evt.shiftKey) return;
    if (evt.key === "j" || evt.key === "k") {
      if (moveRow(evt.key === "j" ? 1 : -1)) evt.preventDefault();
    } else if (evt.key === "Enter" && selectedKey && !evt.target.closest("a, button, form")) {
      if (openSelectedRow()) evt.preventDefault();
    }
  });

  // --- htmx: errors, and focus after every swap (WCAG 2.4.3) --------------------------------

  // Server answers 401 with HX-Redirect after an idle timeout; htmx follows it. For other
  // errors in htmx requests, show the server's fragment instead of silently doing nothing.
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var status = evt.detail.xhr.status;
    if (status === 422 || status === 409 || status === 403 || status === 404) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });

  // Before a swap, remember where focus was (an id, or the row link's href), so that a refresh
  // that replaces the focused element puts focus back on its successor instead of <body>.
  // Kept per swap target (element and id), so that another swap in between (a background poll
  // settling while the agent's own request is under way) can't make it forget.
  var beforeByTarget = new Map();
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var active = document.activeElement;
    var target = evt.detail.target;
    if (!target) return;
    if (!active || active === document.body || !target.contains(active)) {
      beforeByTarget.delete(target);
      if (target.id) beforeByTarget.delete("#" + target.id);
      return;
    }
    var remembered = {
      id: active.id || "",
      href: active.hasAttribute("data-row-link") ? active.getAttribute("href") : "",
      target: target.id || "",
    };
    beforeByTarget.set(target, remembered);
    if (target.id) beforeByTarget.set("#" + target.id, remembered);
  });
  function takeBefore(target) {
    if (!target) return null;
    var remembered = beforeByTarget.get(target) || (target.id ? beforeByTarget.get("#" + target.id) : null) || null;
    beforeByTarget.delete(target);
    if (target.id) beforeByTarget.delete("#" + target.id);
    return remembered;
  }

  function focusAfterSwap(evt) {
    var target = evt.detail.target;
    var root = target && target.isConnected ? target : (target && target.id ? document.getElementById(target.id) : null);
    root = root || document;
    markSelected(rowLinks());
    announceShortcuts();
    var summary = root.querySelector && root.querySelector("#form-errors");
    var auto = root.matches && root.matches("[data-autofocus]") ? root : root.querySelector("[data-autofocus]");
    var remembered = takeBefore(target);
    // A background refresh (inbox poll, screen-pops) never pulls focus to itself; it only puts
    // focus back when it replaced the focused element.
    var elt = evt.detail.elt;
    var background = !!(elt && elt.getAttribute && (/\bevery\b/.test(elt.getAttribute("hx-trigger") || "") ||
      /X-KCC-Background/.test(elt.getAttribute("hx-headers") || "")));
    if (background) { summary = null; auto = null; }
    if (summary) { summary.focus(); return; }
    if (auto && isVisible(auto)) {
      // A status message or heading can take focus too, without entering the Tab order.
      if (auto.tabIndex < 0 && !auto.hasAttribute("tabindex")) auto.setAttribute("tabindex", "-1");
      auto.focus();
      return;
    }
    var active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return; // focus is where it was
    if (!remembered) return;
    var again = null;
    if (remembered.href) again = rowLinks().filter(function (l) { return l.getAttribute("href") === remembered.href; })[0];
    if (!again && remembered.id) again = document.getElementById(remembered.id);
    if (!again && root !== document) {
      again = focusables(root)[0] || root;
      if (again === root && !root.hasAttribute("tabindex")) root.setAttribute("tabindex", "-1");
    }
    if (again) again.focus({ preventScroll: true });
  }
  document.addEventListener("htmx:afterSettle", focusAfterSwap);

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("#form-errors");
    if (summary) summary.focus();
    announceShortcuts();
  });

  window.kccShortcuts = { open: openOverview, combo: normaliseCombo };
})();
