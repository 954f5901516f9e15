"""A pybtex style for sphinxcontrib-bibtex whose entries are APA 7 references
formatted by citeproc-py, so the bibliography pages and the PDF show the same
strings as the "Cite this" boxes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from typing import Any

import sphinxcontrib.bibtex.plugin
from pybtex.plugin import register_plugin
from pybtex.richtext import HRef, Tag, Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

from .csl import reference
from .works import work_from_entry

STYLE_NAME = "reader-apa"
REFERENCE_STYLE_NAME = "reader-author-year"


def _rich(html: str) -> Text:
    parts: list[Any] = []
    for part in re.split(r"(<i>.*?</i>|https?://\S+[^\s.,;)])", html):
        if not part:
            continue
        if part.startswith("<i>"):
            parts.append(Tag("em", unescape(re.sub(r"<[^>]+>", "", part))))
        elif part.startswith("http"):
            url = unescape(part)
            parts.append(HRef(url, url))
        else:
            parts.append(unescape(re.sub(r"<[^>]+>", "", part)))
    return Text(*parts)


class ReaderApaStyle(BaseStyle):
    default_sorting_style = "author_year_title"
    default_label_style = "alpha"  # unique across the several lists of one page

    def format_entries(self, entries: Any) -> Any:
        for entry in self.sort(entries):
            yield self.format_entry(entry.key, entry)

    def format_entry(self, label: str, entry: Any) -> FormattedEntry:
        return FormattedEntry(
            entry.key, _rich(reference(work_from_entry(entry.key, entry), "apa")), label
        )


def _round() -> BracketStyle:
    return BracketStyle(left="(", right=")")


@dataclass
class RoundAuthorYearStyle(AuthorYearReferenceStyle):
    """Author-year citations in round brackets, as APA prints them: (Lee, 2017)."""

    bracket_parenthetical: BracketStyle = field(default_factory=_round)
    bracket_textual: BracketStyle = field(default_factory=_round)
    bracket_author: BracketStyle = field(default_factory=_round)
    bracket_label: BracketStyle = field(default_factory=_round)
    bracket_year: BracketStyle = field(default_factory=_round)


def register() -> None:
    register_plugin("pybtex.style.formatting", STYLE_NAME, ReaderApaStyle, force=True)
    sphinxcontrib.bibtex.plugin.register_plugin(
        "sphinxcontrib.bibtex.style.referencing",
        REFERENCE_STYLE_NAME,
        RoundAuthorYearStyle,
        force=True,
    )
