"""The write phase: post-transforms turn the pending nodes into standard
docutils nodes using the global picture in the domain, then lay notes out for
the output format. They read the docname stamped on each node, because in a
LaTeX build ``env.docname`` is the pack's start page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import make_refnode

from . import nodes as ar
from .bibliography import Work, bib_paths, load_works
from .citations import STYLES, in_text, reference, to_nodes
from .domain import Backlink, ReaderDomain, get_domain


def make_table(
    header: Sequence[nodes.Node | str],
    rows: list[list[Any]],
    classes: list[str],
    widths: Sequence[int] = (),
) -> nodes.table:
    """A docutils table from cells that are text or inline nodes; ``widths``
    (relative) also fix the column widths of the PDF."""
    table = nodes.table(classes=[*classes, "colwidths-given"] if widths else classes)
    group = nodes.tgroup(cols=len(header))
    table += group
    group.extend(nodes.colspec(colwidth=w) for w in (widths or [1] * len(header)))

    def row(cells: Sequence[Any]) -> nodes.row:
        line = nodes.row()
        for cell in cells:
            para = nodes.paragraph()
            para += nodes.Text(cell) if isinstance(cell, str) else cell
            line += nodes.entry("", para)
        return line

    group += nodes.thead("", row(header))
    group += nodes.tbody("", *[row(r) for r in rows])
    return table


PASSAGE_SLOT = re.compile(r"\{([A-Za-z][\w-]*):(\d+)-(\d+)\}")


class ReaderTransform(SphinxPostTransform):
    """Shared helpers: links that respect what the current output contains."""

    default_priority = 5

    @property
    def builder(self) -> Any:
        # As Sphinx's own post-transforms do; SphinxTransform.app is deprecated.
        return self.env._app.builder

    @property
    def domain(self) -> ReaderDomain:
        return get_domain(self.env)

    @property
    def works(self) -> dict[str, Work]:
        return load_works(bib_paths(self.env))

    def in_output(self, docname: str) -> bool:
        """A LaTeX pack contains only some pages; the site contains all."""
        if self.builder.format != "latex":
            return True
        return docname in getattr(self.builder, "docnames", ())

    def link(self, docname: str, target: str, child: nodes.Node, title: str = "") -> nodes.Node:
        if not self.in_output(docname):
            return child
        return make_refnode(self.builder, self.env.docname, docname, target, child, title)


class ResolveReaderNodes(ReaderTransform):
    """Passage and theme references, source cards, legends and concordances."""

    def run(self, **kwargs: Any) -> None:
        for ref in list(self.document.findall(ar.passage_ref)):
            ref.replace_self(self.passage(ref))
        for ref in list(self.document.findall(ar.theme_ref)):
            ref.replace_self(self.theme(ref))
        for node in list(self.document.findall(ar.source_info)):
            from .sourceinfo import source_card

            node.replace_self(source_card(self, node))
        for node in list(self.document.findall(ar.note_legend)):
            node.replace_self(self.legend())
        for node in list(self.document.findall(ar.concordance)):
            node.replace_self(self.concordance())
        for node in list(self.document.findall(ar.citation_guide)):
            node.replace_self(self.citation_guide())

    def passage(self, ref: ar.passage_ref) -> nodes.Node:
        key, start, end, quote = ref["key"], ref["start"], ref["end"], ref["quote"]
        source = self.domain.sources.get(key)
        if source is None or self.domain.passage_error(key, start, end):
            return nodes.inline(ref.rawsource, ref.astext(), classes=["ar-broken"])
        work = self.works.get(key)
        where = f"¶ {start}" if start == end else f"¶¶ {start}–{end}"
        # "Lee 2017, ¶ 3" reads well in running text and inside parentheses.
        label = f"{work.parenthetical if work else key}, {where}"
        link = nodes.inline("", "", nodes.inline("", label, classes=["ar-label"]))
        if self.builder.format == "html":
            preview = source.span_text(start, end)
            preview = preview if len(preview) < 600 else preview[:600].rsplit(" ", 1)[0] + " …"
            link += nodes.inline("", f"{label}: {preview}", classes=["ar-preview"])
        linked = self.link(source.docname, f"p{start}", link, label)
        if isinstance(linked, nodes.reference):
            linked["classes"] += ["ar-passage", "ar-has-preview"]
        if not quote:
            return linked
        quoted = nodes.inline("", classes=["ar-quote"])
        quoted += nodes.Text(f"“{quote}” (")
        quoted += linked
        quoted += nodes.Text(")")
        return quoted

    def theme(self, ref: ar.theme_ref) -> nodes.Node:
        theme = self.domain.themes.get(ref["slug"])
        if theme is None:
            return nodes.inline("", ref["slug"], classes=["ar-broken"])
        return self.link(theme.docname, "", nodes.inline("", theme.title), theme.title)

    def legend(self) -> nodes.Node:
        if self.builder.format == "html":
            buttons = "".join(
                f'<button type="button" class="ar-filter ar-kind-{kind}" data-kind="{kind}" '
                f'aria-pressed="true"><span class="ar-swatch" aria-hidden="true"></span>{label}</button>'
                for kind, label in ar.KINDS.items()
            )
            html = (
                '<div class="ar-legend" role="group" aria-label="Show or hide notes by kind">'
                f'<span class="ar-legend-title">Notes:</span>{buttons}</div>'
            )
            return nodes.raw("", html, format="html")
        para = nodes.paragraph(classes=["ar-legend"])
        para += nodes.emphasis("", "Margin notes are labelled by kind: ")
        para += nodes.Text(", ".join(ar.KINDS.values()) + ".")
        return para

    def concordance(self) -> nodes.Node:
        counts = self.domain.concordance_counts()
        themes = sorted(self.domain.themes.values(), key=lambda t: t.docname)
        themes = [t for t in themes if t.slug != "reading-sources"]
        sources = sorted(self.domain.sources.values(), key=lambda s: s.key)
        header: list[Any] = ["Source"]
        for theme in themes:
            header.append(self.link(theme.docname, "", nodes.inline("", theme.title)))
        rows = []
        for source in sources:
            work = self.works.get(source.key)
            row: list[Any] = [
                self.link(source.docname, "", nodes.inline("", work.label if work else source.key))
            ]
            for theme in themes:
                notes, refs = counts.get((source.key, theme.slug), (0, 0))
                if not notes and not refs:
                    row.append("–")
                    continue
                text = f"{notes} note{'s' * (notes != 1)}, {refs} ref{'s' * (refs != 1)}"
                row.append(self.link(theme.docname, "", nodes.inline("", text)))
            rows.append(row)
        return make_table(header, rows, ["ar-concordance"])

    def citation_guide(self) -> nodes.Node:
        """For each source in this output: its reference and a paragraph citation per style."""
        guide = nodes.container(classes=["ar-citation-guide"])
        sources = [s for s in self.domain.sources.values() if self.in_output(s.docname)]
        for source in sorted(sources, key=lambda s: (self.works[s.key].year, s.key)):
            work = self.works[source.key]
            guide += nodes.rubric(
                "", "", self.link(source.docname, "", nodes.inline("", work.label))
            )
            items = nodes.bullet_list()
            for style, label in STYLES.items():
                para = nodes.paragraph()
                para += nodes.strong("", f"{label}: ")
                para += to_nodes(reference(work, style))
                para += nodes.Text(" In text, paragraph 3: ")
                para += to_nodes(in_text(work, style, 3))
                items += nodes.list_item("", para)
            guide += items
        return guide


class GlossaryPreviews(ReaderTransform):
    """HTML: a term link previews its glossary definition, like a passage link."""

    formats = ("html",)
    default_priority = 20  # after Sphinx resolves :term: references (10)

    def run(self, **kwargs: Any) -> None:
        definitions = self.domain.data["terms"]
        for ref in self.document.findall(nodes.reference):
            target = ref.get("refuri", "").rpartition("#")[2] or ref.get("refid", "")
            if not target.startswith("term-") or target not in definitions:
                continue
            preview = PASSAGE_SLOT.sub(self.label, definitions[target])
            ref["classes"].append("ar-has-preview")
            ref += nodes.inline("", preview, classes=["ar-preview"])

    def label(self, match: re.Match[str]) -> str:
        key, start, end = match.group(1), int(match.group(2)), int(match.group(3))
        work = self.works.get(key)
        where = f"¶ {start}" if start == end else f"¶¶ {start}–{end}"
        return f"{work.parenthetical if work else key}, {where}"


class PackBibliography(ReaderTransform):
    """LaTeX: a pack's bibliography lists the sources it contains and the
    works its pages cite, not the whole book's."""

    formats = ("latex",)
    default_priority = 8  # after sphinxcontrib-bibtex builds the lists (5)

    def run(self, **kwargs: Any) -> None:
        included = set(self.builder.docnames)
        cite: Any = self.env.domains["cite"]  # sphinxcontrib-bibtex's BibtexDomain
        keep = {s.key for s in self.domain.sources.values() if s.docname in included}
        for ref in cite.citation_refs:
            if ref.docname in included:
                keep |= {target.key for target in ref.targets}
        key_of = {c.citation_id: c.key for c in cite.citations}
        for node in list(self.document.findall(nodes.Element)):
            key = next((key_of[i] for i in node.get("ids", ()) if i in key_of), None)
            if key is not None and key not in keep:
                node.parent.remove(node)


