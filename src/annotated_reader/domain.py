"""The ``reader`` domain: where the read phase stores what each page holds
(sources and their paragraphs, notes, passage references, chapters), merged
from parallel readers, and Sphinx's interface to it: the objects that go
into ``objects.inv`` (so other projects can link to "Lee 2017, ¶ 5" through
intersphinx) and the resolution of ``reader`` cross-references."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Set
from typing import Any, ClassVar, TypeVar

from docutils import nodes
from docutils.nodes import Element
from sphinx.addnodes import pending_xref
from sphinx.builders import Builder
from sphinx.domains import Domain, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.util.nodes import make_refnode

from .cite.csl import in_text, narrative, plain_text, unbracketed
from .cite.works import Work, bib_paths, load_works
from .model import Note, PassageRef, SourcePage, ThemeLink, ThemePage
from .text import parse_target

T = TypeVar("T")
Page = TypeVar("Page", SourcePage, ThemePage)
Item = TypeVar("Item", Note, PassageRef)


class ReaderDomain(Domain):
    name = "reader"
    label = "Annotated reader"
    object_types: ClassVar[dict[str, ObjType]] = {
        "source": ObjType("source", "source"),
        "paragraph": ObjType("paragraph", "passage", "quote"),
        "note": ObjType("note", "note"),
        "theme": ObjType("chapter", "theme"),
    }
    initial_data: ClassVar[dict[str, Any]] = {
        "sources": {},  # docname -> SourcePage
        "themes": {},  # docname -> ThemePage
        "notes": [],  # Note
        "refs": [],  # PassageRef
        "theme_links": [],  # ThemeLink
        "concordances": set(),  # docnames showing the concordance
        "terms": {},  # glossary term id -> (docname, definition text)
        "guides": set(),  # docnames showing the citation guide
        "term_pages": set(),  # docnames linking a glossary term (previews)
        "counted": set(),  # docnames printing a {count}
        "census": None,  # read.census.Census of the last build
        "shown": {},  # docname -> fingerprint of the cross-document content it shows
    }

    # -- storage -----------------------------------------------------------------

    @property
    def pages(self) -> dict[str, SourcePage]:
        return self.data["sources"]

    @property
    def theme_pages(self) -> dict[str, ThemePage]:
        return self.data["themes"]

    @property
    def notes(self) -> list[Note]:
        return self.data["notes"]

    @property
    def refs(self) -> list[PassageRef]:
        return self.data["refs"]

    @property
    def theme_links(self) -> list[ThemeLink]:
        return self.data["theme_links"]

    # Indexes derived from the data (sources by key, backlinks, ...), built on
    # first use and forgotten whenever the data changes: resolution asks for
    # them once per reference. They remember which data they were built from,
    # because Sphinx replaces ``self.data`` when it loads a saved build.
    _derived: dict[str, Any]
    _derived_from: dict[str, Any] | None = None

    def derived(self, name: str, compute: Callable[[], T]) -> T:
        if self._derived_from is not self.data:
            self._derived_from, self._derived = self.data, {}
        if name not in self._derived:
            self._derived[name] = compute()
        found: T = self._derived[name]
        return found

    def forget_derived(self) -> None:
        self._derived_from = None

    def add_source_page(self, page: SourcePage) -> None:
        self.pages[page.docname] = page
        self.forget_derived()

    def add_theme_page(self, page: ThemePage) -> None:
        self.theme_pages[page.docname] = page
        self.forget_derived()

    @property
    def sources(self) -> dict[str, SourcePage]:
        """Source pages by key; where two pages claim one key (a warning), the
        first in name order."""
        return self.derived("sources", lambda: _first_by(self.pages, "key"))

    @property
    def themes(self) -> dict[str, ThemePage]:
        """Chapters by slug, like ``sources``."""
        return self.derived("themes", lambda: _first_by(self.theme_pages, "slug"))

    def notes_on(self, docname: str) -> list[Note]:
        return self.derived("notes_by_page", lambda: _group(self.notes)).get(docname, [])

    def refs_from(self, docname: str) -> list[PassageRef]:
        return self.derived("refs_by_page", lambda: _group(self.refs)).get(docname, [])

    @property
    def works(self) -> dict[str, Work]:
        return load_works(bib_paths(self.env))

    def clear_doc(self, docname: str) -> None:
        self.forget_derived()
        self.pages.pop(docname, None)
        self.theme_pages.pop(docname, None)
        self.data["notes"] = [n for n in self.notes if n.docname != docname]
        self.data["refs"] = [r for r in self.refs if r.docname != docname]
        self.data["theme_links"] = [t for t in self.theme_links if t.docname != docname]
        for name in ("concordances", "guides", "term_pages", "counted"):
            self.data[name].discard(docname)
        self.data["terms"] = {t: v for t, v in self.data["terms"].items() if v[0] != docname}

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        self.forget_derived()
        for name in ("sources", "themes"):
            self.data[name].update(
                {doc: page for doc, page in otherdata[name].items() if doc in docnames}
            )
        for name in ("notes", "refs", "theme_links"):
            self.data[name].extend(item for item in otherdata[name] if item.docname in docnames)
        for name in ("concordances", "guides", "term_pages", "counted"):
            self.data[name] |= otherdata[name] & set(docnames)
        self.data["terms"].update({t: v for t, v in otherdata["terms"].items() if v[0] in docnames})

    # -- objects (objects.inv, search) --------------------------------------------

    @property
    def style(self) -> str:
        style: str = self.env.config.reader_citation_style
        return style

    def source_label(self, key: str) -> str:
        """A source named in running text, in the edition's style: "Lee (2017)"."""
        work = self.works.get(key)
        return narrative(work, self.style) if work else key

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        works = self.works
        for key, page in sorted(self.sources.items()):
            work = works.get(key)
            yield key, self.source_label(key), "source", page.docname, "", 1
            for paragraph in page.paragraphs:
                name = f"{key}:{paragraph.number}"
                number = paragraph.number
                display = passage_label(work, key, number, number, self.style)
                yield name, display, "paragraph", page.docname, f"p{paragraph.number}", -1
        for note in self.notes:
            label = f"{self.source_label(note.key)}, note {note.number}"
            yield (
                f"{note.key}:note-{note.number}",
                label,
                "note",
                note.docname,
                f"note-{note.number}",
                -1,
            )
        for slug, theme in sorted(self.themes.items()):
            yield slug, theme.title, "theme", theme.docname, "", 1

    # -- cross-references -----------------------------------------------------------

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> Element | None:
        if typ in ("passage", "quote"):
            text = contnode.astext() if node.get("refexplicit") else None
            return self.passage_link(builder, fromdocname, target, text)
        if typ == "theme":
            theme = self.themes.get(target.strip())
            if theme is None:
                return None
            return self.link(builder, fromdocname, theme.docname, "", theme.title)
        if typ == "note":
            key, _, number = target.partition(":note-")
            note = next((n for n in self.notes if n.key == key and str(n.number) == number), None)
            if note is None:
                return None
            label = f"{key}, note {number}"
            return self.link(builder, fromdocname, note.docname, f"note-{number}", label)
        if typ == "source":
            page = self.sources.get(target.strip())
            if page is None:
                return None
            return self.link(builder, fromdocname, page.docname, "", self.source_label(page.key))
        return None

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> list[tuple[str, Element]]:
        for role, typ in (("passage", "passage"), ("theme", "theme"), ("source", "source")):
            found = self.resolve_xref(env, fromdocname, builder, typ, target, node, contnode)
            if found is not None:
                return [(f"reader:{role}", found)]
        return []

    def passage_link(
        self, builder: Builder, fromdocname: str, target: str, text: str | None = None
    ) -> Element | None:
        """A link to the paragraphs, labelled with the in-text citation (or with
        ``text``: a paragraph number inside a citation, see write/citations.py)."""
        parsed = parse_target(target)
        if parsed is None:
            return None
        key, start, end = parsed
        page = self.sources.get(key)
        if page is None or passage_problem(page, start, end):
            return None
        label = passage_label(self.works.get(key), key, start, end, self.style)
        link = self.link(builder, fromdocname, page.docname, f"p{start}", text or label, label)
        link["classes"].append("ar-passage")
        next(link.findall(nodes.inline))["classes"].append("ar-label")
        link["reader_passage"] = (key, start, end)  # for the writers (previews)
        return link

    def link(
        self,
        builder: Builder,
        fromdocname: str,
        docname: str,
        anchor: str,
        label: str,
        title: str = "",
    ) -> Element:
        """A link where the output contains the page; the label alone where it
        does not (a briefing pack holds only some pages)."""
        text = nodes.inline("", label)
        if not in_output(builder, docname):
            return nodes.inline("", "", text, classes=["ar-unlinked"])
        return make_refnode(builder, fromdocname, docname, anchor, text, title or label)


