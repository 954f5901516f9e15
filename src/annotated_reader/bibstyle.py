"""A pybtex style for sphinxcontrib-bibtex whose entries are APA 7 references
formatted by citeproc-py, so the bibliography pages and the PDF show the same
strings as the "Cite this" boxes."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from pybtex.plugin import register_plugin
from pybtex.richtext import HRef, Tag, Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle

from .bibliography import work_from_entry
from .citations import reference

STYLE_NAME = "reader-apa"


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


def register() -> None:
    register_plugin("pybtex.style.formatting", STYLE_NAME, ReaderApaStyle, force=True)
