"""Builder-neutral rendering: post-transforms that turn the pending nodes into
standard docutils nodes from the global picture (source cards, the
concordance, how to cite, "Discussed in" and each chapter's passages). They
read the docname stamped on each node, because in a LaTeX build
``env.docname`` is the pack's start page."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import make_refnode

from .. import nodes as ar
from ..cite.csl import STYLES, Edition, in_text, paragraph_reference, reference, to_nodes
from ..cite.works import Work, bib_paths, load_works
from ..compat import sphinx_app
from ..diagnostics import Warn, warn
from ..domain import ReaderDomain, get_domain, in_output, passage_label
from ..model import Backlink
from ..resolve import backlinks, concordance_counts, passage_error
from ..text import safe_url


class ReaderTransform(SphinxPostTransform):
    """Shared helpers: links that respect what the current output contains."""

    default_priority = 5

    @property
    def builder(self) -> Any:
        return sphinx_app(self.env).builder

    @property
    def domain(self) -> ReaderDomain:
        return get_domain(self.env)

    @property
    def works(self) -> dict[str, Work]:
        return load_works(bib_paths(self.env))

    def in_output(self, docname: str) -> bool:
        return in_output(self.builder, docname)

    def link(self, docname: str, target: str, child: nodes.Node, title: str = "") -> nodes.Node:
        if not self.in_output(docname):
            return child
        return make_refnode(self.builder, self.env.docname, docname, target, child, title)


def _field(name: str, *body: nodes.Node | str) -> nodes.field:
    para = nodes.paragraph()
    for part in body:
        para += nodes.Text(part) if isinstance(part, str) else part
    return nodes.field("", nodes.field_name("", name), nodes.field_body("", para))


class ResolveReaderNodes(ReaderTransform):
    """Source cards, concordances and citation guides."""

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(ar.source_info)):
            node.replace_self(self.source_card(node))
        for node in list(self.document.findall(ar.concordance)):
            node.replace_self(self.concordance())
        for node in list(self.document.findall(ar.citation_guide)):
            node.replace_self(self.citation_guide())

    def source_card(self, node: ar.source_info) -> nodes.Node:
        page = self.domain.pages.get(node["docname"])
        work = self.works.get(page.key) if page else None
        if page is None or work is None:
            warn(Warn.UNKNOWN_SOURCE, "{source-info} needs front matter `source: <key>`", node)
            return nodes.container()
        fields = nodes.field_list(classes=["ar-source-fields"])
        fields += _field("Author", "; ".join(f"{g} {f}".strip() for g, f in work.authors))
        for label, name in (("Affiliation", "affiliation"), ("Country", "country")):
            if work.get(name):
                fields += _field(label, work.get(name))
        if work.publisher:
            place = work.get("address")
            fields += _field("Publisher", work.publisher + (f", {place}" if place else ""))
        if work.get("origvenue"):
            fields += _field("Venue", work.get("origvenue"))
        series = " ".join(filter(None, (work.get("type"), work.get("number"))))
        if series:
            fields += _field("Series", series)
        fields += _field("Date", date_statement(work))
        if work.get("titlenote"):
            fields += _field("Title", work.get("titlenote"))
        if work.get("genre"):
            fields += _field("Genre", work.get("genre"))
        fields += _field("Licence", work.get("license") or "Not stated")
        url = work.get("url")
        original: nodes.Node | str = url or "Address not known"
        if url and safe_url(url):  # an unsafe address is a bad_bibliography warning
            original = nodes.reference("", url, refuri=url)
        fields += _field("Original", original)
        notes = len(self.domain.notes_on(page.docname))
        count = len(page.paragraphs)
        fields += _field(
            "This edition",
            f"{count} numbered paragraph{'s' * (count != 1)}, {notes} note{'s' * (notes != 1)}",
        )
        card = nodes.container(classes=["ar-source-info"], reader_key=page.key)
        card += fields
        return card

    def concordance(self) -> nodes.Node:
        counts = concordance_counts(self.domain)
        method = self.config.reader_method_chapter
        themes = sorted(self.domain.themes.values(), key=lambda t: t.docname)
        themes = [t for t in themes if t.slug != method]
        header: list[Any] = ["Source"]
        for theme in themes:
            header.append(self.link(theme.docname, "", nodes.inline("", theme.title)))
        rows = []
        for key, page in sorted(self.domain.sources.items()):
            label = nodes.inline("", self.domain.source_label(key))
            row: list[Any] = [self.link(page.docname, "", label)]
            for theme in themes:
                notes, refs = counts.get((key, theme.slug), (0, 0))
                if not notes and not refs:
                    row.append("–")
                    continue
                text = f"{notes} note{'s' * (notes != 1)}, {refs} ref{'s' * (refs != 1)}"
                row.append(self.link(theme.docname, "", nodes.inline("", text)))
            rows.append(row)
        return ar.make_table(header, rows, ["ar-concordance"])

    def citation_guide(self) -> nodes.Node:
        """For each source in this output, in each style: the reference to the
        original with its in-text citation, and a paragraph of this edition
        cited with its reference to the edition's page."""
        guide = nodes.container(classes=["ar-citation-guide"])
        edition = Edition.of(self.config)
        pages = [p for p in self.domain.sources.values() if self.in_output(p.docname)]
        for page in sorted(pages, key=lambda p: self.works[p.key].sort_key):
            work = self.works[page.key]
            number = min(EXAMPLE_PARAGRAPH, len(page.paragraphs)) or 1
            url = edition.page_url(page.docname)
            url = f"{url}#p{number}" if url else ""
            label = nodes.inline("", self.domain.source_label(page.key))
            guide += nodes.rubric("", "", self.link(page.docname, "", label))
            items = nodes.bullet_list()
            for style, name in STYLES.items():
                work_part = nodes.paragraph()
                work_part += nodes.strong("", f"{name}, the work: ")
                work_part += to_nodes(reference(work, style))
                work_part += nodes.Text(" In text: ")
                work_part += to_nodes(in_text(work, style))
                para_part = nodes.paragraph()
                para_part += nodes.strong("", f"{name}, paragraph {number} of this edition: ")
                para_part += to_nodes(paragraph_reference(work, style, edition, url))
                para_part += nodes.Text(" In text: ")
                para_part += to_nodes(in_text(work, style, number))
                items += nodes.list_item("", work_part, para_part)
            guide += items
        return guide