def in_output(builder: Builder, docname: str) -> bool:
    """A LaTeX pack (or an e-book) contains only some pages; the site all."""
    contained: Iterable[str] | None = getattr(builder, "reader_contents", None)
    if contained is None and builder.format == "latex":
        contained = getattr(builder, "docnames", ())
    return contained is None or docname in contained


def passage_problem(page: SourcePage, start: int, end: int) -> str | None:
    """Why ``start``-``end`` is not a passage of ``page``, or None."""
    count = len(page.paragraphs)
    if 1 <= start <= end <= count:
        return None
    span = f"{start}-{end}" if start != end else str(start)
    return f"{page.key} has paragraphs 1-{count}; {span} is out of range"


def passage_label(work: Work | None, key: str, start: int, end: int, style: str) -> str:
    """The in-text citation of the paragraphs without its brackets, in the
    edition's style: "Lee, 2017, para. 3", "Lee, 2017, paras. 4–6"."""
    where = str(start) if start == end else f"{start}–{end}"
    if work is None:
        return f"{key}, ¶ {where}"
    return plain_text(unbracketed(in_text(work, style, where), style))


def get_domain(env: BuildEnvironment) -> ReaderDomain:
    domain = env.domains["reader"]
    assert isinstance(domain, ReaderDomain)
    return domain


def _first_by(pages: dict[str, Page], attribute: str) -> dict[str, Page]:
    """Pages by key (or slug); where two pages claim one, the first in name order."""
    found: dict[str, Page] = {}
    for docname in sorted(pages):
        found.setdefault(getattr(pages[docname], attribute), pages[docname])
    return found


def _group(items: list[Item]) -> dict[str, list[Item]]:
    """Items by the page they were written on, in their order."""
    found: dict[str, list[Item]] = {}
    for item in items:
        found.setdefault(item.docname, []).append(item)
    return found
