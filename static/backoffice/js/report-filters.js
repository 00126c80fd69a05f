// Report filters: choosing a period writes the days it means into the From/To
// boxes (day first, as the server reads them); typing a date makes the period
// "Custom". "Today" is the site's day (data-today), not the browser's.
// (A file, not an inline script: the Content-Security-Policy runs no inline
// script without the page's nonce.)
(() => {
  const pad = (n) => String(n).padStart(2, "0");
  const dayFirst = (d) => `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
  const addDays = (d, n) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);

  const range = (preset, today) => {
    switch (preset) {
      case "today": return [today, today];
      case "this_week": return [addDays(today, -((today.getDay() + 6) % 7)), today];
      case "this_month": return [new Date(today.getFullYear(), today.getMonth(), 1), today];
      case "last_30_days": return [addDays(today, -29), today];
      case "this_year": return [new Date(today.getFullYear(), 0, 1), today];
      default: return null;
    }
  };

  const start = () => {
    const form = document.getElementById("report-filters");
    if (!form) return;
    const preset = form.querySelector("[name=preset]");
    const from = form.querySelector("[name=date_from]");
    const to = form.querySelector("[name=date_to]");
    if (!preset || !from || !to) return;
    const [y, m, d] = (form.dataset.today || "").split("-").map(Number);
    const today = y ? new Date(y, m - 1, d) : new Date();
    [from, to].forEach((input) => input.addEventListener("input", () => { preset.value = "custom"; }));
    preset.addEventListener("change", () => {
      const days = range(preset.value, today);
      if (!days) return;
      from.value = dayFirst(days[0]);
      to.value = dayFirst(days[1]);
    });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