# The paragraph the citation guide cites (or the last, in a shorter text).
EXAMPLE_PARAGRAPH = 3


def date_statement(work: Work) -> str:
    """The source card's date: as printed, or what the edition inferred."""
    note = work.get("datenote")
    if work.date_inferred:
        return f"About {work.year} (inferred; citations mark the year as approximate). {note}"
    if not work.year:
        return note or "Not known."
    return f"{work.date_text} (as printed). {note}".strip()


class Backlinks(ReaderTransform):
    """ "Discussed in" under each referenced paragraph; passages at chapter ends."""

    default_priority = 6

    def run(self, **kwargs: Any) -> None:
        links = backlinks(self.domain)
        for para in self.document.findall(ar.numbered_paragraph):
            found = links.get(para["key"], {}).get(para["number"], [])
            found = [link for link in found if self.in_output(link.docname)]
            if found:
                para += self.discussed_in(found)
        self.chapter_passages()

    def discussed_in(self, found: list[Backlink]) -> nodes.Element:
        box = nodes.paragraph(classes=["ar-backlinks"])
        box += nodes.emphasis("", "Discussed in: ")
        chapters: dict[str, list[Backlink]] = {}
        for link in found:
            chapters.setdefault(link.docname, []).append(link)
        # In page order, whatever order the pages were read in (an incremental
        # build reads the changed ones last): builds are reproducible.
        for index, (docname, group) in enumerate(sorted(chapters.items())):
            if index:
                box += nodes.Text("; ")
            box += self.link(docname, "", nodes.inline("", group[0].chapter_title))
            sections = [link for link in group if link.section_title != link.chapter_title]
            if sections:
                box += nodes.Text(" (")
                for number, link in enumerate(sections):
                    if number:
                        box += nodes.Text(", ")
                    box += self.link(docname, link.section_id, nodes.inline("", link.section_title))
                box += nodes.Text(")")
        box["chapters"] = len(chapters)  # HTML folds the list into this count
        return box

    def chapter_sections(self) -> list[tuple[str, nodes.section]]:
        """(docname, top section) of each page in this output; a LaTeX pack
        holds many pages, each inside a ``start_of_file`` node."""
        starts = list(self.document.findall(addnodes.start_of_file))
        if not starts:
            top = next((s for s in self.document.children if isinstance(s, nodes.section)), None)
            return [(self.env.docname, top)] if top is not None else []
        found = []
        for start in starts:
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
            refs = self.domain.refs_from(docname)
            for ref in sorted(refs, key=lambda r: (r.key, r.start, r.end)):
                if not passage_error(self.domain, ref.key, ref.start, ref.end):
                    seen.setdefault((ref.key, ref.start, ref.end))
            if not seen:
                continue
            items = nodes.bullet_list(classes=["ar-discussed"])
            for key, start, end in seen:
                page = self.domain.sources[key]
                style = self.config.reader_citation_style
                label = passage_label(self.works.get(key), key, start, end, style)
                excerpt = page.span_text(start, end)
                excerpt = excerpt if len(excerpt) < 160 else excerpt[:160].rsplit(" ", 1)[0] + " …"
                para = nodes.paragraph()
                para += self.link(page.docname, f"p{start}", nodes.strong("", label))
                para += nodes.Text(f": {excerpt}")
                items += nodes.list_item("", para)
            section += nodes.rubric("", "Passages discussed in this chapter")
            section += items
