// Signals board: progressive enhancement only; every control works without it.
(function () {
  "use strict";

  // Print buttons on the overleg report (hidden without JavaScript: use the browser's print).
  function initPrint(root) {
    root.querySelectorAll("[data-kcc-print]").forEach(function (button) {
      button.hidden = false;
      if (button.dataset.kccPrintReady) return;
      button.dataset.kccPrintReady = "1";
      button.addEventListener("click", function () { window.print(); });
    });
  }

  // The response form: show the owner/target-date fields only when acknowledging and the
  // knowledge-article fields only when resolving. Without JavaScript all fields show.
  function initTransition(root) {
    root.querySelectorAll("form").forEach(function (form) {
      var radios = form.querySelectorAll("[data-kcc-transition]");
      var blocks = form.querySelectorAll("[data-kcc-show-for]");
      if (!radios.length || !blocks.length) return;
      function update() {
        var chosen = form.querySelector("[data-kcc-transition]:checked");
        var value = chosen ? chosen.value : "";
        blocks.forEach(function (block) {
          var show = block.getAttribute("data-kcc-show-for") === value || block.querySelector("[aria-invalid='true']");
          block.hidden = !show;
        });
      }
      radios.forEach(function (radio) { radio.addEventListener("change", update); });
      update();
    });
  }

  function init(root) {
    initPrint(root);
    initTransition(root);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (evt) { init(evt.target); });
})();
