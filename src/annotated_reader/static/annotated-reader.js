// Annotated reader. Three independent parts: notes (level with their anchors
// beside the text; opened from their phrase where the page is narrow; filters
// remembered across pages), previews of passages and glossary terms, and
// citations (copy buttons, "cite this paragraph"). Without the script every
// note is shown and every phrase links to its note. Data from the page is
// inserted as text (textContent, DOM nodes), never as HTML.

// -- Notes -------------------------------------------------------------------
(() => {
  "use strict";
  const root = document.documentElement;
  root.classList.add("ar-js");
  const KEY = "annotated-reader:hidden-kinds";
  const paras = [...document.querySelectorAll(".ar-para")];

  // The stylesheet's one breakpoint decides; the script only reads it.
  const inMargin = (para) =>
    getComputedStyle(para.querySelector(".ar-text") || para).getPropertyValue("--ar-layout").trim() ===
    "margin";
  const shown = (element) => element.getClientRects().length > 0;
  const noteOf = (control) => document.getElementById(control.hash.slice(1));
  // A student's note (annotated-reader-student.js) is placed level with its highlight.
  const controlOf = (note) =>
    document.querySelector(`a.ar-hl[href="#${note.id}"], mark.ar-my-hl[data-note="${note.id}"]`);

  // Filters by kind, remembered in localStorage.
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

  // Narrow: the phrase is a disclosure button; its note opens under the line
  // (as a float placed right after the phrase, so it reads in text order).
  const homes = new WeakMap(); // note -> the comment that marks its place in the column
  const open = (note, control, focus) => {
    if (!homes.has(note)) {
      const home = document.createComment(note.id);
      note.before(home);
      homes.set(note, home);
    }
    if (!note.querySelector(".ar-note-close")) {
      const close = document.createElement("button");
      close.type = "button";
      close.className = "ar-note-close";
      close.setAttribute("aria-label", `Close ${note.getAttribute("aria-label")}`);
      close.textContent = "×";
      note.querySelector(".ar-note-head").append(close);
    }
    control.after(note);
    note.classList.add("ar-open");
    control.setAttribute("aria-expanded", "true");
    if (focus) {
      note.focus({ preventScroll: true });
      note.scrollIntoView({ block: "nearest", behavior: "instant" }); // furo scrolls smoothly: measure and read at once
    }
  };
  const close = (note, focus) => {
    const control = controlOf(note);
    note.classList.remove("ar-open");
    homes.get(note)?.after(note);
    if (control) {
      control.setAttribute("aria-expanded", "false");
      if (focus) control.focus();
    }
  };

  const setControls = (para, margin) => {
    para.querySelectorAll("a.ar-hl").forEach((control) => {
      const note = noteOf(control);
      if (margin || !note) {
        if (note?.classList.contains("ar-open")) close(note, false);
        control.removeAttribute("role");
        control.removeAttribute("aria-expanded");
        control.removeAttribute("aria-controls");
      } else {
        control.setAttribute("role", "button");
        control.setAttribute("aria-controls", note.id);
        control.setAttribute("aria-expanded", String(note.classList.contains("ar-open")));
      }
    });
  };

  // Wide: each note starts level with its anchor's line (or its paragraph's
  // first line), or just below the note before it; the notes are in the flow
  // of their column, so a paragraph whose notes are taller grows to hold them.
  const place = (para) => {
    const margin = inMargin(para);
    setControls(para, margin);
    const column = para.querySelector(":scope > .ar-notes");
    if (!column) return;
    const notes = [...column.children].filter((n) => n.classList.contains("ar-note"));
    if (!margin) {
      notes.forEach((note) => note.style.removeProperty("--ar-offset"));
      return;
    }
    const top = column.getBoundingClientRect().top;
    const text = para.querySelector(".ar-text").getBoundingClientRect().top;
    const wanted = notes.map((note) => {
      if (!shown(note)) return null;
      const control = controlOf(note);
      const line = control && shown(control) ? control.getClientRects()[0].top : text;
      return {
        note,
        at: Math.max(0, line - top),
        height: note.offsetHeight,
        after: parseFloat(getComputedStyle(note).marginBottom) || 0,
      };
    });
    // Offsets are top margins; each collapses with the margin below the note
    // before it, so a note starts at least that margin lower.
    let bottom = 0;
    let after = 0;
    for (const item of wanted) {
      if (!item) continue;
      const start = Math.max(bottom + after, Math.round(item.at));
      item.note.style.setProperty("--ar-offset", `${start - bottom}px`);
      bottom = start + item.height;
      after = item.after;
    }
  };

  const dirty = new Set();
  let frame = 0;
  const schedule = (para) => {
    dirty.add(para);
    if (!frame) {
      frame = requestAnimationFrame(() => {
        frame = 0;
        const todo = [...dirty];
        dirty.clear();
        todo.forEach(place);
      });
    }
  };
  const placeAll = () => paras.forEach(place);

  document.addEventListener("click", (event) => {
    const filter = event.target.closest(".ar-filter");
    if (filter) {
      const kind = filter.dataset.kind;
      if (hidden.has(kind)) hidden.delete(kind); else hidden.add(kind);
      save(hidden);
      applyFilters();
      placeAll();
      return;
    }
    const closer = event.target.closest(".ar-note-close");
    if (closer) {
      close(closer.closest(".ar-note"), true);
      return;
    }
    const control = event.target.closest("a.ar-hl");
    const note = control && noteOf(control);
    if (!note) return;
    event.preventDefault();
    if (!inMargin(control.closest(".ar-para"))) {
      if (note.classList.contains("ar-open")) close(note, true); else open(note, control, true);
      return;
    }
    // Wide: the note is beside its line already; take focus there and show it.
    note.focus({ preventScroll: true });
    note.scrollIntoView({ block: "nearest", behavior: "instant" });
    note.classList.add("ar-flash");
    setTimeout(() => note.classList.remove("ar-flash"), 1200);
  });

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented) return;
    const control = event.target.closest?.('a.ar-hl[role="button"]');
    if (control && event.key === " ") {
      event.preventDefault();
      control.click();
      return;
    }
    if (event.key !== "Escape") return;
    const note = event.target.closest?.(".ar-note.ar-open") ||
      (control && noteOf(control)?.classList.contains("ar-open") ? noteOf(control) : null);
    if (note) {
      event.preventDefault();
      close(note, true);
    }
  });

  // A link to a note that is closed on a narrow screen opens it.
  const openTarget = () => {
    const note = location.hash.startsWith("#note-") && document.getElementById(location.hash.slice(1));
    const control = note && controlOf(note);
    if (control && !shown(note)) open(note, control, true);
  };

  // One keystroke from the top of the page to the text.
  if (paras.length) {
    const skip = document.createElement("a");
    skip.className = "ar-skip";
    skip.href = `#${paras[0].id}`;
    skip.textContent = "Skip to the text";
    document.body.prepend(skip);
  }

  const start = () => {
    applyFilters();
    placeAll();
    openTarget();
    // Text reflows (resizes, fonts, an opened "Discussed in") move anchors.
    const watch = new ResizeObserver((entries) => {
      entries.forEach((entry) => schedule(entry.target.closest(".ar-para")));
    });
    paras.forEach((para) => {
      watch.observe(para);
      para.querySelectorAll(":scope > .ar-text, .ar-note").forEach((part) => watch.observe(part));
    });
    document.fonts?.ready.then(placeAll);
    window.addEventListener("hashchange", openTarget);
    window.matchMedia("print").addEventListener("change", placeAll);
    // The student's notes script asks again after adding or removing notes.
    document.addEventListener("ar:layout", placeAll);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// -- Previews ----------------------------------------------------------------
// One popup describes the link under the pointer or focus; it stays while the
// pointer is on the link or on the popup, and Escape hides it (WCAG 1.4.13).
(() => {
  "use strict";
  if (!document.querySelector("a.ar-has-preview")) return;
  const MARGIN = 8;
  const popup = document.createElement("div");
  popup.id = "ar-preview";
  popup.className = "ar-preview";
  popup.setAttribute("role", "tooltip");
  popup.hidden = true;
  document.body.append(popup);
  let current = null;
  let timer = 0;

  const textOf = (link) => {
    const source = link.nextElementSibling;
    return source?.classList.contains("ar-preview-src") ? source.textContent : "";
  };
  const position = () => {
    const rects = current.getClientRects();
    if (!rects.length) { hide(); return; }
    const first = rects[0];
    const last = rects[rects.length - 1];
    const width = document.documentElement.clientWidth;
    const height = window.innerHeight;
    popup.style.maxWidth = `${Math.min(416, width - 2 * MARGIN)}px`;
    popup.style.maxHeight = `${height - 2 * MARGIN}px`;
    const w = popup.offsetWidth;
    const h = popup.offsetHeight;
    let top = last.bottom + 6;
    if (top + h > height - MARGIN) top = first.top - 6 - h;
    if (top < MARGIN) top = Math.max(MARGIN, height - MARGIN - h);
    const left = Math.max(MARGIN, Math.min(last.left, width - MARGIN - w));
    popup.style.left = `${left}px`;
    popup.style.top = `${top}px`;
  };
  const hide = () => {
    clearTimeout(timer);
    current?.removeAttribute("aria-describedby");
    current = null;
    popup.hidden = true;
  };
  const show = (link) => {
    clearTimeout(timer);
    if (link === current) return;
    hide();
    const text = textOf(link);
    if (!text) return;
    popup.textContent = text;
    popup.hidden = false;
    current = link;
    link.setAttribute("aria-describedby", popup.id);
    position();
  };
  const hideSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(hide, 250);
  };

  document.addEventListener("pointerover", (event) => {
    const link = event.target.closest?.("a.ar-has-preview");
    if (link) show(link);
    else if (event.target.closest?.("#ar-preview")) clearTimeout(timer);
  });
  document.addEventListener("pointerout", (event) => {
    if (event.target.closest?.("a.ar-has-preview, #ar-preview")) hideSoon();
  });
  document.addEventListener("focusin", (event) => {
    const link = event.target.closest?.("a.ar-has-preview");
    if (link) show(link); else if (current) hide();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && current) {
      event.preventDefault(); // dismisses the preview only, focus stays
      hide();
    }
  }, true);
  window.addEventListener("scroll", () => current && position(), { passive: true });
  window.addEventListener("resize", () => current && position());
})();

