// The import preview has one small form per choice (headers, read as, columns,
// statuses, save as a data source, start). Pressing one form's button sends only
// that form: a change made in another form and not applied would be lost without
// a word. So: ask first. (A file, not an inline script: the Content-Security-Policy.)
(() => {
  const start = () => {
    const page = document.getElementById("import-preview");
    if (!page) return;
    const forms = Array.from(page.querySelectorAll("form[method=post]"));
    const dirty = new Set();
    const title = (form) => {
      const heading = form.closest("section")?.querySelector("h2, h3");
      return heading ? heading.textContent.trim() : form.id;
    };
    forms.forEach((form) => {
      form.addEventListener("change", () => dirty.add(form));
      form.addEventListener("submit", (event) => {
        const others = forms.filter((other) => other !== form && dirty.has(other));
        if (!others.length) return;
        const names = others.map((other) => `“${title(other)}”`).join(", ");
        const message = `${names}: changed but not applied. Continue and lose ${
          others.length > 1 ? "those changes" : "that change"}?`;
        if (!window.confirm(message)) event.preventDefault();
      });
    });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
