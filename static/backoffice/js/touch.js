/* A tap on a Call or WhatsApp link (a[data-touch-url]) is recorded as a
   contact attempt on the customer's timeline: a POST sent with
   navigator.sendBeacon as the link opens. The link is never held up: if the
   beacon cannot be sent, the dialer or WhatsApp still opens. On "My calls",
   the lead opened after a saved update is brought into view. */
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) { return input.value; }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-touch-url]") : null;
    if (!link) { return; }
    try {
      var body = new FormData();
      body.append("csrfmiddlewaretoken", csrfToken());
      var sent = navigator.sendBeacon && navigator.sendBeacon(link.dataset.touchUrl, body);
      if (!sent && window.fetch) {
        fetch(link.dataset.touchUrl, { method: "POST", body: body, credentials: "same-origin",
                                       keepalive: true }).catch(function () {});
      }
    } catch (error) { /* the call matters more than its record */ }
  }, true);

  document.addEventListener("DOMContentLoaded", function () {
    var opened = document.querySelector("#my-calls details.alims-call-update[open]");
    if (opened && window.location.search.indexOf("after=") !== -1) {
      var lead = opened.closest(".alims-call");
      if (lead) { lead.scrollIntoView({ block: "start" }); }
      var summary = opened.querySelector("summary");
      if (summary) { summary.focus({ preventScroll: true }); }
    }
  });
}());
