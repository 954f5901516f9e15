"""The bibliography and the ``{cite:p}``/``{cite:t}`` citations of
sphinxcontrib-bibtex in the edition's citation style: pybtex styles whose
entries are the references citeproc-py formats, so that the bibliography
pages, the PDF and the "Cite this" boxes show the same strings, and a
referencing style whose citations are the style's in-text ones.

Each CSL style has both under one name, ``reader-<style>``; the extension
points sphinxcontrib-bibtex at the one ``reader_citation_style`` names."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from typing import Any

import sphinxcontrib.bibtex.plugin
from pybtex.plugin import find_plugin, register_plugin
from pybtex.richtext import HRef, Tag, Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle
from pybtex.style.labels import BaseLabelStyle
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinxcontrib.bibtex.style.referencing import BaseReferenceStyle, BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.template import join, join2, node, post_text, pre_text, reference

from .csl import STYLES, in_text, narrative, plain_text, unbracketed
from .csl import reference as csl_reference
from .works import work_from_entry

PREFIX = "reader-"


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


class KeyLabelStyle(BaseLabelStyle):
    """An entry's label is its citation key. Labels are never shown (the
    reference lists hide them), but sphinxcontrib-bibtex requires them to be
    unique across every list of a page, and alpha labels ("Nel02") repeat
    once two authors share a name's first letters and a year."""

    def format_labels(self, sorted_entries: Any) -> Any:
        for entry in sorted_entries:
            yield entry.key


class ReaderBibliographyStyle(BaseStyle):
    """Reference-list entries in one CSL style (``csl_style``)."""

    csl_style = "apa"
    default_sorting_style = "author_year_title"
    default_label_style = PREFIX + "key"

    def format_entries(self, entries: Any) -> Any:
        for entry in self.sort(entries):
            yield self.format_entry(entry.key, entry)

    def format_entry(self, label: str, entry: Any) -> FormattedEntry:
        work = work_from_entry(entry.key, entry)
        return FormattedEntry(entry.key, _rich(csl_reference(work, self.csl_style)), label)


# -- citations -------------------------------------------------------------------


@node
def cited(children: Any, data: dict[str, Any], narrative_form: bool = False) -> Text:
    """The entry as the style cites it: "Lee, 2017" inside brackets, or
    "Lee (2017)" in running text."""
    assert not children
    entry = data["entry"]
    style = data["style"].csl_style
    work = work_from_entry(entry.key, entry)
    if narrative_form:
        return Text(narrative(work, style))
    return Text(plain_text(unbracketed(in_text(work, style), style)))


def _round() -> BracketStyle:
    return BracketStyle(left="(", right=")", sep="; ")


@dataclass
class ParentheticalStyle(BaseReferenceStyle):
    csl_style: str = "apa"
    bracket: BracketStyle = field(default_factory=_round)

    def role_names(self) -> list[str]:
        return [f"{alt}p{full}" for alt in ("", "al") for full in ("", "s")]

    def outer(self, role_name: str, children: list[Any]) -> Any:
        return self.bracket.outer(children, brackets="al" not in role_name, capfirst=False)

    def inner(self, role_name: str) -> Any:
        return join2(sep1=" ", sep2=", ")[pre_text, reference[cited], post_text]


@dataclass
class TextualStyle(BaseReferenceStyle):
    csl_style: str = "apa"
    bracket: BracketStyle = field(default_factory=_round)

    def role_names(self) -> list[str]:
        return [f"{cap}t{full}" for cap in ("", "c") for full in ("", "s")]

    def outer(self, role_name: str, children: list[Any]) -> Any:
        return self.bracket.outer(children, brackets=False, capfirst="c" in role_name)

    def inner(self, role_name: str) -> Any:
        return join(sep=" ")[pre_text, reference[cited(narrative_form=True)], post_text]


@dataclass
class ReaderReferenceStyle(AuthorYearReferenceStyle):
    """sphinxcontrib-bibtex's author-year roles, with ``{cite:p}`` and
    ``{cite:t}`` (and their variants) as the CSL style writes them."""

    csl_style: str = "apa"
    bracket_parenthetical: BracketStyle = field(default_factory=_round)
    bracket_textual: BracketStyle = field(default_factory=_round)
    bracket_author: BracketStyle = field(default_factory=_round)
    bracket_label: BracketStyle = field(default_factory=_round)
    bracket_year: BracketStyle = field(default_factory=_round)

    def __post_init__(self) -> None:
        super().__post_init__()
        for style in (ParentheticalStyle(self.csl_style), TextualStyle(self.csl_style)):
            self.role_style.update((name, style) for name in style.role_names())


# pybtex looks a plugin up among every installed package's entry points at
# each call unless it was registered at run time, and sphinxcontrib-bibtex
# asks for these backends once per citation it resolves or renders.
BACKENDS = ("plaintext", "docutils")


def register() -> None:
    for backend in BACKENDS:  # each looked up once, and kept (force: without it,
        # pybtex keeps nothing for a name that an installed entry point already has)
        klass = find_plugin("pybtex.backends", backend)
        register_plugin("pybtex.backends", backend, klass, force=True)
    register_plugin("pybtex.style.labels", PREFIX + "key", KeyLabelStyle, force=True)
    for name in STYLES:
        bibliography = type(f"Reader_{name}", (ReaderBibliographyStyle,), {"csl_style": name})
        register_plugin("pybtex.style.formatting", PREFIX + name, bibliography, force=True)
        namespace = {"__annotations__": {"csl_style": str}, "csl_style": name}
        referencing: Any = dataclass(type(f"ReaderRef_{name}", (ReaderReferenceStyle,), namespace))
        sphinxcontrib.bibtex.plugin.register_plugin(
            "sphinxcontrib.bibtex.style.referencing", PREFIX + name, referencing, force=True
        )


def use_citation_style(app: Sphinx, config: Config) -> None:
    """Point sphinxcontrib-bibtex at the edition's style, unless the edition
    chose a style of its own (anything but sphinxcontrib-bibtex's defaults)."""
    chosen = PREFIX + config.reader_citation_style
    for name, default in (("bibtex_default_style", "alpha"), ("bibtex_reference_style", "label")):
        if config[name] in (default, "") or config[name].startswith(PREFIX):
            config[name] = chosen