// -- Citations -------------------------------------------------------------------
// Copy buttons, and "cite this paragraph": choosing a paragraph number opens a
// dialog with its citation in each style; closing it returns to the number.
(() => {
  "use strict";
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
    if (target) copy(target.textContent.trim(), button);
  });

  const box = document.querySelector(".ar-cite");
  if (!box) return;
  const { slot, urlSlot } = box.dataset;
  // The canonical address when the site declares one, else this page's.
  const pageUrl = () =>
    document.querySelector('link[rel="canonical"]')?.href || location.href.split("#")[0];
  const paragraphUrl = (n) => `${pageUrl()}#p${n}`;

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
  const row = (label, id, content, className = "") => {
    const value = element("span", className, content);
    value.id = id;
    const button = element("button", "ar-copy", "Copy");
    button.type = "button";
    button.dataset.copy = id;
    button.setAttribute("aria-label", `Copy ${label}`);
    return { row: element("p", "", element("span", "ar-cite-label", label), " ", value, " ", button), button };
  };

  const choose = (number) => {
    const n = number.closest(".ar-para").dataset.para;
    const title = element("p", "ar-para-cite-title", `Cite paragraph ${n}`);
    title.id = "ar-para-cite-title";
    const dialog = element("dialog", "ar-para-cite");
    dialog.setAttribute("aria-labelledby", title.id);
    const closer = element("button", "ar-para-cite-close", "×");
    closer.type = "button";
    closer.setAttribute("aria-label", "Close");
    const rows = [];
    box.querySelectorAll(".ar-cite-style").forEach((style, i) => {
      const label = style.querySelector(".ar-cite-label").textContent;
      const inText = style.querySelector("template.ar-cite-para");
      const reference = style.querySelector("template.ar-cite-para-ref");
      rows.push(row(label, `ar-para-cite-${i}`, fill(inText, n)));
      rows.push(row("Reference", `ar-para-ref-${i}`, fill(reference, n), "ar-para-cite-ref"));
      const shown = style.querySelector(".ar-cite-chosen-para");
      shown.replaceChildren(`Paragraph ${n} of this edition: `, fill(inText, n), " ", fill(reference, n));
      shown.hidden = false;
    });
    const link = row("Link", "ar-para-cite-link", paragraphUrl(n), "ar-para-cite-url");
    const full = element("a", "", "Cite this source");
    full.href = "#cite-this";
    const more = element("p", "ar-para-cite-more", "Full references: ", full, ".");
    dialog.append(closer, title, ...rows.map((r) => r.row), link.row, more);
    if (rows.length) rows[0].button.autofocus = true;
    number.closest(".ar-para").append(dialog);

    const chosen = box.querySelector(".ar-cite-chosen");
    chosen.textContent = `Paragraph ${n}: ${paragraphUrl(n)}`;
    chosen.hidden = false;

    let leaving = false; // to the full references, where the link goes
    closer.addEventListener("click", () => dialog.close());
    full.addEventListener("click", () => { leaving = true; box.open = true; dialog.close(); });
    dialog.addEventListener("click", (event) => {
      const r = dialog.getBoundingClientRect();
      const outside = event.clientX < r.left || event.clientX > r.right ||
        event.clientY < r.top || event.clientY > r.bottom;
      if (event.target === dialog && outside) dialog.close(); // a click on the backdrop
    });
    // Modal: the rest of the page is inert; Tab also wraps inside the dialog
    // rather than leaving it for the browser's own controls.
    dialog.addEventListener("keydown", (event) => {
      if (event.key !== "Tab") return;
      const stops = [...dialog.querySelectorAll("button, a[href]")];
      const edge = event.shiftKey ? stops[0] : stops[stops.length - 1];
      if (document.activeElement === edge) {
        event.preventDefault();
        (event.shiftKey ? stops[stops.length - 1] : stops[0]).focus();
      }
    });
    dialog.addEventListener("close", () => {
      dialog.remove();
      if (!leaving) number.focus();
    });
    dialog.showModal();
  };

  document.addEventListener("click", (event) => {
    const number = event.target.closest(".ar-pnum");
    if (!number || document.querySelector("dialog.ar-para-cite")) return;
    // Go to the paragraph first (the address names it), then open the
    // dialog: going to a fragment afterwards would take focus out of it.
    event.preventDefault();
    if (location.hash !== number.hash) location.hash = number.hash;
    choose(number);
  });
})();
