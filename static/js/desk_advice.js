/* Desk: transfer advice and reply tools (docs/desk.md "Transfer advice", "Answers into replies").
   Progressive enhancement, no inline code (strict CSP); loaded by the close form and the reply.
   * Choosing the outcome "Transferred" (or changing the topic department while it is chosen)
     asks the server for the advice: htmx POSTs the close form to #transfer-advice.
   * [data-advice-take] takes the advised department into the transfer field and moves the
     focus to the reason (the first advice has Alt+Shift+D).
   * The reply tools (#reply) send the cursor position with "insert"; after the swap the cursor
     is put back right after the inserted text. */
(function () {
  "use strict";
  if (window.kccDeskAdvice) { return; }
  window.kccDeskAdvice = true;

  function requestAdvice(form) {
    var box = form && form.querySelector("#transfer-advice");
    var outcome = form && form.querySelector("select[data-outcome-select]");
    if (!box || !outcome || outcome.value !== "transferred" || !window.htmx) { return; }
    window.htmx.trigger(box, "kcc-advice");
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!el.form || el.form.id !== "close-form") { return; }
    if (el.matches("select[data-outcome-select]") || el.name === "topic_department") { requestAdvice(el.form); }
  });

  // Capture phase: the hidden cursor and article fields are set before htmx, listening on the
  // button itself, collects the form's values.
  document.addEventListener("click", function (event) {
    var take = event.target.closest && event.target.closest("[data-advice-take]");
    if (take) {
      var form = take.closest("form");
      var select = form && form.querySelector("select[name=transfer_to_department]");
      if (!select) { return; }
      select.value = take.getAttribute("data-advice-take");
      select.dispatchEvent(new Event("change", { bubbles: true }));
      var reason = form.querySelector("[name=transfer_reason]");
      (reason || select).focus();
      return;
    }
    var insert = event.target.closest && event.target.closest("[data-reply-insert]");
    if (insert) {
      var reply = insert.form && insert.form.querySelector("textarea[name=text]");
      var cursor = insert.form && insert.form.querySelector("input[name=cursor]");
      var article = insert.form && insert.form.querySelector("input[name=article]");
      if (reply && cursor) { cursor.value = String(reply.selectionStart || 0); }
      // The article being read in the knowledge pane wins over the linked one.
      var reading = document.querySelector("#kp-reader [data-article]");
      if (article && reading && insert.value === "answer") { article.value = reading.getAttribute("data-article"); }
    }
  }, true);

  function placeCursor(root) {
    var reply = (root || document).querySelector("textarea[data-cursor]");
    if (!reply) { return; }
    var at = parseInt(reply.getAttribute("data-cursor"), 10) || 0;
    reply.removeAttribute("data-cursor");
    // The agent went on while the text was on its way (e.g. Alt+Shift+U to the outcome): the
    // text is in the reply, the focus stays where the agent put it.
    var active = document.activeElement;
    if (active && active !== document.body && active.isConnected && !(reply.form && reply.form.contains(active))) { return; }
    reply.focus();
    reply.setSelectionRange(at, at);
  }

  // After any swap: the reply that came back carries data-cursor (an outerHTML swap replaces
  // the element the event names, so look in the document).
  document.addEventListener("htmx:afterSettle", function (event) {
    placeCursor(document);
    // The advice arrives below the close form's fields: bring it into the (scrolling) pane
    // without moving the focus, which stays on the outcome.
    var target = event.detail && event.detail.target;
    if (target && target.id === "transfer-advice" && target.scrollIntoView) { target.scrollIntoView({ block: "nearest" }); }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { requestAdvice(document.getElementById("close-form")); });
  } else {
    requestAdvice(document.getElementById("close-form"));
  }
}());
