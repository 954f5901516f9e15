// The print view of a student's pack (annotated-reader-pack.html): the pages
// named in the address (?page=…&title=…&notes=1), fetched from this site,
// stripped of what only the screen needs, with a title page and contents,
// the student's notes (annotated-reader-student.js) beside their paragraphs,
// and paginated by Paged.js (copied into _static: no request leaves the site).
(async () => {
  "use strict";
  const script = document.currentScript;
  const siteRoot = new URL("..", script.src);
  const params = new URLSearchParams(location.search);
  const pages = params.getAll("page");
  const title = (params.get("title") || "").trim() || "Briefing pack";
  const withNotes = params.get("notes") === "1";
  const status = document.querySelector(".ar-pack-status");
  const printButton = document.querySelector(".ar-pack-print-button");
  const element = (tag, className, ...children) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    node.append(...children);
    return node;
  };
  document.title = `${title}: print view`;
  if (!pages.length) {
    status.textContent = "No pages chosen: go back to the pack builder and choose some.";
    return;
  }

  // What only the screen needs: controls, the citation box, previews,
  // "Discussed in", the legend, permalinks.
  const SCREEN_ONLY = ".headerlink, .ar-legend, .ar-cite, .ar-backlinks, .ar-preview-src, " +
    "script, style, template, button, dialog, .ar-skip, nav, .ar-my-toolbar, .ar-my-orphans";
  const slugOf = (page) => page.replace(/[^A-Za-z0-9_-]+/g, "-");
  const urlOf = (page) => new URL(`${page}.html`, siteRoot);
  const pageOf = (url) => {
    if (url.origin !== siteRoot.origin || !url.pathname.startsWith(siteRoot.pathname)) return null;
    return decodeURIComponent(url.pathname.slice(siteRoot.pathname.length)).replace(/\.html$/, "");
  };

  const chapter = async (page) => {
    const response = await fetch(urlOf(page));
    if (!response.ok) throw new Error(`${page}: ${response.status}`);
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    // The page's own content: the section its title opens (docutils writes
    // one per page, whatever the theme puts around it).
    const heading = doc.querySelector('[role="main"] section > h1') || doc.querySelector("section > h1");
    const main = heading?.closest("section") ||
      doc.querySelector('[role="main"], main, body');
    main.querySelectorAll(SCREEN_ONLY).forEach((node) => node.remove());
    const section = element("section", "ar-pack-chapter");
    const slug = slugOf(page);
    section.id = slug;
    section.dataset.page = page;
    section.append(...[...main.childNodes].map((node) => document.importNode(node, true)));
    // Ids are unique across the pack; links to a page of the pack stay in it.
    section.querySelectorAll("[id]").forEach((node) => { node.id = `${slug}--${node.id}`; });
    section.querySelectorAll("a[href]").forEach((link) => {
      const url = new URL(link.getAttribute("href"), urlOf(page));
      const target = pageOf(url);
      if (target && pages.includes(target)) {
        link.setAttribute("href", `#${slugOf(target)}${url.hash ? `--${url.hash.slice(1)}` : ""}`);
      } else {
        link.setAttribute("href", url.href);
      }
    });
    const h1 = section.querySelector("h1");
    return { page, slug, section, title: h1 ? h1.textContent.trim() : page, lang: doc.documentElement.lang };
  };

  let chapters;
  try {
    chapters = await Promise.all(pages.map(chapter));
  } catch (error) {
    status.textContent = `The pack could not be made: ${error.message}.`;
    return;
  }
  if (chapters[0].lang) document.documentElement.lang = chapters[0].lang;

  // The student's notes beside their paragraphs, in the order of the text.
  let attached = 0;
  const api = window.AnnotatedReaderNotes;
  if (withNotes && api) {
    api.load().forEach((note) => {
      const found = chapters.find((c) => c.page === note.page);
      if (!found) return;
      const located = api.locate(note, found.section);
      if (!located) return; // orphaned: its words are no longer in the text
      const marks = api.highlight(note, located);
      // Beside its paragraph; on a chapter, under the block that holds its words.
      const para = marks[0].closest(".ar-para");
      let column = para?.querySelector(":scope > .ar-notes");
      if (para && !column) {
        column = element("div", "ar-notes");
        para.append(column);
      } else if (!para) {
        const block = api.blockOf(marks[0]);
        column = block.nextElementSibling?.classList.contains("ar-my-under") ? block.nextElementSibling : null;
        if (!column) {
          column = element("div", "ar-my-under");
          block.after(column);
        }
      }
      const aside = element("aside", "ar-note ar-my-note",
        element("p", "ar-note-head", element("span", "ar-note-kind", note.text ? "My note" : "My highlight")));
      aside.id = `my-${note.id}`;
      if (note.text) aside.append(element("p", "ar-my-text", note.text));
      else aside.append(element("p", "ar-my-text ar-my-quote", `“${note.exact}”`));
      const later = [...column.children].find((other) => {
        const control = found.section.querySelector(
          `a.ar-hl[href="#${other.id}"], mark.ar-my-hl[data-note="${other.id}"]`);
        return control && (marks[0].compareDocumentPosition(control) & Node.DOCUMENT_POSITION_FOLLOWING);
      });
      column.insertBefore(aside, later || null);
      attached += 1;
    });
  }

  // Title page and contents (page numbers from Paged.js: target-counter).
  const book = document.createDocumentFragment();
  const made = new Date().toLocaleDateString(document.documentElement.lang || undefined,
    { year: "numeric", month: "long", day: "numeric" });
  const edition = params.get("edition") || "";
  const front = element("section", "ar-pack-title-page",
    element("h1", "ar-pack-title", title),
    element("p", "ar-pack-edition", edition),
    element("p", "ar-pack-made", `Made on ${made}${withNotes ? ", with my notes" : ""}.`));
  const list = element("ol", "");
  chapters.forEach((c) => {
    const link = element("a", "", c.title);
    link.href = `#${c.slug}`;
    list.append(element("li", "", link));
  });
  const contents = element("section", "ar-pack-contents", element("h2", "", "Contents"), list);
  book.append(front, contents, ...chapters.map((c) => c.section));

  status.textContent = "Laying out the pages…";
  const out = document.querySelector(".ar-pack-out");
  const flow = await new (window.PagedModule || window.Paged).Previewer().preview(
    book, [new URL("annotated-reader-pack.css", script.src).href], out);
  const count = flow.total ?? out.querySelectorAll(".pagedjs_page").length;
  status.textContent = `${title}: ${count} pages, ${chapters.length} chapters and sources` +
    (withNotes ? `, ${attached} of my notes.` : ".") + " Print it or save it as PDF.";
  printButton.hidden = false;
  printButton.addEventListener("click", () => window.print());
  document.body.dataset.ready = "true";
})();
