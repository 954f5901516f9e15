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
    const mark = event.target.closest("mark.ar-hl[data-note]");
    const button = mark
      ? document.querySelector(`.ar-hl-btn[aria-controls="${mark.dataset.note}"]`)
      : event.target.closest(".ar-hl-btn");
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

// "Cite this": copy buttons, and the citation of one paragraph when its
// number is chosen (the panel opens beside the paragraph; Escape closes it).
(() => {
  "use strict";
  const box = document.querySelector(".ar-cite");

  const copy = async (text, button) => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const area = document.createElement("textarea");
      area.value = text;
      document.body.append(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    const label = button.textContent;
    button.textContent = "Copied";
    button.dataset.copied = "true";
    setTimeout(() => { button.textContent = label; delete button.dataset.copied; }, 1500);
  };

  document.addEventListener("click", (event) => {
    const button = event.target.closest(".ar-copy");
    if (!button) return;
    const target = document.getElementById(button.dataset.copy);
    if (target) copy(target.innerText.trim(), button);
  });

  if (!box) return;
  const slot = box.dataset.slot;
  const paragraphUrl = (n) => `${location.href.split("#")[0]}#p${n}`;

  const closePanel = () => document.querySelectorAll(".ar-para-cite").forEach((p) => p.remove());

  const choose = (n) => {
    closePanel();
    const para = document.getElementById(`p${n}`);
    if (!para) return;
    const panel = document.createElement("div");
    panel.className = "ar-para-cite";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", `Cite paragraph ${n}`);
    const rows = [...box.querySelectorAll(".ar-cite-style")].map((style, i) => {
      const label = style.querySelector(".ar-cite-label").textContent;
      const cite = style.querySelector(".ar-cite-para");
      const text = cite.dataset.template.replace(slot, n);
      cite.textContent = `In text, ¶ ${n}: ${text}`;
      cite.hidden = false;
      return `<p><span class="ar-cite-label">${label}</span> <span id="para-cite-${i}">${text}</span> ` +
        `<button type="button" class="ar-copy" data-copy="para-cite-${i}">Copy</button></p>`;
    });
    panel.innerHTML = `<p class="ar-para-cite-title">Cite paragraph ${n}</p>${rows.join("")}` +
      `<p><span class="ar-cite-label">Link</span> <span id="para-link">${paragraphUrl(n)}</span> ` +
      `<button type="button" class="ar-copy" data-copy="para-link">Copy</button></p>` +
      `<p class="ar-para-cite-more">Full references: <a href="#cite-this">Cite this source</a>.</p>` +
      `<button type="button" class="ar-para-cite-close" aria-label="Close">×</button>`;
    para.prepend(panel);
    const chosen = box.querySelector(".ar-cite-chosen");
    chosen.textContent = `Paragraph ${n}: ${paragraphUrl(n)}`;
    chosen.hidden = false;
    panel.querySelector(".ar-para-cite-close").focus();
  };

  document.addEventListener("click", (event) => {
    if (event.target.closest(".ar-para-cite-close")) { closePanel(); return; }
    const number = event.target.closest(".ar-pnum");
    if (!number) return;
    choose(number.closest(".ar-para").dataset.para);
  });
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") closePanel(); });
})();
