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
  const { slot, urlSlot } = box.dataset;
  // The canonical address when the site declares one, else this page's.
  const pageUrl = () =>
    document.querySelector('link[rel="canonical"]')?.href || location.href.split("#")[0];
  const paragraphUrl = (n) => `${pageUrl()}#p${n}`;

  const closePanel = () => document.querySelectorAll(".ar-para-cite").forEach((p) => p.remove());

  // A copy of a <template> with the paragraph number and the page's address
  // filled in; text nodes only, so the citation's markup stays as built.
  const fill = (template, n) => {
    const copy = template.content.cloneNode(true);
    const walker = document.createTreeWalker(copy, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      text.nodeValue = text.nodeValue.replaceAll(urlSlot, pageUrl()).replaceAll(slot, n);
    }
    return copy;
  };
  const element = (tag, className, ...children) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    node.append(...children);
    return node;
  };
  const copyable = (id, content) => {
    const button = element("button", "ar-copy", "Copy");
    button.type = "button";
    button.dataset.copy = id;
    const span = element("span", "", content);
    span.id = id;
    return [span, " ", button];
  };

  const choose = (n) => {
    closePanel();
    const para = document.getElementById(`p${n}`);
    if (!para) return;
    const panel = element("div", "ar-para-cite", element("p", "ar-para-cite-title", `Cite paragraph ${n}`));
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", `Cite paragraph ${n}`);
    box.querySelectorAll(".ar-cite-style").forEach((style, i) => {
      const label = style.querySelector(".ar-cite-label").textContent;
      const inText = style.querySelector("template.ar-cite-para");
      const reference = style.querySelector("template.ar-cite-para-ref");
      panel.append(
        element("p", "", element("span", "ar-cite-label", label), " ", ...copyable(`para-cite-${i}`, fill(inText, n))),
        element("p", "ar-para-cite-ref", ...copyable(`para-ref-${i}`, fill(reference, n))),
      );
      const shown = style.querySelector(".ar-cite-chosen-para");
      shown.replaceChildren(`Paragraph ${n} of this edition: `, fill(inText, n), " ", fill(reference, n));
      shown.hidden = false;
    });
    panel.append(
      element("p", "", element("span", "ar-cite-label", "Link"), " ", ...copyable("para-link", paragraphUrl(n))),
      element("p", "ar-para-cite-more", "Full references: ", Object.assign(element("a", "", "Cite this source"), { href: "#cite-this" }), "."),
    );
    const close = element("button", "ar-para-cite-close", "×");
    close.type = "button";
    close.setAttribute("aria-label", "Close");
    panel.append(close);
    para.prepend(panel);
    const chosen = box.querySelector(".ar-cite-chosen");
    chosen.textContent = `Paragraph ${n}: ${paragraphUrl(n)}`;
    chosen.hidden = false;
    close.focus();
  };

  document.addEventListener("click", (event) => {
    if (event.target.closest(".ar-para-cite-close")) { closePanel(); return; }
    const number = event.target.closest(".ar-pnum");
    if (!number) return;
    choose(number.closest(".ar-para").dataset.para);
  });
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") closePanel(); });
})();
