// Annotated reader: note filters remembered across pages, and highlights that
// open their note on narrow screens. Without JS every note is simply shown.
(() => {
  "use strict";
  const root = document.documentElement;
  root.classList.add("ar-js");
  const KEY = "annotated-reader:hidden-kinds";
  const narrow = window.matchMedia("(max-width: 1199.98px)");

  const load = () => {
    try { return new Set(JSON.parse(localStorage.getItem(KEY) || "[]")); } catch { return new Set(); }
  };
  const save = (kinds) => {
    try { localStorage.setItem(KEY, JSON.stringify([...kinds])); } catch { /* private mode */ }
  };
  const hidden = load();

  const applyFilters = () => {
    document.querySelectorAll(".ar-filter").forEach((button) => {
      const kind = button.dataset.kind;
      root.classList.toggle(`ar-hide-${kind}`, hidden.has(kind));
      button.setAttribute("aria-pressed", String(!hidden.has(kind)));
    });
  };

  const syncExpanded = () => {
    document.querySelectorAll(".ar-hl-btn").forEach((button) => {
      const note = document.getElementById(button.getAttribute("aria-controls"));
      if (!note) return;
      note.dataset.anchored = "true";
      const open = !narrow.matches || note.classList.contains("ar-open");
      button.setAttribute("aria-expanded", String(open));
    });
  };

  document.addEventListener("click", (event) => {
    const filter = event.target.closest(".ar-filter");
    if (filter) {
      const kind = filter.dataset.kind;
      if (hidden.has(kind)) hidden.delete(kind); else hidden.add(kind);
      save(hidden);
      applyFilters();
      return;
    }
    const button = event.target.closest(".ar-hl-btn");
    if (!button) return;
    const note = document.getElementById(button.getAttribute("aria-controls"));
    if (!note) return;
    if (narrow.matches) {
      note.classList.toggle("ar-open");
      syncExpanded();
    } else {
      note.classList.add("ar-flash");
      note.scrollIntoView({ block: "nearest", behavior: "smooth" });
      setTimeout(() => note.classList.remove("ar-flash"), 1200);
    }
  });

  const start = () => { applyFilters(); syncExpanded(); };
  narrow.addEventListener("change", syncExpanded);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
