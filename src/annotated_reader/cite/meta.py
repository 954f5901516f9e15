"""The ``<meta>`` tags of a source page: ``citation_*`` (Google Scholar,
Zotero) and Dublin Core, describing the original work, and naming the
edition it is part of."""

from __future__ import annotations

from ..text import safe_url
from .csl import csl_item
from .works import Work


def meta_tags(work: Work, page_url: str, edition: str) -> list[tuple[str, str]]:
    """(name, content) pairs, unescaped; empty values left out."""
    item = csl_item(work)
    date = "/".join(f"{p:02d}" for p in item.get("issued", {}).get("date-parts", [[]])[0])
    authors = [f"{family}, {given}".strip(", ") for given, family in work.authors]
    url = work.get("url") if safe_url(work.get("url")) else ""  # else a bad_bibliography warning
    tags: list[tuple[str, str]] = [("citation_title", work.title)]
    tags += [("citation_author", name) for name in authors]
    tags += [
        ("citation_publication_date", date),
        ("citation_publisher", work.publisher),
        ("citation_journal_title", work.get("container")),
        ("citation_technical_report_institution", work.get("institution")),
        ("citation_technical_report_number", work.get("number")),
        ("citation_public_url", url),
        ("citation_language", work.get("language")),
        ("DC.title", work.title),
    ]
    tags += [("DC.creator", name) for name in authors]
    tags += [
        ("DC.date", date.replace("/", "-")),
        ("DC.publisher", work.publisher),
        ("DC.identifier", url),
        ("DC.type", "Text"),
        ("DC.language", work.get("language")),
        ("DC.rights", work.get("license")),
        ("DC.relation.isPartOf", edition),
        ("DC.source", page_url),
    ]
    return [(name, value) for name, value in tags if value]
