/* A "Copy" button: <button data-copy="#id-of-an-input"> copies that input's
   value to the clipboard and says so in its live region (data-copied names
   the element that announces it). Pages that show a secret once (a new API
   token) also put the focus on it, selected, so it can be copied from the
   keyboard at once. No inline code, CSP-clean. */
(function () {
  "use strict";

  function announce(button, text) {
    var region = document.querySelector(button.getAttribute("data-copied"));
    if (!region) return;
    region.textContent = "";
    // a new text in the live region, so saying it twice is heard twice
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  function fallbackCopy(field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) return;
    var done = button.getAttribute("data-copied-text") || "Copied.";
    var failed = button.getAttribute("data-failed-text") || "Select the text and copy it.";
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(
        function () { announce(button, done); },
        function () { announce(button, fallbackCopy(field) ? done : failed); }
      );
    } else {
      announce(button, fallbackCopy(field) ? done : failed);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var secret = document.querySelector("[data-focus-on-load]");
    if (secret) {
      secret.focus();
      if (secret.select) secret.select();
    }
  });
})();