class LatexReferenceList(ReaderTransform):
    """LaTeX: reference-list entries stay where the page puts them (Sphinx
    would gather every citation into one list at the end of the PDF), as
    APA paragraphs without a label, each still a link target."""

    formats = ("latex",)
    default_priority = 700  # before Sphinx's own gathering at 750

    def run(self, **kwargs: Any) -> None:
        for citation in list(self.document.findall(nodes.citation)):
            # sphinxcontrib-bibtex fills one stored node per entry, once per
            # pack built in the run: the last paragraph is this pack's.
            text = [c for c in citation.children if isinstance(c, nodes.paragraph)][-1]
            docname = next(
                (a["docname"] for a in ar.ancestors(citation) if a.get("docname")), self.env.docname
            )
            entry = nodes.paragraph(classes=["ar-reference"])
            entry += nodes.target(ids=citation["ids"])
            for target in citation["ids"]:
                # Citation links point at "cite.<doc>:<id>" (Sphinx's \bibitem names).
                entry += nodes.raw(
                    "", f"\\hypertarget{{cite.{docname}:{target}}}{{}}", format="latex"
                )
            entry += text.deepcopy().children
            citation.replace_self(entry)


class Backlinks(ReaderTransform):
    """ "Discussed in" under each referenced paragraph; passages at chapter ends."""

    default_priority = 6

    def run(self, **kwargs: Any) -> None:
        links = self.domain.backlinks()
        for para in self.document.findall(ar.numbered_paragraph):
            found = links.get(para["key"], {}).get(para["number"], [])
            found = [link for link in found if self.in_output(link.docname)]
            if not found:
                continue
            box = nodes.paragraph(classes=["ar-backlinks"])
            box += nodes.emphasis("", "Discussed in: ")
            chapters: dict[str, list[Backlink]] = {}
            for link in found:
                chapters.setdefault(link.docname, []).append(link)
            for index, (docname, group) in enumerate(chapters.items()):
                if index:
                    box += nodes.Text("; ")
                box += self.link(docname, "", nodes.inline("", group[0].chapter_title))
                sections = [link for link in group if link.section_title != link.chapter_title]
                if sections:
                    box += nodes.Text(" (")
                    for number, link in enumerate(sections):
                        if number:
                            box += nodes.Text(", ")
                        box += self.link(
                            docname, link.section_id, nodes.inline("", link.section_title)
                        )
                    box += nodes.Text(")")
            para += box
        self.chapter_passages()

    def chapter_sections(self) -> list[tuple[str, nodes.section]]:
        """(docname, top section) of each page in this output; a LaTeX pack
        holds many pages, each inside a ``start_of_file`` node."""
        if self.builder.format != "latex":
            top = next((s for s in self.document.children if isinstance(s, nodes.section)), None)
            return [(self.env.docname, top)] if top is not None else []
        found = []
        for start in self.document.findall(addnodes.start_of_file):
            top = next((s for s in start.children if isinstance(s, nodes.section)), None)
            if top is not None:
                found.append((start["docname"], top))
        return found

    def chapter_passages(self) -> None:
        """At the end of each chapter, the passages it discusses, in source order."""
        themes = {t.docname for t in self.domain.themes.values()}
        for docname, section in self.chapter_sections():
            if docname not in themes:
                continue
            seen: dict[tuple[str, int, int], None] = {}
            refs = [r for r in self.domain.refs if r.docname == docname]
            for ref in sorted(refs, key=lambda r: (r.key, r.start, r.end)):
                if not self.domain.passage_error(ref.key, ref.start, ref.end):
                    seen.setdefault((ref.key, ref.start, ref.end))
            if not seen:
                continue
            items = nodes.bullet_list(classes=["ar-discussed"])
            for key, start, end in seen:
                source = self.domain.sources[key]
                work = self.works.get(key)
                where = f"¶ {start}" if start == end else f"¶¶ {start}–{end}"
                label = f"{work.parenthetical if work else key}, {where}"
                excerpt = source.span_text(start, end)
                excerpt = excerpt if len(excerpt) < 160 else excerpt[:160].rsplit(" ", 1)[0] + " …"
                para = nodes.paragraph()
                para += self.link(source.docname, f"p{start}", nodes.strong("", label))
                para += nodes.Text(f": {excerpt}")
                items += nodes.list_item("", para)
            section += nodes.rubric("", "Passages discussed in this chapter")
            section += items


