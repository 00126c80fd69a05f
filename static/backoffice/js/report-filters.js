// Report filters: typing a date means a custom period; choosing a period clears
// the typed dates. (A file, not an inline script: the Content-Security-Policy
// runs no inline script without the page's nonce.)
(() => {
  const start = () => {
    const form = document.getElementById("report-filters");
    if (!form) return;
    const preset = form.querySelector("[name=preset]");
    const dates = form.querySelectorAll("[name=date_from], [name=date_to]");
    if (!preset) return;
    dates.forEach((input) => input.addEventListener("input", () => { preset.value = "custom"; }));
    preset.addEventListener("change", () => {
      if (preset.value !== "custom") dates.forEach((input) => { input.value = ""; });
    });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
