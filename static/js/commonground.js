// The desk's BRP and case panels (kcc/commonground): when the panel's own request times out
// (htmx `hx-request` timeout, a little over the server's deadline), fails on the network or
// answers an error, the panel says so ("BRP niet bereikbaar") and offers a retry, instead of
// loading forever. The texts come from data attributes (translated on the server).
(function () {
  "use strict";

  function degrade(event) {
    var elt = event.detail && event.detail.elt;
    var panel = elt && elt.closest ? elt.closest("[data-cg-panel]") : null;
    if (!panel) return;
    var message = document.createElement("p");
    message.className = "utrecht-paragraph";
    message.setAttribute("role", "alert");
    message.setAttribute("data-testid", "cg-unreachable");
    message.textContent = panel.getAttribute("data-cg-unreachable");
    var retry = document.createElement("button");
    retry.type = "button";
    retry.className = "utrecht-button utrecht-button--secondary-action";
    retry.textContent = panel.getAttribute("data-cg-retry");
    retry.addEventListener("click", function () {
      panel.replaceChildren();
      window.htmx.trigger(panel, "cg-retry");
    });
    panel.replaceChildren(message, retry);
  }

  document.addEventListener("htmx:timeout", degrade);
  document.addEventListener("htmx:sendError", degrade);
  document.addEventListener("htmx:responseError", degrade);
})();