class HtmlNoteLayout(ReaderTransform):
    """HTML: a paragraph's notes go in one block before it, which CSS floats
    into the margin on wide screens and shows after the text on narrow ones."""

    formats = ("html",)
    default_priority = 7

    def run(self, **kwargs: Any) -> None:
        for para in self.document.findall(ar.numbered_paragraph):
            notes = [child for child in para.children if isinstance(child, ar.annotation)]
            if not notes:
                continue
            block = nodes.container(classes=["ar-notes"])
            for note in notes:
                para.remove(note)
                block += note
            para.insert(0, block)


class LatexNoteLayout(ReaderTransform):
    """LaTeX: each note goes into the text at its anchor (or the start of its
    paragraph), where ``\\marginpar`` sets it level with the words it explains;
    the paragraph number goes at the start of the paragraph."""

    formats = ("latex",)
    default_priority = 7

    def run(self, **kwargs: Any) -> None:
        for para in self.document.findall(ar.numbered_paragraph):
            text = para[0]
            notes = [child for child in para.children if isinstance(child, ar.annotation)]
            for note in notes:
                para.remove(note)
                mark = next(
                    (m for m in text.findall(ar.anchor_highlight) if m["number"] == note["number"]),
                    None,
                )
                if mark is None:
                    text.insert(0, note)
                else:
                    mark.parent.insert(mark.parent.index(mark) + 1, note)
            text.insert(0, nodes.raw("", f"\\arparnum{{{para['number']}}}", format="latex"))
