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

from .diagnostics import Warn, warn
from .domain import ReaderDomain, get_domain, passage_problem
from .model import Backlink
from .pinning import check_lock
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
    back matter link in their own way."""
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
                warn(
                    Warn.DUPLICATE_KEY,
                    f"{what} {name!r} is also declared by {first.docname}; each {what} "
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


def changed_pages(domain: ReaderDomain) -> list[str]:
    """Pages whose cross-document content differs from what was last written."""
    links = backlinks(domain)
    shown: dict[str, str] = {}
    for page in domain.pages.values():
        shown[page.docname] = _digest(sorted((n, repr(v)) for n, v in links[page.key].items()))
    # What each page shows of other pages: paragraph previews, chapter titles.
    quoted: dict[str, list[str]] = defaultdict(list)
    for ref in domain.refs:
        cited = domain.sources.get(ref.key)
        preview = cited.span_text(ref.start, ref.end) if cited else ""
        quoted[ref.docname].append(f"{ref.key}:{ref.start}-{ref.end}:{preview}")
    for link in domain.theme_links:
        theme = domain.themes.get(link.slug)
        quoted[link.docname].append(f"{link.slug}:{theme.docname}:{theme.title}" if theme else "")
    for docname, items in quoted.items():
        shown[docname] = shown.get(docname, "") + _digest(items)
    table = _digest(sorted(concordance_counts(domain).items())) + _digest(
        sorted((s.key, s.docname) for s in domain.pages.values())
    )
    for docname in domain.data["concordances"]:
        shown[docname] = shown.get(docname, "") + table
    previous = domain.data["shown"]
    changed = [d for d, fp in shown.items() if previous.get(d) != fp]
    domain.data["shown"] = shown
    return changed


def _digest(items: Any) -> str:
    return hashlib.sha1(repr(items).encode()).hexdigest()


def on_env_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    domain = get_domain(env)
    check(domain)
    check_lock(app, domain)
    return changed_pages(domain)


def on_warn_missing_reference(app: Sphinx, domain: Domain, node: pending_xref) -> bool | None:
    """A broken local passage or theme link has been reported by ``check`` with
    what to change; Sphinx's generic "target not found" would repeat it."""
    checked = node.get("reftype") in ("passage", "quote", "theme")
    if domain.name == "reader" and checked and not node.get("intersphinx"):
        return True
    return None
