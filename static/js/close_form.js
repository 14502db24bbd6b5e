/* Close form: show the extra fields of the chosen outcome only (progressive enhancement).
   Every outcome's fieldset is in the page and works without JavaScript. With JavaScript, the
   fieldsets of the other outcomes are hidden AND disabled, so their fields are neither
   focusable nor posted. Works for forms swapped in by htmx too (event delegation). */
(function () {
  "use strict";
  if (window.kccCloseForm) { return; }
  window.kccCloseForm = true;

  function sync(select) {
    var form = select.form;
    if (!form) { return; }
    form.querySelectorAll("[data-outcome-fields]").forEach(function (fieldset) {
      var off = fieldset.getAttribute("data-outcome-fields") !== select.value;
      fieldset.hidden = off;
      fieldset.disabled = off;
    });
  }

  function init(root) {
    (root || document).querySelectorAll("select[data-outcome-select]").forEach(sync);
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-outcome-select]")) { sync(event.target); }
  });
  document.addEventListener("htmx:load", function (event) { init(event.detail && event.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
}());
