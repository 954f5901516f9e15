"""What a source page tells reference managers and other sites.

- ``citation_*`` (Highwire, read by Google Scholar and Zotero) and Dublin Core
  describe the *original* work: a reference manager saves the original.
- Open Graph describes the *page* (the edition's), for link previews.
- A schema.org JSON-LD block describes the page as a work of the edition
  (``isPartOf``) based on the original (``isBasedOn``).

Zotero's "Embedded Metadata" translator decides the item type from these
tags (zotero/translators, ``Embedded Metadata.js`` and ``RDF.js`` at commit
2814370; tests/test_citations.py applies the same rules):

- ``citation_journal_title`` makes a journal article and
  ``citation_technical_report_institution`` a report (Embedded Metadata.js
  lines 300-305), and that type wins over every other (line 361);
- ``citation_title`` alone only guesses a journal article (line 317-319),
  which a definite type from the RDF vocabularies overrides (line 352; RDF.js
  line 815): ``og:type`` "website" is one, a web page (RDF.js lines 716-717).

So the report gets the report tags, never a journal title, and the other
works are web pages through ``og:type``. A web page's site name comes from
``prism.publicationName`` (RDF.js line 960); without it Zotero would take
``og:site_name``, the edition's title (line 977). ``DC.source`` would become
the site name too, so it is not used."""

from __future__ import annotations

import json
from typing import Any

from ..text import safe_url
from .csl import Edition, csl_item
from .works import Work


def _date(work: Work, sep: str) -> str:
    """The date the original prints; none for an inferred one."""
    if work.date_inferred or not work.year:
        return ""
    parts = [work.year]
    if work.month:
        parts.append(f"{work.month:02d}")
        if work.day:
            parts.append(f"{work.day:02d}")
    return sep.join(parts)


def meta_tags(work: Work) -> list[tuple[str, str]]:
    """(name, content) pairs for ``<meta name>``, unescaped; empty values left out."""
    item = csl_item(work)
    report = item["type"] == "report"
    journal = item["type"] == "article-journal"
    authors = [f"{family}, {given}".strip(", ") for given, family in work.authors]
    url = work.get("url") if safe_url(work.get("url")) else ""  # else a bad_bibliography warning
    tags: list[tuple[str, str]] = [("citation_title", work.title)]
    tags += [("citation_author", name) for name in authors]
    tags += [
        ("citation_publication_date", _date(work, "/")),
        ("citation_publisher", work.publisher),
        ("citation_journal_title", work.get("container") if journal else ""),
        ("citation_technical_report_institution", work.publisher if report else ""),
        ("citation_technical_report_number", work.get("number") if report else ""),
        ("citation_public_url", url),
        ("citation_language", work.get("language")),
        ("prism.publicationName", work.get("container") if not journal else ""),
        ("DC.title", work.title),
    ]
    tags += [("DC.creator", name) for name in authors]
    tags += [
        ("DC.date", _date(work, "-")),
        ("DC.publisher", work.publisher),
        ("DC.identifier", url),
        ("DC.type", "Text"),
        ("DC.language", work.get("language")),
        ("DC.rights", work.get("license")),
    ]
    return [(name, value) for name, value in tags if value]


def open_graph(title: str, page_url: str, edition: Edition) -> list[tuple[str, str]]:
    """(property, content) pairs for ``<meta property>``: the edition's page."""
    tags = [
        ("og:type", "website"),
        ("og:title", title),
        ("og:url", page_url),
        ("og:site_name", edition.title),
    ]
    return [(name, value) for name, value in tags if value]


SCHEMA_TYPES = {"report": "Report", "article-journal": "ScholarlyArticle", "book": "Book"}


def _agent(name: str, given: str = "") -> dict[str, str]:
    if given:
        return {"@type": "Person", "givenName": given, "familyName": name}
    return {"@type": "Organization", "name": name}


def json_ld(work: Work, title: str, page_url: str, edition: Edition) -> str:
    """The page as schema.org JSON-LD, escaped for a ``<script>`` element."""
    kind = csl_item(work)["type"]
    original: dict[str, Any] = {
        "@type": SCHEMA_TYPES.get(kind, "Article"),
        "name": work.title,
        "author": [_agent(family, given) for given, family in work.authors],
        "datePublished": _date(work, "-"),
        "publisher": _agent(work.publisher) if work.publisher else None,
        "reportNumber": work.get("number") if kind == "report" else "",
        "url": work.get("url") if safe_url(work.get("url")) else "",
        "inLanguage": work.get("language"),
    }
    editors = []
    for name in edition.editors:
        family, comma, given = name.partition(",")
        editors.append(_agent(family.strip(), given.strip()) if comma else _agent(name))
    data = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "name": title,
        "url": page_url,
        "inLanguage": work.get("language"),
        "isBasedOn": {k: v for k, v in original.items() if v},
        "isPartOf": {
            k: v
            for k, v in {
                "@type": "WebSite",
                "name": edition.title,
                "url": edition.base_url,
                "editor": editors,
            }.items()
            if v
        },
    }
    text = json.dumps({k: v for k, v in data.items() if v}, ensure_ascii=False)
    # Inside <script>, "</script>" or "<!--" in a title would end or break the
    # element: JSON allows every "<", ">" and "&" as a \u escape.
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text
