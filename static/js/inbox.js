// Inbox polling: progressive enhancement only; the page works without it.
(function () {
  "use strict";

  // A poll answered 304 Not Modified means nothing changed: keep what is on screen (htmx would
  // otherwise swap in the empty body).
  document.addEventListener("htmx:beforeSwap", function (evt) {
    if (evt.detail.xhr && evt.detail.xhr.status === 304) {
      evt.detail.shouldSwap = false;
      evt.detail.isError = false;
    }
  });

  // Do not refresh the list under a team lead who is ticking contacts to assign.
  document.addEventListener("htmx:beforeRequest", function (evt) {
    var elt = evt.detail.elt;
    if (elt && elt.hasAttribute && elt.hasAttribute("data-kcc-poll") && document.querySelector(".kcc-assign-check:checked")) {
      evt.preventDefault();
    }
  });

  // Phone registration: a number typed in the caller search is the caller's number; fill the
  // phone field when the agent has not typed one.
  document.addEventListener("htmx:afterSwap", function (evt) {
    var found = evt.target && evt.target.querySelector && evt.target.querySelector("[data-kcc-caller-phone]");
    var phone = document.getElementById("id_phone");
    if (found && phone && !phone.value) {
      phone.value = found.getAttribute("data-kcc-caller-phone");
    }
  });
})();
