// The student's own notes. Kept in this browser only (localStorage), never
// sent anywhere. Each note is anchored as W3C Web Annotation anchors a text
// quote: its page, its paragraph (on a chapter, which has no numbered
// paragraphs: its section) and the quoted words with some text before and
// after (TextQuoteSelector). After a rebuild it attaches again wherever those
// words still are in that paragraph (on a chapter: that section, else the
// chapter); where they are not, the note is shown as orphaned with its quote,
// never dropped or moved. Two parts: the notes on a source or chapter page,
// and the "My notes" page ({my-notes}). Data is inserted as text
// (textContent), never as HTML.
(() => {
  "use strict";
  const CONTEXT = 32; // characters of prefix and suffix kept with a quote
  const script = document.currentScript;
  const siteRoot = new URL("..", script ? script.src : location.href); // _static/..
  const KEY = `annotated-reader:my-notes:${siteRoot.pathname}`;
  const HIDDEN = "annotated-reader:hidden-kinds"; // the note filters' key (annotated-reader.js)
  const STYLE_KEY = "annotated-reader:citation-style";
  const ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld";

  const pageOf = (url) => {
    const path = new URL(url, location.href).pathname;
    if (!path.startsWith(siteRoot.pathname)) return null;
    let name = decodeURIComponent(path.slice(siteRoot.pathname.length));
    if (name === "" || name.endsWith("/")) name += "index";
    return name.replace(/\.html$/, "");
  };
  const thisPage = pageOf(location.href);

  // -- Store ----------------------------------------------------------------
  const load = () => {
    try {
      const data = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(data) ? data : [];
    } catch {
      return [];
    }
  };
  const save = (notes) => {
    try {
      localStorage.setItem(KEY, JSON.stringify(notes));
      return true;
    } catch {
      return false; // private mode or a full store: the caller says so
    }
  };
  const newId = () =>
    (window.crypto?.randomUUID?.() ??
      `${Date.now().toString(16)}-${Math.random().toString(16).slice(2)}`);
  const element = (tag, className, ...children) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    node.append(...children);
    return node;
  };
  const button = (label, className) => {
    const b = element("button", className, label);
    b.type = "button";
    return b;
  };

  // -- Text of a paragraph ---------------------------------------------------
  // The words a reader sees, whitespace collapsed, without the notes' numbers,
  // an opened note, previews or "Discussed in"; each character maps back to
  // its text node and offset.
  const SKIP = "sup.ar-hl-num, .ar-note, .ar-preview-src, .ar-backlinks, .headerlink, .ar-my-bar, " +
    ".ar-my-orphans, dialog, template, script, style";
  const textOf = (container) => {
    const chars = [];
    const map = [];
    const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) => (node.parentElement.closest(SKIP) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const value = node.nodeValue;
      for (let i = 0; i < value.length; i++) {
        const space = /\s/.test(value[i]);
        if (space && (chars.length === 0 || chars[chars.length - 1] === " ")) continue;
        chars.push(space ? " " : value[i]);
        map.push([node, i]);
      }
    }
    return { text: chars.join(""), map };
  };
  const paragraph = (number, scope = document) =>
    scope.querySelector(`.ar-para[data-para="${CSS.escape(String(number))}"]`);
  const textBox = (para) => para?.querySelector(":scope > .ar-text");

  // The selection as a quote of one paragraph, or null.
  const quoteOf = (range) => {
    const para = range.commonAncestorContainer.parentElement?.closest?.(".ar-para") ||
      range.commonAncestorContainer.closest?.(".ar-para");
    const box = textBox(para);
    if (!box || !box.contains(range.commonAncestorContainer)) return null;
    const { text, map } = textOf(box);
    const [start, end] = span(range, text, map);
    return start < 0 ? null : selector(para, text, start, end);
  };
  // The characters of a text that a range covers, trimmed: [start, end], or [-1, -1].
  const span = (range, text, map) => {
    let start = -1;
    let end = -1;
    map.forEach(([node, offset], i) => {
      if (!range.intersectsNode(node)) return;
      if (node === range.startContainer && offset < range.startOffset) return;
      if (node === range.endContainer && offset >= range.endOffset) return;
      if (start < 0) start = i;
      end = i + 1;
    });
    while (start >= 0 && start < end && text[start] === " ") start++;
    while (end > start && text[end - 1] === " ") end--;
    return start < 0 || end <= start ? [-1, -1] : [start, end];
  };
  const selector = (para, text, start, end) => ({
    para: Number(para.dataset.para),
    exact: text.slice(start, end),
    prefix: text.slice(Math.max(0, start - CONTEXT), start),
    suffix: text.slice(end, end + CONTEXT),
  });

  // Where a note's quote is now: its paragraph (a chapter note: its section,
  // else anywhere in the chapter), and the occurrence of the exact words whose
  // surroundings match best; null if the words are gone.
  const locate = (note, scope = document) => {
    if (onChapter(note)) {
      const chapter = chapterText(scope);
      const section = chapter && sectionOf(note, chapter);
      return (section && findIn(section, note)) || (chapter && findIn(chapter, note));
    }
    return findIn(textBox(paragraph(note.para, scope)), note);
  };
  const findIn = (box, note) => {
    if (!box || !note.exact) return null;
    const { text, map } = textOf(box);
    let best = null;
    for (let at = text.indexOf(note.exact); at >= 0; at = text.indexOf(note.exact, at + 1)) {
      const before = text.slice(0, at);
      const after = text.slice(at + note.exact.length);
      let score = 0;
      while (score < note.prefix.length && before.endsWith(note.prefix.slice(note.prefix.length - score - 1))) score++;
      let tail = 0;
      while (tail < note.suffix.length && after.startsWith(note.suffix.slice(0, tail + 1))) tail++;
      if (!best || score + tail > best.score) best = { at, score: score + tail };
    }
    if (!best) return null;
    return map.slice(best.at, best.at + note.exact.length);
  };

  // -- Chapters: a note on a page without numbered paragraphs -------------------
  const onChapter = (note) => !note.para;
  // The chapter's text (the build marks it); in a pack's print view, the
  // pack's copy of the page (scope), whose ids carry a prefix.
  const chapterText = (scope = document) =>
    scope === document ? document.querySelector("section.ar-chapter") : scope;
  const sectionOf = (note, chapter) => {
    if (!note.section) return null;
    if (chapter.id === note.section) return chapter;
    const id = CSS.escape(note.section);
    return chapter.querySelector(`section[id="${id}"], section[id$="--${id}"]`);
  };
  // A quote of the chapter's text: prefix and suffix from the whole text, the
  // section from where the words start.
  const chapterSelector = (chapter, text, map, start, end) => {
    const section = map[start][0].parentElement.closest("section[id]");
    // The chapter's own title is the page's: only a subsection is named.
    const heading = section !== chapter && section?.querySelector(":scope > h1, :scope > h2, :scope > h3, :scope > h4, :scope > h5, :scope > h6");
    return {
      section: section?.id || chapter.id,
      heading: heading ? textOf(heading).text.trim() : "",
      exact: text.slice(start, end),
      prefix: text.slice(Math.max(0, start - CONTEXT), start),
      suffix: text.slice(end, end + CONTEXT),
    };
  };
  // The selection as a quote of the chapter, or null.
  const chapterQuoteOf = (range) => {
    const common = range.commonAncestorContainer;
    const inside = common.nodeType === Node.ELEMENT_NODE ? common : common.parentElement;
    const chapter = inside?.closest("section.ar-chapter");
    if (!chapter || inside.closest(SKIP)) return null;
    const { text, map } = textOf(chapter);
    const [start, end] = span(range, text, map);
    return start < 0 ? null : chapterSelector(chapter, text, map, start, end);
  };
  // The block (a paragraph, a list...) of the text that holds a highlight:
  // a chapter's notes go under it.
  const blockOf = (mark) => {
    let block = mark;
    while (block.parentElement && block.parentElement.tagName !== "SECTION") block = block.parentElement;
    return block;
  };

  // Wrap the located characters in <mark>s, one per run in a text node.
  const highlight = (note, located) => {
    const runs = new Map();
    located.forEach(([node, offset]) => {
      const run = runs.get(node);
      if (run) run[1] = offset + 1; else runs.set(node, [offset, offset + 1]);
    });
    const marks = [];
    for (const [node, [from, to]] of runs) {
      let target = node;
      if (from > 0) target = target.splitText(from);
      if (to - from < target.nodeValue.length) target.splitText(to - from);
      const mark = element("mark", "ar-my-hl");
      mark.dataset.note = `my-${note.id}`;
      target.replaceWith(mark);
      mark.append(target);
      marks.push(mark);
    }
    return marks;
  };

  // -- Source and chapter pages --------------------------------------------------
  // What differs between a source page (notes on numbered paragraphs, beside
  // or under them) and a chapter (notes on its sections, under their paragraph).
  const sourceUnit = (paras) => ({
    label: (para) => `paragraph ${para}`,
    quoteOf,
    textFor: (para) => textOf(textBox(paragraph(para))),
    anchor: (para, text, map, at, end) => selector(paragraph(para), text, at, end),
    orphansBefore: paras[0],
    legend: document.querySelector(".ar-legend"),
    // Into its paragraph's column.
    column: (note) => {
      const para = paragraph(note.para);
      let column = para.querySelector(":scope > .ar-notes");
      if (!column) {
        column = element("div", "ar-notes");
        para.append(column);
      }
      return column;
    },
    back: (para) => document.querySelector(`.ar-para[data-para="${para}"] .ar-pnum`),
  });
  const chapterUnit = (chapter) => {
    // A bar under the title: the "My notes" filter and, for the keyboard,
    // "Add a note to this chapter".
    const bar = element("p", "ar-my-bar");
    const title = chapter.querySelector(":scope > h1");
    if (title) title.after(bar); else chapter.prepend(bar);
    return {
      label: () => "this chapter",
      quoteOf: chapterQuoteOf,
      textFor: () => textOf(chapter),
      anchor: (_, text, map, at, end) => chapterSelector(chapter, text, map, at, end),
      orphansBefore: bar.nextSibling,
      orphansParent: chapter,
      legend: bar,
      // Under the paragraph (or list, quotation...) that holds its words.
      column: (note, marks) => {
        const block = blockOf(marks[0]);
        let column = block.nextElementSibling;
        if (!column?.classList.contains("ar-my-under")) {
          column = element("div", "ar-my-under");
          block.after(column);
        }
        return column;
      },
      back: () => bar.querySelector(".ar-my-add-chapter"),
      bar,
    };
  };

  const notesHere = () => {
    const paras = [...document.querySelectorAll(".ar-para")];
    const chapter = paras.length ? null : document.querySelector("section.ar-chapter");
    if (!paras.length && !chapter) return;
    const unit = chapter ? chapterUnit(chapter) : sourceUnit(paras);
    const root = document.documentElement;

    // "My notes" among the filters: shown or hidden like a kind of note.
    if (unit.legend) {
      const swatch = element("span", "ar-swatch");
      swatch.setAttribute("aria-hidden", "true");
      const filter = button("My notes", "ar-filter ar-kind-mine");
      filter.dataset.kind = "mine";
      filter.prepend(swatch);
      let hidden = [];
      try { hidden = JSON.parse(localStorage.getItem(HIDDEN) || "[]"); } catch { /* none */ }
      const off = Array.isArray(hidden) && hidden.includes("mine");
      filter.setAttribute("aria-pressed", String(!off));
      root.classList.toggle("ar-hide-mine", off);
      unit.legend.append(filter);
    }

    const orphans = element("section", "ar-my-orphans");
    orphans.hidden = true;
    orphans.setAttribute("aria-labelledby", "ar-my-orphans-title");
    if (unit.orphansBefore) unit.orphansBefore.before(orphans);
    else unit.orphansParent.append(orphans);

    const clear = () => {
      document.querySelectorAll("aside.ar-my-note").forEach((aside) => aside.remove());
      document.querySelectorAll("div.ar-my-under").forEach((column) => column.remove());
      document.querySelectorAll("mark.ar-my-hl").forEach((mark) => {
        const parent = mark.parentNode;
        mark.replaceWith(...mark.childNodes);
        parent.normalize();
      });
      orphans.replaceChildren();
    };

    const card = (note, orphaned) => {
      const aside = element("aside", `ar-note ar-my-note${orphaned ? " ar-my-orphan" : ""}`);
      aside.id = `my-${note.id}`;
      aside.dataset.kind = "mine";
      aside.dataset.anchored = "false";
      aside.setAttribute("role", "note");
      const label = note.text ? "My note" : "My highlight";
      aside.setAttribute("aria-label", `${label}${orphaned ? " (orphaned)" : ""}`);
      aside.tabIndex = -1;
      const head = element("p", "ar-note-head", element("span", "ar-note-kind", label));
      aside.append(head);
      if (orphaned) {
        const where = unit.label(note.para);
        aside.append(
          element("p", "ar-my-orphan-why",
            `${where[0].toUpperCase()}${where.slice(1)} no longer has the words you marked:`),
          element("blockquote", "ar-my-quote", note.exact),
        );
      }
      if (note.text) aside.append(element("p", "ar-my-text", note.text));
      const edit = button("Edit", "ar-my-edit");
      edit.setAttribute("aria-label", `Edit ${label.toLowerCase()} on “${note.exact.slice(0, 40)}”`);
      edit.addEventListener("click", () => editor({ note, anchored: !orphaned, returnTo: edit }));
      aside.append(element("p", "ar-my-actions", edit));
      return aside;
    };

    // Insert a note into its column, in the order of the text.
    const place = (note, aside, marks) => {
      const column = unit.column(note, marks);
      const here = marks[0];
      const later = [...column.children].find((other) => {
        const control = document.querySelector(
          `a.ar-hl[href="#${other.id}"], mark.ar-my-hl[data-note="${other.id}"]`,
        );
        return control && (here.compareDocumentPosition(control) & Node.DOCUMENT_POSITION_FOLLOWING);
      });
      column.insertBefore(aside, later || null);
    };

    const render = () => {
      clear();
      const notes = load();
      let changed = false;
      const lost = [];
      notes
        .filter((note) => note.page === thisPage && onChapter(note) === Boolean(chapter))
        .forEach((note) => {
          const located = locate(note);
          const orphaned = !located;
          if (Boolean(note.orphaned) !== orphaned) {
            note.orphaned = orphaned;
            changed = true;
          }
          if (orphaned) {
            lost.push(note);
            return;
          }
          const marks = highlight(note, located);
          place(note, card(note, false), marks);
        });
      if (changed) save(notes);
      if (lost.length) {
        const title = element("h2", "ar-my-orphans-title", "Orphaned notes");
        title.id = "ar-my-orphans-title";
        const why = element("p", "", "The text of this page changed: these notes no longer find " +
          "the words they were attached to. Edit them or delete them.");
        orphans.append(title, why, ...lost.map((note) => card(note, true)));
      }
      orphans.hidden = !lost.length;
      document.dispatchEvent(new Event("ar:layout"));
    };

    // The editor: a modal dialog with the quote (or, from the keyboard, a
    // field for the words to anchor to) and the note.
    const editor = ({ note = null, para = null, quote = null, anchored = true, returnTo = null }) => {
      const number = note ? note.para : para;
      const where = unit.label(number);
      const dialog = element("dialog", "ar-my-editor");
      const title = element("h2", "ar-my-editor-title",
        note ? `Edit your note on ${where}` : `Add a note to ${where}`);
      title.id = "ar-my-editor-title";
      dialog.setAttribute("aria-labelledby", title.id);
      const form = element("form", "");
      form.method = "dialog";
      form.append(title);
      let words = null;
      if (note || quote) {
        form.append(element("blockquote", "ar-my-quote", (note || quote).exact));
        if (note && !anchored) form.append(element("p", "ar-my-orphan-why", `Orphaned: these words are no longer in ${where}.`));
      } else {
        words = element("input", "ar-my-words");
        words.id = "ar-my-words";
        words.required = true;
        const { text } = unit.textFor(number);
        words.value = text.split(" ").slice(0, 6).join(" ");
        form.append(element("label", "", `Words of ${where} to attach the note to`), words);
        form.lastChild.previousSibling.htmlFor = words.id;
      }
      const area = element("textarea", "ar-my-textarea");
      area.id = "ar-my-textarea";
      area.rows = 5;
      area.value = note?.text || "";
      const areaLabel = element("label", "", "Your note (leave empty for a highlight)");
      areaLabel.htmlFor = area.id;
      const problem = element("p", "ar-my-problem");
      problem.setAttribute("role", "alert");
      const saveButton = element("button", "ar-my-save", "Save");
      saveButton.type = "submit";
      saveButton.value = "save";
      const cancel = button("Cancel", "ar-my-cancel");
      const actions = element("p", "ar-my-actions", saveButton, " ", cancel);
      if (note) {
        const remove = button("Delete note", "ar-my-delete");
        remove.addEventListener("click", () => {
          save(load().filter((n) => n.id !== note.id));
          returnTo = unit.back(number) || returnTo;
          dialog.close();
          render();
        });
        actions.append(" ", remove);
      }
      form.append(areaLabel, area, problem, actions);
      dialog.append(form);
      cancel.addEventListener("click", () => dialog.close());
      form.addEventListener("submit", (event) => {
        const now = new Date().toISOString();
        const notes = load();
        if (note) {
          const stored = notes.find((n) => n.id === note.id);
          if (stored) {
            stored.text = area.value.trim();
            stored.modified = now;
          }
        } else {
          let anchor = quote;
          if (!anchor) {
            const { text, map } = unit.textFor(number);
            const wanted = words.value.replace(/\s+/g, " ").trim();
            const at = wanted ? text.indexOf(wanted) : -1;
            if (at < 0) {
              event.preventDefault();
              problem.textContent = `These words are not in ${where}: copy them from it.`;
              words.focus();
              return;
            }
            anchor = unit.anchor(number, text, map, at, at + wanted.length);
          }
          notes.push({
            id: newId(), page: thisPage, title: document.title, ...anchor,
            text: area.value.trim(), created: now, modified: now,
          });
        }
        if (!save(notes)) {
          event.preventDefault();
          problem.textContent = "This browser refuses to store notes (private mode?).";
          return;
        }
        render();
      });
      dialog.addEventListener("close", () => {
        dialog.remove();
        const again = note && document.getElementById(`my-${note.id}`)?.querySelector(".ar-my-edit");
        (again || returnTo)?.focus();
      });
      document.body.append(dialog);
      dialog.showModal();
      (words || area).focus();
    };

    // With the mouse or a finger: select words, then "Add note" or "Highlight".
    const toolbar = element("div", "ar-my-toolbar");
    toolbar.setAttribute("role", "group");
    toolbar.setAttribute("aria-label", "Your notes");
    const addNote = button("Add note", "ar-my-add");
    const addHighlight = button("Highlight", "ar-my-highlight");
    toolbar.append(addNote, addHighlight);
    toolbar.hidden = true;
    document.body.append(toolbar);
    let pending = null;
    const onSelection = () => {
      const selection = document.getSelection();
      const range = selection.rangeCount && !selection.isCollapsed ? selection.getRangeAt(0) : null;
      pending = range && unit.quoteOf(range);
      toolbar.hidden = !pending;
      if (!pending) return;
      const rect = range.getBoundingClientRect();
      const width = document.documentElement.clientWidth;
      toolbar.style.left = `${Math.max(8, Math.min(rect.left, width - toolbar.offsetWidth - 8))}px`;
      const below = rect.bottom + 8;
      toolbar.style.top = `${below + toolbar.offsetHeight < window.innerHeight ? below : Math.max(8, rect.top - toolbar.offsetHeight - 8)}px`;
    };
    document.addEventListener("selectionchange", () => requestAnimationFrame(onSelection));
    toolbar.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection
    const take = (withNote) => {
      const quote = pending;
      if (!quote) return;
      toolbar.hidden = true;
      document.getSelection().removeAllRanges();
      if (withNote) {
        editor({ para: quote.para, quote });
        return;
      }
      const now = new Date().toISOString();
      const notes = load();
      notes.push({ id: newId(), page: thisPage, title: document.title, ...quote, text: "", created: now, modified: now });
      save(notes);
      render();
    };
    addNote.addEventListener("click", () => take(true));
    addHighlight.addEventListener("click", () => take(false));

    if (chapter) {
      // With the keyboard: "Add a note to this chapter", then the words.
      const add = button("Add a note to this chapter", "ar-my-add-chapter");
      add.addEventListener("click", () => editor({ returnTo: add }));
      unit.bar.append(" ", add);
    } else {
      // With the keyboard: the "cite this paragraph" dialog offers "Add a note".
      new MutationObserver(() => {
        const cite = document.querySelector("dialog.ar-para-cite:not([data-my])");
        if (!cite) return;
        cite.dataset.my = "true";
        const number = Number(cite.closest(".ar-para")?.dataset.para);
        if (!number) return;
        const add = button("Add a note to this paragraph", "ar-my-add-para");
        add.addEventListener("click", () => {
          const back = cite.closest(".ar-para").querySelector(".ar-pnum");
          cite.close();
          editor({ para: number, returnTo: back });
        });
        // Beside "Full references", so the dialog keeps its height.
        const more = cite.querySelector(".ar-para-cite-more");
        if (more) more.append(" ", add);
        else cite.append(element("p", "ar-my-add-row", add));
      }).observe(document.body, { childList: true, subtree: true });
    }

    window.addEventListener("storage", (event) => { if (event.key === KEY) render(); });
    render();
  };

  // -- The "My notes" page ---------------------------------------------------------
  const notesPage = (box) => {
    const list = box.querySelector(".ar-my-list");
    const status = box.querySelector(".ar-my-status");
    const styleSelect = box.querySelector(".ar-my-style");
    const { slot, urlSlot } = box.dataset;
    const sources = new Map(
      [...box.querySelectorAll(".ar-my-source")].map((s, order) => [s.dataset.page, { s, order }]),
    );
    try { styleSelect.value = localStorage.getItem(STYLE_KEY) || styleSelect.value; } catch { /* default */ }
    if (!styleSelect.value) styleSelect.selectedIndex = 0;

    const pageUrl = (page) => {
      const source = sources.get(page);
      return new URL(source ? source.s.dataset.href : `${page}.html`, location.href).href;
    };
    // The citation of a paragraph in the chosen style: text nodes with the
    // number and address filled in, as the source page's "Cite this" box does.
    const citation = (note, part) => {
      const source = sources.get(note.page);
      const template = source?.s.querySelector(`template[data-style="${styleSelect.value}"][data-part="${part}"]`);
      if (!template) return null;
      const copy = template.content.cloneNode(true);
      const walker = document.createTreeWalker(copy, NodeFilter.SHOW_TEXT);
      for (let text = walker.nextNode(); text; text = walker.nextNode()) {
        text.nodeValue = text.nodeValue.replaceAll(urlSlot, pageUrl(note.page)).replaceAll(slot, String(note.para));
      }
      return copy;
    };
    const markdownOf = (fragment) => {
      const out = [];
      const walk = (node) => {
        node.childNodes.forEach((child) => {
          if (child.nodeType === Node.TEXT_NODE) out.push(child.nodeValue);
          else if (["I", "EM"].includes(child.nodeName)) { out.push("*"); walk(child); out.push("*"); }
          else walk(child);
        });
      };
      walk(fragment);
      return out.join("");
    };
    const sorted = (notes) =>
      [...notes].sort((a, b) =>
        (sources.get(a.page)?.order ?? 1e9) - (sources.get(b.page)?.order ?? 1e9) ||
        a.page.localeCompare(b.page) || (a.para || 0) - (b.para || 0) || a.created.localeCompare(b.created));
    const titleOf = (note) => sources.get(note.page)?.s.dataset.title || note.title || note.page;
    // A chapter has no citation of its own: its notes give its title and address.
    const whereOf = (note) => (onChapter(note)
      ? { label: note.heading ? `Section “${note.heading}”` : "The chapter",
          href: `${pageUrl(note.page)}${note.section ? `#${note.section}` : ""}` }
      : { label: `Paragraph ${note.para}`, href: `${pageUrl(note.page)}#p${note.para}` });

    const render = () => {
      const notes = sorted(load());
      if (!notes.length) {
        list.replaceChildren(element("p", "", "No notes yet."));
        return;
      }
      const parts = [];
      let current = null;
      notes.forEach((note) => {
        if (note.page !== current) {
          current = note.page;
          const link = element("a", "", titleOf(note));
          link.href = pageUrl(note.page);
          parts.push(element("h2", "ar-my-page", link));
        }
        const item = element("article", `ar-my-item${note.orphaned ? " ar-my-orphan" : ""}`);
        const place = whereOf(note);
        const where = element("a", "ar-my-where", place.label);
        where.href = place.href;
        item.append(element("p", "ar-my-head", where, note.orphaned ? " · orphaned: the words are no longer there" : ""));
        item.append(element("blockquote", "ar-my-quote", note.exact));
        if (note.text) item.append(element("p", "ar-my-text", note.text));
        const inText = citation(note, "in-text");
        const reference = citation(note, "reference");
        if (inText && reference) {
          item.append(element("p", "ar-my-cite", element("span", "ar-my-intext", inText), " ",
            element("span", "ar-my-ref", reference)));
        } else if (onChapter(note)) {
          item.append(element("p", "ar-my-cite", `${titleOf(note)}, ${place.href}`));
        }
        parts.push(item);
      });
      list.replaceChildren(...parts);
    };

    const markdown = () => {
      const lines = ["# My notes", ""];
      let current = null;
      sorted(load()).forEach((note) => {
        if (note.page !== current) {
          current = note.page;
          lines.push(`## ${titleOf(note)}`, "");
        }
        const place = whereOf(note);
        lines.push(`### ${place.label}${note.orphaned ? " (orphaned)" : ""}`, "");
        lines.push(`> ${note.exact}`, "");
        if (note.text) lines.push(note.text, "");
        const inText = citation(note, "in-text");
        const reference = citation(note, "reference");
        if (inText) lines.push(`Citation: ${markdownOf(inText)}`, "");
        if (reference) lines.push(`Reference: ${markdownOf(reference)}`, "");
        if (onChapter(note)) lines.push(`Chapter: ${titleOf(note)}`, "");
        lines.push(`Link: <${place.href}>`, "");
      });
      return lines.join("\n");
    };

    // W3C Web Annotation: each note targets its page, refined from the
    // paragraph's fragment (a chapter's: its section's) to the quoted words.
    const annotation = (note) => {
      const quote = { type: "TextQuoteSelector", exact: note.exact, prefix: note.prefix, suffix: note.suffix };
      const fragment = onChapter(note) ? note.section : `p${note.para}`;
      const result = {
        "@context": ANNO_CONTEXT,
        id: `urn:uuid:${note.id}`,
        type: "Annotation",
        motivation: note.text ? "commenting" : "highlighting",
        created: note.created,
        modified: note.modified,
        target: {
          source: pageUrl(note.page),
          selector: fragment
            ? { type: "FragmentSelector", conformsTo: "http://tools.ietf.org/rfc/rfc3986", value: fragment, refinedBy: quote }
            : quote,
        },
      };
      if (note.text) result.body = { type: "TextualBody", value: note.text, format: "text/plain", purpose: "commenting" };
      return result;
    };
    const jsonld = () => ({
      "@context": ANNO_CONTEXT,
      type: "AnnotationCollection",
      label: "My notes",
      total: load().length,
      first: { type: "AnnotationPage", items: sorted(load()).map(annotation) },
    });
    const fromAnnotation = (item) => {
      if (item?.type !== "Annotation") throw new Error("not a Web Annotation");
      const target = Array.isArray(item.target) ? item.target[0] : item.target;
      let selectors = target.selector;
      selectors = Array.isArray(selectors) ? selectors : [selectors];
      const fragment = selectors.find((s) => s?.type === "FragmentSelector");
      const quote = fragment?.refinedBy?.type === "TextQuoteSelector" ? fragment.refinedBy
        : selectors.find((s) => s?.type === "TextQuoteSelector");
      // A paragraph's fragment (p3) on a source; a section's (or none) on a chapter.
      const para = Number(/^p(\d+)$/.exec(fragment?.value || "")?.[1]);
      const page = pageOf(target.source);
      if (!quote?.exact || !page) throw new Error("a note without a page or quote");
      const body = Array.isArray(item.body) ? item.body[0] : item.body;
      const anchor = para ? { para } : { section: fragment?.value || "" };
      return {
        id: String(item.id || newId()).replace(/^urn:uuid:/, ""),
        page, ...anchor, exact: quote.exact, prefix: quote.prefix || "", suffix: quote.suffix || "",
        text: body?.value || "", created: item.created || new Date().toISOString(),
        modified: item.modified || item.created || new Date().toISOString(),
      };
    };

    const download = (name, type, text) => {
      const link = element("a", "");
      link.href = URL.createObjectURL(new Blob([text], { type }));
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    };
    box.querySelectorAll(".ar-my-export").forEach((exporter) => {
      exporter.addEventListener("click", () => {
        if (exporter.dataset.format === "md") download("my-notes.md", "text/markdown", markdown());
        else download("my-notes.jsonld", "application/ld+json", `${JSON.stringify(jsonld(), null, 2)}\n`);
        status.textContent = "Exported.";
      });
    });
    box.querySelector(".ar-my-import input").addEventListener("change", async (event) => {
      const file = event.target.files[0];
      if (!file) return;
      try {
        const data = JSON.parse(await file.text());
        const items = data.type === "AnnotationCollection" ? data.first?.items || []
          : data.type === "AnnotationPage" ? data.items : Array.isArray(data) ? data : [data];
        const imported = items.map(fromAnnotation);
        const notes = load();
        const known = new Set(notes.map((n) => n.id));
        const added = imported.filter((n) => !known.has(n.id));
        save([...notes, ...added]);
        status.textContent = `Imported ${added.length} note${added.length === 1 ? "" : "s"}` +
          (added.length < imported.length ? ` (${imported.length - added.length} already here).` : ".");
      } catch (error) {
        status.textContent = `Nothing imported: ${file.name} is not a Web Annotation file (${error.message}).`;
      }
      event.target.value = "";
      render();
    });
    box.querySelector(".ar-my-clear").addEventListener("click", () => {
      const count = load().length;
      if (!count || !window.confirm(`Delete all ${count} of your notes from this browser? Export them first to keep a copy.`)) return;
      save([]);
      status.textContent = "All notes deleted.";
      render();
    });
    styleSelect.addEventListener("change", () => {
      try { localStorage.setItem(STYLE_KEY, styleSelect.value); } catch { /* not remembered */ }
      render();
    });
    window.addEventListener("storage", (event) => { if (event.key === KEY) render(); });
    render();
  };

  // -- The pack builder ({pack-builder}) ------------------------------------------
  // Starting from a shipped pack ticks its pages and takes its title; the
  // form itself opens the print view. At least one page must be chosen.
  const builderPage = (form) => {
    const start = form.querySelector("#ar-pack-start");
    const boxes = [...form.querySelectorAll('input[name="page"]')];
    const problem = form.querySelector(".ar-pack-problem");
    start?.addEventListener("change", () => {
      const option = start.selectedOptions[0];
      if (!option.value) return;
      const chosen = new Set(option.dataset.pages.split(" "));
      boxes.forEach((box) => { box.checked = chosen.has(box.value); });
      form.querySelector("#ar-pack-title").value = option.dataset.title;
    });
    form.addEventListener("submit", (event) => {
      if (boxes.some((box) => box.checked)) return;
      event.preventDefault();
      problem.textContent = "Choose at least one page for your pack.";
      boxes[0]?.focus();
    });
  };

  // The print view of a pack (annotated-reader-pack.js) places the notes itself.
  window.AnnotatedReaderNotes = { load, locate, highlight, blockOf };

  const start = () => {
    if (document.body.classList.contains("ar-pack-print")) return;
    const box = document.querySelector(".ar-my-notes");
    const builder = document.querySelector("form.ar-pack-builder");
    if (builder) builderPage(builder);
    else if (box) notesPage(box);
    else notesHere();
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
