// Project JavaScript: progressive enhancement only; every control works without it.
// No inline scripts (CSP): behaviour hangs on data attributes.
(function () {
  "use strict";

  // Move focus to the error summary after a failed submit, for keyboard and screen-reader users.
  function focusErrors(root) {
    var summary = (root || document).querySelector("#form-errors");
    if (summary) summary.focus();
  }
  document.addEventListener("DOMContentLoaded", function () { focusErrors(document); });
  document.addEventListener("htmx:afterSwap", function (evt) { focusErrors(evt.target); });

  // Server answers 401 with HX-Redirect after an idle timeout; htmx follows it. For other
  // errors in htmx requests, show the server's fragment instead of silently doing nothing.
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var status = evt.detail.xhr.status;
    if (status === 422 || status === 409 || status === 403 || status === 404) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });

  // Keyboard shortcuts for agents: elements with data-kcc-shortcut="k" get focus on Alt+Shift+k.
  document.addEventListener("keydown", function (evt) {
    if (!evt.altKey || !evt.shiftKey) return;
    var el = document.querySelector('[data-kcc-shortcut="' + evt.key.toLowerCase() + '"]');
    if (el) { evt.preventDefault(); el.focus(); }
  });
})();
