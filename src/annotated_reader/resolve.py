"""The resolve phase (``env-updated``, on every build, once all pages are
read): check every reference, quotation and theme against the whole book;
compute backlinks and the concordance; name the pages whose cross-document
content changed, so that an incremental build rewrites them."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Any

from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment

from .cite.works import Work, bib_lines, bib_paths
from .diagnostics import Warn, warn
from .domain import ReaderDomain, get_domain, passage_label, passage_problem
from .model import Backlink
from .pinning import check_lock
from .read.packs import packs_of
from .text import PARTIAL, find_phrase, squash


def passage_error(domain: ReaderDomain, key: str, start: int, end: int) -> str | None:
    """Why ``key:start-end`` cannot be resolved, or None."""
    page = domain.sources.get(key)
    if page is None:
        known = ", ".join(sorted(domain.sources)) or "none yet"
        return f"unknown source {key!r}; source pages define: {known}"
    return passage_problem(page, start, end)


def backlinks(domain: ReaderDomain) -> dict[str, dict[int, list[Backlink]]]:
    """For every source paragraph, the chapter sections that reference it,
    in the order of the chapters' references. Only chapters count: notes and
    back matter link in their own way. Computed once for all pages."""
    return domain.derived("backlinks", lambda: _backlinks(domain))


def _backlinks(domain: ReaderDomain) -> dict[str, dict[int, list[Backlink]]]:
    links: dict[str, dict[int, list[Backlink]]] = defaultdict(lambda: defaultdict(list))
    titles = {t.docname: t.title for t in domain.themes.values()}
    for ref in domain.refs:
        if ref.docname not in titles or passage_error(domain, ref.key, ref.start, ref.end):
            continue
        link = Backlink(ref.docname, ref.section_id, ref.section_title, titles[ref.docname])
        for number in range(ref.start, ref.end + 1):
            if link not in links[ref.key][number]:
                links[ref.key][number].append(link)
    return links


def concordance_counts(domain: ReaderDomain) -> dict[tuple[str, str], tuple[int, int]]:
    """(source key, theme slug) -> (notes tagged with the theme, chapter references)."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for note in domain.notes:
        for slug in note.themes:
            counts[note.key, slug][0] += 1
    slug_of = {t.docname: t.slug for t in domain.themes.values()}
    for ref in domain.refs:
        if ref.docname in slug_of:
            counts[ref.key, slug_of[ref.docname]][1] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


def check(domain: ReaderDomain) -> None:
    """Warn about every key, reference, quotation and theme that does not resolve."""
    for attribute, what in (("pages", "source"), ("theme_pages", "theme")):
        claimed: dict[str, list[Any]] = defaultdict(list)
        for page in getattr(domain, attribute).values():
            claimed[page.key if what == "source" else page.slug].append(page)
        for name, pages in claimed.items():
            for page in sorted(pages, key=lambda p: p.docname)[1:]:
                first = min(pages, key=lambda p: p.docname)
                first_file = domain.env.doc2path(first.docname, base=False)
                warn(
                    Warn.DUPLICATE_KEY,
                    f"{what} {name!r} is also declared by {first_file}; each {what} "
                    "needs its own key",
                    (page.docname, page.lineno),
                )
    for ref in domain.refs:
        location = ref.location
        error = passage_error(domain, ref.key, ref.start, ref.end)
        if error:
            warn(Warn.BAD_PASSAGE, f"{error}. Write key:N or key:N-M.", location)
            continue
        if ref.quote:
            text = domain.sources[ref.key].span_text(ref.start, ref.end)
            if not find_phrase(ref.quote, text):
                span = f"{ref.start}-{ref.end}" if ref.end != ref.start else str(ref.start)
                partial = find_phrase(PARTIAL + ref.quote.removeprefix(PARTIAL), text)
                hint = (
                    f"It occurs only inside a word: quote whole words, or write `{PARTIAL}` "
                    "before the words to quote part of a word on purpose."
                    if partial
                    else "Copy the words exactly from that paragraph, or cite the right one."
                )
                warn(
                    Warn.QUOTE_NOT_FOUND,
                    f"the quotation {squash(ref.quote)!r} is not in {ref.key} ¶ {span}. {hint}",
                    location,
                )
    known = ", ".join(sorted(domain.themes)) or "none"
    for note in domain.notes:
        for slug in note.themes:
            if slug not in domain.themes:
                warn(
                    Warn.UNKNOWN_THEME,
                    f"unknown theme {slug!r} in :themes:; chapters declare: {known}",
                    (note.docname, note.lineno),
                )
    for link in domain.theme_links:
        if link.slug not in domain.themes:
            warn(
                Warn.UNKNOWN_THEME,
                f"unknown theme {link.slug!r}; chapters declare: {known}",
                (link.docname, link.lineno),
            )


