// The pydata theme's inline scripts as a file, so that pages work under the
// Content-Security-Policy "script-src 'self'" (see templates/): apply the
// stored light/dark mode before the page is drawn, focus the search field.
(() => {
  "use strict";
  const fallback = document.currentScript ? document.currentScript.dataset.defaultMode || "" : "";
  document.documentElement.dataset.mode = localStorage.getItem("mode") || fallback;
  document.documentElement.dataset.theme = localStorage.getItem("theme") || fallback;
  document.addEventListener("DOMContentLoaded", () => {
    const search = document.querySelector(".bd-search-container form.bd-search input");
    if (search) {
      search.focus();
      search.select();
    }
  });
})();
