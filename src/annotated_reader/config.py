"""The ``reader_*`` configuration values: everything that is particular to
one edition lives in its ``conf.py``, never in the extension. Each value is
checked when the configuration is read, with an error that says what to write."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

from .cite.csl import STYLES
from .read.raw_markup import FORBIDDEN_TAGS
from .student_notes import read_notes

# The kinds of note and their labels, unless an edition names its own.
DEFAULT_KINDS: dict[str, str] = {
    "gloss": "Gloss",
    "context": "Context",
    "claim": "Claim",
    "sic": "Sic",
    "question": "Question",
    "link": "Link",
}

DEFAULT_BACK_MATTER = ["back/glossary", "back/timeline", "back/how-to-cite", "back/bibliography"]


@dataclass(frozen=True)
class Option:
    name: str
    default: Any
    types: tuple[type, ...]
    doc: str  # one line, shown in the reference (docs/reference.md) and checked by a test


OPTIONS: tuple[Option, ...] = (
    Option(
        "reader_title",
        None,
        (str,),
        "The edition's title, as reference managers and PDFs name it (default: `project`).",
    ),
    Option(
        "reader_editors",
        None,
        (list,),
        "The editors' names, a list of strings; write a person as `Family, Given` so that "
        "citations can abbreviate the name (default: `[author]`).",
    ),
    Option(
        "reader_base_url",
        "",
        (str,),
        "Where the edition is published, e.g. `https://example.edu/reader/`; sets "
        "`html_baseurl` when that is empty, so every page names its canonical address.",
    ),
    Option(
        "reader_citation_style",
        "apa",
        (str,),
        "The style of in-text citations and of the bibliography: `apa` (APA 7), "
        "`chicago-author-date` or `modern-language-association` (MLA 9).",
    ),
    Option(
        "reader_keywords",
        [],
        (list,),
        "Keywords of the edition, a list of strings: in every PDF's metadata, before "
        "the pack's own `keywords` from the packs file.",
    ),
    Option(
        "reader_method_chapter",
        "",
        (str,),
        "Theme slug of the chapter about the sources themselves, if any: it is left out "
        "of the concordance of themes.",
    ),
    Option(
        "reader_note_kinds",
        DEFAULT_KINDS,
        (dict,),
        "The kinds of annotation, as `{kind: label}`; the six defaults have their own "
        "colours, other kinds a neutral one.",
    ),
    Option(
        "reader_packs",
        "packs.toml",
        (str,),
        "The file that defines the briefing packs, relative to the source directory.",
    ),
    Option(
        "reader_allowed_html",
        [],
        (list,),
        "HTML tags that pages may contain as raw HTML, e.g. `['sup', 'br']`; empty by "
        "default, so any raw HTML is refused and shown as text.",
    ),
    Option(
        "reader_paragraph_lock",
        "sources/paragraphs.lock",
        (str,),
        "The lock file that pins each source's published paragraphs, relative to the source "
        "directory; `annotated-reader lock` writes it.",
    ),
    Option(
        "reader_back_matter",
        DEFAULT_BACK_MATTER,
        (list,),
        "Pages added after the contents of every briefing pack, in order.",
    ),
    Option(
        "reader_student_notes",
        "",
        (str,),
        "A student's notes exported from the “My notes” page (Web Annotation JSON-LD), set "
        "in the margin of the packs in their own style; `make pdf NOTES=…` sets it.",
    ),
    Option(
        "reader_navigation_cache",
        True,
        (bool,),
        "Render the navigation tree once per folder of pages instead of once per page "
        "(the same HTML, built faster); `False` turns it off.",
    ),
)


def register(app: Sphinx) -> None:
    for option in OPTIONS:
        app.add_config_value(option.name, option.default, "env", types=frozenset(option.types))
    app.connect("config-inited", validate, priority=100)


def _fail(name: str, problem: str) -> None:
    raise ConfigError(f"conf.py: {name} {problem}")


def validate(app: Sphinx, config: Config) -> None:
    """Check every value and fill in the defaults that depend on other settings."""
    if config.reader_title is None:
        config.reader_title = config.project
    if config.reader_editors is None:
        config.reader_editors = [config.author] if config.author else []
    for option in OPTIONS:
        value = config[option.name]
        if not isinstance(value, option.types):
            kind = " or ".join(t.__name__ for t in option.types)
            _fail(option.name, f"must be a {kind}, not {type(value).__name__} ({value!r})")
    if not all(isinstance(name, str) and name.strip() for name in config.reader_editors):
        _fail("reader_editors", 'must list names as strings, e.g. ["A. Editor", "B. Editor"]')
    kinds = config.reader_note_kinds
    if not kinds:
        _fail("reader_note_kinds", "must name at least one kind of note")
    for kind, label in kinds.items():
        if not isinstance(kind, str) or not kind.isidentifier() or not kind.islower():
            _fail("reader_note_kinds", f"has kind {kind!r}: use a lower-case word such as 'gloss'")
        if not isinstance(label, str) or not label.strip():
            _fail(
                "reader_note_kinds", f"needs a label for kind {kind!r}, e.g. {{'gloss': 'Gloss'}}"
            )
    for tag in config.reader_allowed_html:
        if not isinstance(tag, str) or not re.fullmatch(r"[a-z][a-z0-9]*", tag):
            _fail("reader_allowed_html", f"lists {tag!r}: name tags in lower case, e.g. 'sup'")
        if tag in FORBIDDEN_TAGS:
            _fail("reader_allowed_html", f"lists <{tag}>, which can run code and is never allowed")
    if config.reader_citation_style not in STYLES:
        names = ", ".join(repr(name) for name in STYLES)
        _fail(
            "reader_citation_style", f"must be one of {names}, not {config.reader_citation_style!r}"
        )
    if not all(isinstance(word, str) and word.strip() for word in config.reader_keywords):
        _fail("reader_keywords", 'must list words as strings, e.g. ["libraries", "local history"]')
    if not all(isinstance(page, str) for page in config.reader_back_matter):
        _fail("reader_back_matter", 'must list page names, e.g. ["back/glossary"]')
    if config.reader_student_notes:
        try:
            read_notes(Path(app.confdir, config.reader_student_notes))
        except ValueError as error:
            _fail("reader_student_notes", f"names a file that cannot be used: {error}")
    base = config.reader_base_url
    if base and not base.startswith(("https://", "http://")):
        _fail("reader_base_url", f"must be an http(s) address, not {base!r}")
    if base and not config.html_baseurl:
        config.html_baseurl = base if base.endswith("/") else base + "/"


def note_kinds(config: Config) -> dict[str, str]:
    kinds: dict[str, str] = config.reader_note_kinds
    return kinds