def check_bibliography(domain: ReaderDomain) -> None:
    """Fields the import could not fill in, and the ``keywords = {source}``
    mark, which must agree with the source pages."""
    lines, todos = bib_lines(bib_paths(domain.env))
    for todo in todos:
        warn(
            Warn.BIB_TODO,
            f"field {todo.field!r} of {todo.key!r} is still todo (the import found no value); "
            "fill it in from the original, or delete the line if the original does not give it",
            f"{todo.path}:{todo.line}",
        )
    works = domain.works
    for key, page in sorted(domain.sources.items()):
        if key in works and not works[key].is_source:
            warn(
                Warn.UNKNOWN_SOURCE,
                f"the entry {key!r} of references.bib lacks keywords = {{source}}; add it, so "
                "that the bibliography and the citation guide list the text among the sources",
                (page.docname, 1),
            )
    for key, work in sorted(works.items()):
        if work.is_source and key not in domain.sources and key in lines:
            where = lines[key]
            warn(
                Warn.UNKNOWN_SOURCE,
                f"{key!r} has keywords = {{source}} but no page declares `source: {key}`; "
                "import the text (annotated-reader add-source) or remove the keyword",
                f"{where.path}:{where.line}",
            )


def changed_pages(domain: ReaderDomain) -> list[str]:
    """Pages whose content from elsewhere (other pages, the bibliography, the
    packs file, the navigation) differs from what was last written, so that
    an incremental build rewrites them: no page is ever left stale."""
    env = domain.env
    works = domain.works
    shown: dict[str, list[Any]] = defaultdict(list)
    # The navigation on every page: the toctrees and the titles they show.
    navigation = _digest(
        sorted((doc, list(children)) for doc, children in env.toctree_includes.items())
    ) + _digest(sorted((doc, title.astext()) for doc, title in env.titles.items()))
    for docname in env.found_docs:
        shown[docname].append(navigation)
    # Source pages: their backlinks and their card (bibliography entry).
    links = backlinks(domain)
    for page in domain.pages.values():
        work = works.get(page.key)
        shown[page.docname].append(sorted((n, repr(v)) for n, v in links[page.key].items()))
        shown[page.docname].append(_work_digest(work))
    # What each page shows of other pages: passage labels and previews, chapter
    # titles. The labels themselves, not their entries: a new title changes no
    # "Lee, 2017, para. 3" (and formatting them is cheap: cite/memory.py).
    for ref in domain.refs:
        cited = domain.sources.get(ref.key)
        preview = cited.span_text(ref.start, ref.end) if cited else ""
        label = passage_label(works.get(ref.key), ref.key, ref.start, ref.end, domain.style)
        shown[ref.docname].append(f"{label}:{cited.docname if cited else ''}:{preview}")
    for link in domain.theme_links:
        theme = domain.themes.get(link.slug)
        shown[link.docname].append(f"{link.slug}:{theme.docname}:{theme.title}" if theme else "")
    # Glossary previews carry the definitions, with passage labels.
    glossary = _digest(sorted(domain.data["terms"].items())) + _digest(
        sorted((key, domain.source_label(key)) for key in works)
    )
    for docname in domain.data["term_pages"]:
        shown[docname].append(glossary)
    # The concordance and the citation guide list every source.
    sources = sorted(
        (s.key, s.docname, _work_digest(works.get(s.key))) for s in domain.sources.values()
    )
    table = _digest(sorted(concordance_counts(domain).items())) + _digest(sources)
    themes = _digest(sorted((t.slug, t.docname, t.title) for t in domain.themes.values()))
    for docname in domain.data["concordances"]:
        shown[docname].append(table + themes)
    for docname in domain.data["guides"]:
        shown[docname].append(_digest(sources))
    # A pack's start page lists its contents by title.
    for pack in packs_of(env.srcdir, env.config).values():
        titles = [(doc, env.titles[doc].astext()) for doc in pack.contents if doc in env.titles]
        shown[pack.start].append(repr(pack) + _digest(titles))
    fingerprints = {doc: _digest(items) for doc, items in shown.items()}
    previous = domain.data["shown"]
    changed = sorted(
        d for d, fp in fingerprints.items() if previous.get(d) != fp and d in env.found_docs
    )
    domain.data["shown"] = fingerprints
    return changed


def _work_digest(work: Work | None) -> str:
    return _digest((work.entry_type, work.authors, sorted(work.fields.items())) if work else None)


def _digest(items: Any) -> str:
    return hashlib.sha1(repr(items).encode()).hexdigest()


def on_env_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    domain = get_domain(env)
    check(domain)
    check_bibliography(domain)
    check_lock(app, domain)
    return changed_pages(domain)


def on_warn_missing_reference(app: Sphinx, domain: Domain, node: pending_xref) -> bool | None:
    """A broken local passage or theme link has been reported by ``check`` with
    what to change; Sphinx's generic "target not found" would repeat it."""
    checked = node.get("reftype") in ("passage", "quote", "theme")
    if domain.name == "reader" and checked and not node.get("intersphinx"):
        return True
    return None
