"""The catalogue of authoring mistakes. Each row is one mistake an instructor
in a hurry could make, the files it touches, and every warning it must give:
subtype, ``file:line`` and the words that say what to change. Mistakes that
do not interfere share a build of a copy of a test root. Each build must give
no warning that the catalogue does not list, and must write nothing wrong or
dangerous (no script, event handler or ``javascript:`` address from the data)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.errors import ConfigError
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_escape_sequences

from annotated_reader.text import safe_url
from conftest import soup

Edit = Callable[[bytes | None], bytes]


def write(text: str) -> Edit:
    return lambda old: text.encode("utf-8")


def append(text: str) -> Edit:
    return lambda old: (old or b"") + text.encode("utf-8")


def replace(old_text: str, new_text: str) -> Edit:
    def edit(old: bytes | None) -> bytes:
        text = (old or b"").decode("utf-8")
        assert old_text in text, f"{old_text!r} is not in the file"
        return text.replace(old_text, new_text, 1).encode("utf-8")

    return edit


def latin1(old_text: str, new_text: str) -> Edit:
    """Replace, then save as Latin-1 (as an editor set to Windows-1252 would)."""
    return lambda old: replace(old_text, new_text)(old).decode("utf-8").encode("latin-1")


@dataclass(frozen=True)
class Expect:
    subtype: str
    file: str
    line: int | str  # a number, or text that is on that line of the edited file
    words: str


@dataclass
class Mistake:
    name: str
    group: str
    edits: dict[str, Edit] = field(default_factory=dict)
    warnings: list[Expect] = field(default_factory=list)


@dataclass(frozen=True)
class Group:
    root: str
    builder: str = "html"
    overrides: tuple[tuple[str, object], ...] = ()


GROUPS = {
    "errors": Group("test-errors"),
    "markup": Group("test-basic"),
    "lock": Group("test-basic"),
    "renumbered": Group("test-basic"),
    "braces": Group("test-basic"),
    "encodings": Group("test-basic"),
    "toml": Group("test-basic"),
    "allowed": Group("test-basic", overrides=(("reader_allowed_html", ["b", "sup"]),)),
    "npm": Group("test-basic"),  # a copy in a temporary folder: no node_modules above it
}

TIMELINE_PAGE = "# Timeline\n\n```{timeline}\n:file: timeline.toml\n```\n"
IN_TOC = replace("biblio\n", "biblio\ntimeline\n")


def event(date: str, marker: str, extra: str = "") -> str:
    return (
        f'\n[[event]]  # {marker}\ndate = "{date}"\ntitle = "An event"\nstatus = "cited"\n'
        f'cite = ["other2018"]\n{extra}'
    )


CATALOGUE: list[Mistake] = [
    # -- tests/roots/test-errors: one of each classic mistake ------------------------
    Mistake(
        "a note before any paragraph",
        "errors",
        warnings=[
            Expect("orphan_annotation", "sources/bad2020.md", 8, "must follow the paragraph")
        ],
    ),
    Mistake(
        "an anchor that is not in the paragraph",
        "errors",
        warnings=[Expect("anchor_missing", "sources/bad2020.md", 14, "'a dog' is not in ¶ 1")],
    ),
    Mistake(
        "an anchor that occurs twice",
        "errors",
        warnings=[
            Expect(
                "anchor_ambiguous", "sources/bad2020.md", 19, "occurs 2 times in ¶ 1; quote more"
            )
        ],
    ),
    Mistake(
        "two anchors that overlap",
        "errors",
        warnings=[Expect("anchor_overlap", "sources/bad2020.md", 29, "anchor one of the notes")],
    ),
    Mistake(
        "a paragraph's notes written out of the order of their anchors",
        "errors",
        warnings=[Expect("note_order", "sources/bad2020.md", 52, "move this note above")],
    ),
    Mistake(
        "an unknown kind of note",
        "errors",
        warnings=[Expect("unknown_kind", "sources/bad2020.md", 34, "use one of: gloss, context")],
    ),
    Mistake(
        "a note tagged with an unknown theme",
        "errors",
        warnings=[Expect("unknown_theme", "sources/bad2020.md", 38, "'nosuchtheme'")],
    ),
    Mistake(
        "a changed paragraph of the author's text",
        "errors",
        warnings=[
            Expect("raw_mismatch", "sources/bad2020.md", 43, "¶ 2 differs from raw/bad2020.txt")
        ],
    ),
    Mistake(
        "a source key that is not in the bibliography",
        "errors",
        warnings=[Expect("unknown_source", "sources/nokey.md", 1, "not a key of references.bib")],
    ),
    Mistake(
        "a passage out of range",
        "errors",
        warnings=[Expect("bad_passage", "chapter.md", 7, "has paragraphs 1-3; 9 is out of range")],
    ),
    Mistake(
        "a passage of an unknown source",
        "errors",
        warnings=[Expect("bad_passage", "chapter.md", 9, "unknown source 'nobody2000'")],
    ),
    Mistake(
        "a malformed passage target",
        "errors",
        warnings=[Expect("bad_passage", "chapter.md", 11, "write key:N or key:N-M")],
    ),
    Mistake(
        "a quotation that is not in the paragraph",
        "errors",
        warnings=[Expect("quote_not_found", "chapter.md", 13, "Copy the words exactly")],
    ),
    Mistake(
        "an unknown theme link",
        "errors",
        warnings=[Expect("unknown_theme", "chapter.md", 15, "'nosuch'")],
    ),
    Mistake(
        "a note on a chapter page",
        "errors",
        warnings=[Expect("orphan_annotation", "chapter.md", 17, "belong on source pages")],
    ),
    Mistake(
        "an unescaped | in a quotation inside a table",
        "errors",
        warnings=[Expect("bad_passage", "chapter.md", 21, "write the quotation separator as \\|")],
    ),
    Mistake(
        "a timeline event with a bad date, an unknown status and no link",
        "errors",
        warnings=[
            Expect("bad_timeline", "timeline.toml", 7, "date 'Feb 2017' is not YYYY"),
            Expect("bad_timeline", "timeline.toml", 7, "status 'rumour' is not one of"),
            Expect("bad_timeline", "timeline.toml", 7, "link the event to a passage"),
        ],
    ),
    Mistake(
        "a pack that names a page that does not exist",
        "errors",
        warnings=[Expect("bad_pack", "packs.toml", 1, "'nosuchpage', which is not a page")],
    ),
    Mistake(
        "a complete pack that lacks a source",
        "errors",
        warnings=[
            Expect("bad_pack", "packs.toml", 5, 'is complete = true but lacks "sources/bad2020"')
        ],
    ),
    Mistake(
        "a bibliography entry marked source that no page declares",
        "errors",
        warnings=[
            Expect("unknown_source", "refs.bib", 7, "has keywords = {source} but no page declares")
        ],
    ),
    Mistake(
        "a source page whose entry lacks keywords = {source}",
        "errors",
        warnings=[
            Expect("unknown_source", "sources/plain.md", 1, "lacks keywords = {source}; add it")
        ],
    ),
    Mistake(
        "a bibliography field still todo",
        "errors",
        warnings=[Expect("bib_todo", "refs.bib", 16, "field 'year' of 'plain2002' is still todo")],
    ),
    Mistake(
        "a count of something that cannot be counted",
        "errors",
        warnings=[
            Expect("bad_count", "chapter.md", 25, "cannot count 'nothing'; write one of: sources")
        ],
    ),
    # -- markup is text: raw HTML, raw directives, unsafe links -----------------------
    Mistake(
        "a <script> block in a chapter",
        "markup",
        {"themes/ports.md": append('\n<script>alert("block")</script>\n')},
        [Expect("raw_html", "themes/ports.md", 'alert("block")', "escape the `<` (`\\<script>`)")],
    ),
    Mistake(
        "an <img onerror> inside a chapter's sentence",
        "markup",
        {"themes/ports.md": append("\nInline <img src=x onerror=alert(2)> markup.\n")},
        [Expect("raw_html", "themes/ports.md", "Inline <img", "the attribute 'onerror' of <img>")],
    ),
    Mistake(
        "a <style> block in a chapter",
        "markup",
        {"themes/ports.md": append("\n<style>body { display: none }</style>\n")},
        [Expect("raw_html", "themes/ports.md", "<style>", "shown as text")],
    ),
    Mistake(
        "a {raw} latex directive",
        "markup",
        {"themes/ports.md": append("\n```{raw} latex\n\\input{/etc/passwd}\n```\n")},
        [Expect("raw_html", "themes/ports.md", "{raw} latex", "the {raw} directive")],
    ),
    Mistake(
        "a javascript: link written in reStructuredText",
        "markup",
        {
            "themes/ports.md": append(
                '\n```{eval-rst}\nA `bad link <javascript:alert("link")>`_ here.\n```\n'
            )
        },
        [Expect("unsafe_link", "themes/ports.md", "bad link", "links go to http(s)")],
    ),
    Mistake(
        "an <img onerror> inside a note",
        "markup",
        {
            "sources/doe2020.md": replace(
                "Why were harbours busy?\n:::\n",
                "Why were harbours busy?\n:::\n\n:::{annotation} gloss\n"
                "A note with <img src=x onerror=alert(3)> markup.\n:::\n",
            )
        },
        [Expect("raw_html", "sources/doe2020.md", "A note with <img", "escape the `<`")],
    ),
    Mistake(
        "the bibliography downloads written as {raw} html",
        "markup",
        {
            "biblio.md": append(
                '\n```{raw} html\n<p>Download <a href="cite/references.bib">BibTeX</a></p>\n```\n'
            )
        },
        [Expect("raw_html", "biblio.md", "{raw} html", "{bibliography-downloads}")],
    ),
    Mistake(
        "an <iframe> between the paragraphs of a source",
        "markup",
        {"sources/roe2019.md": append('\n<iframe src="https://example.org"></iframe>\n')},
        [
            Expect("raw_html", "sources/roe2019.md", "<iframe", "escape the `<` (`\\<iframe>`)"),
            Expect(
                "raw_mismatch", "sources/roe2019.md", "<iframe", "¶ 2 is not in raw/roe2019.txt"
            ),
            Expect("paragraph_unlocked", "sources/roe2019.md", "<iframe", "¶ 2 is new"),
        ],
    ),
    # -- every block of a source body is the author's ---------------------------------
    *[
        Mistake(
            f"{what} added to a source body",
            "markup",
            {"sources/roe2019.md": append(f"\n{markdown}\n")},
            [Expect("raw_mismatch", "sources/roe2019.md", marker, f"{what} in the source text")],
        )
        for what, markdown, marker in (
            ("a bulleted list", "- an invented point", "- an invented point"),
            ("a block quote", "> an invented quotation", "> an invented quotation"),
            ("a table", "| a | b |\n|---|---|\n| 1 | 2 |", "| a | b |"),
            ("a code block", '```python\nprint("invented")\n```', "```python"),
            ("a note block", "```{note}\nAn invented note.\n```", "```{note}"),
        )
    ],
    # -- whole words -----------------------------------------------------------------
    Mistake(
        "a quotation that starts and ends inside words",
        "markup",
        {"themes/ports.md": append("\nQuoted {quote}`doe2020:3|ome ports fail` in words.\n")},
        [Expect("quote_not_found", "themes/ports.md", "Quoted {quote}", "`~` before the words")],
    ),
    Mistake(
        "an anchor that starts and ends inside words",
        "markup",
        {
            "sources/doe2020.md": replace(
                ":::{annotation} question\n",
                ":::{annotation} context\n:anchor: arbour at Portsmout\nPartial.\n:::\n\n"
                ":::{annotation} question\n",
            )
        },
        [Expect("anchor_missing", "sources/doe2020.md", "{annotation} context", "inside a word")],
    ),
    # -- the timeline's dates are real dates -------------------------------------------
    *[
        Mistake(
            f"a timeline date {date}",
            "markup",
            {"timeline.toml": append(event(date, f"EVENT-{date}"))},
            [Expect("bad_timeline", "timeline.toml", f"EVENT-{date}", words)],
        )
        for date, words in (
            ("1946-00-03", "months run from 01 to 12"),
            ("1946-02-30", "February has no day 30"),
            ("1946-13-03", "has month 13"),
            ("1946-04-31", "April has no day 31"),
        )
    ],
    Mistake(
        "a timeline title that is not text",
        "markup",
        {"timeline.toml": append(event("1947", "EVENT-title", "").replace('"An event"', "5"))},
        [Expect("bad_timeline", "timeline.toml", "EVENT-title", "title must be text in quotes")],
    ),
    Mistake(
        "timeline passages written as one string",
        "markup",
        {"timeline.toml": append(event("1947", "EVENT-passages", 'passages = "doe2020:1"\n'))},
        [Expect("bad_timeline", "timeline.toml", "EVENT-passages", "passages must be a list")],
    ),
    Mistake(
        "a timeline passage out of range",
        "markup",
        {"timeline.toml": append(event("1948", "EVENT-range", 'passages = ["doe2020:9"]\n'))},
        [Expect("bad_passage", "timeline.toml", "EVENT-range", "doe2020 has paragraphs 1-3")],
    ),
    Mistake(
        "two chapters that declare one theme",
        "markup",
        {
            "themes/ports2.md": write("---\ntheme: ports\n---\n\n# Ports again\n\nText.\n"),
            "index.md": replace("themes/ports\n", "themes/ports\nthemes/ports2\n"),
        },
        [Expect("duplicate_key", "themes/ports2.md", "# Ports again", "needs its own key")],
    ),
    # -- the bibliography --------------------------------------------------------------
    Mistake(
        "a bibliography entry without a year",
        "markup",
        {"refs.bib": append("\n@misc{noyear2001,\n  author = {Nobody, Ann},\n  title = {T},\n}\n")},
        [Expect("bad_bibliography", "refs.bib", "noyear2001", "'noyear2001' has no year")],
    ),
    Mistake(
        "a bibliography entry without a title",
        "markup",
        {
            "refs.bib": append(
                "\n@misc{notitle2002,\n  author = {Nobody, Ann},\n  year = {2002},\n}\n"
            )
        },
        [Expect("bad_bibliography", "refs.bib", "notitle2002", "has no title: add title =")],
    ),
    Mistake(
        "an article without its journal",
        "markup",
        {
            "refs.bib": append(
                "\n@article{nojournal2003,\n  author = {N, A},\n  title = {T},\n  year = {2003},\n}\n"
            )
        },
        [Expect("bad_bibliography", "refs.bib", "nojournal2003", "has no journal or container")],
    ),
    Mistake(
        "a month that is not a month",
        "markup",
        {
            "refs.bib": append(
                "\n@misc{month2004,\n  author = {N, A},\n  title = {T},\n  year = {2004},\n  month = {foo},\n}\n"
            )
        },
        [Expect("bad_bibliography", "refs.bib", "month2004", "write jan, feb, ... dec")],
    ),
    Mistake(
        "two entries with one key",
        "markup",
        {
            "refs.bib": append(
                "\n@misc{ other2018,\n  author = {Dup, Licate},\n  title = {Duplicate},\n  year = {2018},\n}\n"
            )
        },
        [Expect("bad_bibliography", "refs.bib", "{ other2018", "duplicate key 'other2018'")],
    ),
    Mistake(
        "a javascript: address as a source's url",
        "markup",
        {
            "refs.bib": replace(
                "title = {Ships and Ports},",
                "title = {Ships and Ports},\n  url = {javascript:alert(1)},",
            ),
            "sources/roe2019.md": replace(
                "# Ships and Ports\n", "# Ships and Ports\n\n```{source-info}\n```\n"
            ),
        },
        [Expect("bad_bibliography", "refs.bib", "@misc{roe2019", "use an http(s) address")],
    ),
    # -- packs -------------------------------------------------------------------------
    Mistake(
        "a pack name that is a path",
        "markup",
        {
            "packs.toml": append(
                '\n[packs."../evil"]\ntitle = "Evil"\ncontents = ["themes/ports"]\n'
            )
        },
        [Expect("bad_pack", "packs.toml", "../evil", "use lower-case letters, digits")],
    ),
    Mistake(
        "pack contents written as one string",
        "markup",
        {
            "packs.toml": append(
                '\n[packs.notalist]\ntitle = "Not a list"\ncontents = "themes/ports"\n'
            )
        },
        [Expect("bad_pack", "packs.toml", "notalist", 'needs contents = ["themes/')],
    ),
    # -- pinned paragraphs -------------------------------------------------------------
    Mistake(
        "a published paragraph changed (page and raw text alike)",
        "lock",
        {
            "sources/doe2020.md": replace(
                "Trade grew after the war.", "Trade grew after the first war."
            ),
            "sources/raw/doe2020.txt": replace(
                "Trade grew after the war.", "Trade grew after the first war."
            ),
        },
        [
            Expect(
                "paragraph_changed",
                "sources/doe2020.md",
                "Trade grew",
                "¶ 2 is not the published ¶ 2",
            ),
            # A role's line is its paragraph's first line (MyST).
            Expect(
                "paragraph_changed",
                "themes/ports.md",
                "doe2020:3|",
                "doe2020:2-3 points at a paragraph whose text is not the published one",
            ),
        ],
    ),
    Mistake(
        "a paragraph appended to a published source",
        "lock",
        {
            "sources/roe2019.md": append("\nPorts need ships.\n"),
            "sources/raw/roe2019.txt": append("\nPorts need ships.\n"),
        },
        [
            Expect(
                "paragraph_unlocked",
                "sources/roe2019.md",
                "Ports need ships",
                "¶ 2 is new and not pinned yet. Run `annotated-reader lock`",
            )
        ],
    ),
    Mistake(
        "a new source page without raw: that is not pinned",
        "lock",
        {
            "sources/zed2021.md": write("---\nsource: zed2021\n---\n\n# Zed\n\nZed text.\n"),
            "refs.bib": append(
                "\n@misc{zed2021,\n  author = {Zed, Z},\n  title = {Zed},\n  year = {2021},\n"
                "  keywords = {source},\n}\n"
            ),
            "index.md": replace("biblio\n", "biblio\nsources/zed2021\n"),
        },
        [
            Expect("raw_missing", "sources/zed2021.md", 1, "add `raw: raw/zed2021.txt`"),
            Expect(
                "paragraph_unlocked",
                "sources/zed2021.md",
                "# Zed",
                "'zed2021' is not in sources/paragraphs.lock",
            ),
        ],
    ),
    Mistake(
        "a source page whose raw file does not exist",
        "lock",
        {
            "sources/kay2022.md": write(
                "---\nsource: kay2022\nraw: raw/kay.txt\n---\n\n# Kay\n\nKay text.\n"
            ),
            "refs.bib": append(
                "\n@misc{kay2022,\n  author = {Kay, K},\n  title = {Kay},\n  year = {2022},\n"
                "  keywords = {source},\n}\n"
            ),
            "index.md": replace("biblio\n", "biblio\nsources/kay2022\n"),
        },
        [
            Expect("raw_missing", "sources/kay2022.md", 1, "raw text 'raw/kay.txt' not found"),
            Expect("paragraph_unlocked", "sources/kay2022.md", "# Kay", "'kay2022' is not in"),
        ],
    ),
    Mistake(
        "a pinned source whose page was removed",
        "lock",
        {"sources/paragraphs.lock": append('\n[gone1999]\n1 = "0123456789abcdef Gone."\n')},
        [
            Expect(
                "paragraph_changed", "sources/paragraphs.lock", "[gone1999]", "no page declares it"
            )
        ],
    ),
    Mistake(
        "a published paragraph removed, renumbering the rest",
        "renumbered",
        {
            "sources/doe2020.md": lambda old: re.sub(
                rb"Harbours are old\..*?(?=## Trade)", b"", old or b"", flags=re.S
            ),
            "sources/raw/doe2020.txt": lambda old: (old or b"").split(b"\n\n", 1)[1],
        },
        [
            Expect(
                "paragraph_changed",
                "sources/doe2020.md",
                "Trade grew",
                "published ¶ 1 (which began 'Harbours are old.",
            ),
            Expect(
                "paragraph_changed",
                "sources/doe2020.md",
                "Trade grew",
                "¶¶ 1–2 were ¶¶ 2–3 of the published edition",
            ),
            Expect(
                "paragraph_changed",
                "themes/ports.md",
                "doe2020:1",
                "doe2020:1 points at a paragraph",
            ),
            Expect(
                "paragraph_changed",
                "themes/ports.md",
                "doe2020:3|",
                "doe2020:3 points at a paragraph",
            ),
            Expect("paragraph_changed", "themes/ports.md", "doe2020:3|", "doe2020:2-3 points at"),
            Expect("bad_passage", "themes/ports.md", "doe2020:3|", "3 is out of range"),
            Expect("bad_passage", "themes/ports.md", "doe2020:3|", "2-3 is out of range"),
            # A note on another page cites the same paragraphs.
            Expect("bad_passage", "sources/roe2019.md", "doe2020:3", "3 is out of range"),
            Expect("paragraph_changed", "sources/roe2019.md", "doe2020:3", "doe2020:3 points at"),
            Expect("paragraph_changed", "sources/roe2019.md", "doe2020:3", "doe2020:1 points at"),
        ],
    ),
    # -- files that cannot be read -----------------------------------------------------
    Mistake(
        "an unbalanced brace in references.bib",
        "braces",
        {"refs.bib": replace("title = {Annual Report},", "title = {Annual {Report},")},
        [
            Expect(
                "bad_bibliography",
                "refs.bib",
                "Annual {Report",
                "'other2018' has unbalanced braces",
            )
        ],
    ),
    Mistake(
        "references.bib saved as Latin-1",
        "encodings",
        {"refs.bib": latin1("Roe, Richard", "Roé, Richard")},
        [
            Expect(
                "not_utf8",
                "refs.bib",
                "Ro",
                "refs.bib is not UTF-8 (byte 0xe9 at line 16): save it as UTF-8",
            )
        ],
    ),
    Mistake(
        "a raw text saved as Latin-1",
        "encodings",
        {"sources/raw/doe2020.txt": latin1("Some ports failed.", "Some ports failéd.")},
        [
            Expect("not_utf8", "sources/raw/doe2020.txt", "Some ports", "doe2020.txt is not UTF-8"),
            Expect(
                "raw_mismatch",
                "sources/doe2020.md",
                "Some ports failed.",
                "¶ 3 differs from raw/doe2020.txt",
            ),
        ],
    ),
    Mistake(
        "a page saved as Latin-1",
        "encodings",
        {"biblio.md": latin1("# Bibliography", "# Bibliographié")},
        [Expect("not_utf8", "biblio.md", 1, "biblio.md is not UTF-8 (byte 0xe9 at line 1")],
    ),
    Mistake(
        "packs.toml that is not TOML",
        "toml",
        {"packs.toml": append("\n[packs.broken\n")},
        [
            Expect("bad_pack", "packs.toml", "[packs.broken", "packs.toml is not valid TOML"),
            Expect("bad_pack", "packs/harbours.md", 3, "no pack 'harbours' in packs.toml"),
        ],
    ),
    Mistake(
        "a timeline file that is not TOML",
        "toml",
        {
            "timeline.toml": write('[[event]]\ndate = "1946"\ntitle = \n'),
            "timeline.md": write(TIMELINE_PAGE),
            "index.md": IN_TOC,
        },
        [Expect("bad_timeline", "timeline.toml", "title =", "timeline.toml is not valid TOML")],
    ),
    # -- a page that needs the Node packages, where `npm ci` has not run -----------------
    Mistake(
        "a pack builder page in a project without node_modules",
        "npm",
        {
            "make-a-pack.md": write("# Make a pack\n\n```{pack-builder}\n```\n"),
            "index.md": replace("biblio\n", "biblio\nmake-a-pack\n"),
        },
        [Expect("paged_js_missing", "make-a-pack.md", 3, "run `npm ci` (or `make`)")],
    ),
    # -- an allow-list of harmless tags still refuses the rest ---------------------------
    Mistake(
        "an allowed tag with an event handler",
        "allowed",
        {"themes/ports.md": append('\nA <b onclick="alert(5)">click</b> here.\n')},
        [Expect("raw_html", "themes/ports.md", "A <b onclick", "the attribute 'onclick' of <b>")],
    ),
    Mistake(
        "a <script> that no allow-list allows",
        "allowed",
        {"themes/ports.md": append('\n<script src="https://example.org/x.js"></script>\n')},
        [Expect("raw_html", "themes/ports.md", "<script src", "raw HTML (<script>")],
    ),
]

# Correct writing that must give no warning, shown with the mistakes so that a
# rule never grows to refuse it.
ACCEPTED: dict[str, dict[str, Edit]] = {
    "markup": {
        "timeline.md": write(TIMELINE_PAGE),
        "index.md": IN_TOC,
        "timeline.toml": write(
            '[[event]]\ndate = "1946"\ntitle = "A year"\nstatus = "cited"\ncite = ["other2018"]\n'
            '\n[[event]]\ndate = 1946-02-03\ntitle = "A TOML date"\nstatus = "cited"\n'
            'cite = ["other2018"]\n'
        ),
        "themes/ports.md": append(
            "\nA partial quotation on purpose {quote}`doe2020:3|~ome ports fail`.\n"
            "\nA role as code: ``{passage}`doe2020:9` `` and\n"
            "\n```text\n{passage}`doe2020:9` and <script>alert(6)</script>\n```\n"
            "\nAn escaped \\<script>alert(7)\\</script> shows as text, as does `<b>`.\n"
            "\n<!-- an HTML comment is dropped -->\n"
        ),
        "refs.bib": replace(
            "title = {A short essay on harbours},",
            "title = {A short essay on harbours: 50\\% of {\\'e}t\\'e and file\\_name \\& more},",
        ),
    },
    "allowed": {"themes/ports.md": append("\nSome <b>bold</b> and x<sup>2</sup>.\n")},
}


# -- building the groups ----------------------------------------------------------------


@dataclass
class Built:
    src: Path
    out: Path
    warnings: list[str]  # "file:line: WARNING: ... [type.subtype]", paths relative to src

    def line_of(self, expect: Expect) -> int:
        if isinstance(expect.line, int):
            return expect.line
        text = (self.src / expect.file).read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if expect.line in line:
                return number
        raise AssertionError(f"{expect.line!r} is not in {expect.file}")


_BUILDS: dict[str, Built] = {}


def build(name: str, rootdir: Path, tmp_root: Path) -> Built:
    if name in _BUILDS:
        return _BUILDS[name]
    group = GROUPS[name]
    src = tmp_root / name
    shutil.copytree(rootdir / group.root, src)
    edits = [ACCEPTED.get(name, {})] + [m.edits for m in CATALOGUE if m.group == name]
    for changes in edits:
        for path, edit in changes.items():
            target = src / path
            target.write_bytes(edit(target.read_bytes() if target.exists() else None))
    app = SphinxTestApp(
        group.builder,
        srcdir=src,
        builddir=tmp_root / f"{name}-out",
        freshenv=True,
        warning=StringIO(),
        confoverrides=dict(group.overrides),
    )
    try:
        app.build()
    finally:
        app.cleanup()
    text = strip_escape_sequences(app.warning.getvalue())
    lines = [line.replace(f"{src}/", "") for line in text.splitlines() if "WARNING" in line]
    _BUILDS[name] = Built(src, Path(app.outdir), lines)
    return _BUILDS[name]


@pytest.fixture(scope="session")
def built(rootdir, tmp_path_factory):
    tmp_root = tmp_path_factory.mktemp("catalogue")
    return lambda name: build(name, rootdir, tmp_root)


def matching(built: Built, expect: Expect) -> list[str]:
    where = f"{expect.file}:{built.line_of(expect)}: "
    tag = f"[annotated_reader.{expect.subtype}]"
    return [w for w in built.warnings if w.startswith(where) and tag in w and expect.words in w]


CASES = [(m, e) for m in CATALOGUE for e in m.warnings]


@pytest.mark.parametrize(
    ("mistake", "expect"),
    CASES,
    ids=[f"{e.subtype}: {m.name}" for m, e in CASES],
)
def test_each_mistake_is_reported_where_it_is_with_the_fix(built, mistake, expect):
    result = built(mistake.group)
    assert matching(result, expect), (
        f"no {expect.subtype} warning at {expect.file}:{result.line_of(expect)} saying "
        f"{expect.words!r}:\n" + "\n".join(result.warnings)
    )


@pytest.mark.parametrize("name", GROUPS)
def test_no_warning_is_unexplained(built, name):
    """Every warning of the extension is one the catalogue lists: no cascade,
    no duplicate, nothing about correct writing (``ACCEPTED``)."""
    result = built(name)
    expected = [e for m in CATALOGUE if m.group == name for e in m.warnings]
    ours = [w for w in result.warnings if "[annotated_reader." in w]
    explained = {w for e in expected for w in matching(result, e)}
    assert [w for w in ours if w not in explained] == []
    for warning in ours:
        assert re.match(r"^[\w/.-]+:\d+: WARNING: ", warning), warning


def dangers(html: str) -> list[str]:
    """What in a page's content could run code: scripts, event handlers,
    frames, embedded objects, unsafe addresses. (The theme's own head and
    search box are not data; the book's theme is checked in the browser.)"""
    page = BeautifulSoup(html, "html.parser")
    content = page.select_one('[role="main"]') or page.select_one("article") or page
    found = []
    for tag in content.find_all(True):
        if tag.name in ("script", "style", "iframe", "frame", "object", "embed", "svg", "base"):
            found.append(str(tag)[:80])
        for name, value in tag.attrs.items():
            if name.startswith("on"):
                found.append(f"{name} on <{tag.name}>")
            if name in ("href", "src", "action", "formaction") and not safe_url(str(value)):
                found.append(f"{name}={value!r}")
    return found


@pytest.mark.parametrize("name", [n for n, g in GROUPS.items() if g.builder == "html"])
def test_nothing_dangerous_is_written(built, name):
    result = built(name)
    for page in result.out.rglob("*.html"):
        if page.parent.name == "_static":
            continue  # the extension's own files (the pack's print view), not made from data
        assert dangers(page.read_text(encoding="utf-8")) == [], page.name


def test_refused_markup_is_shown_as_text(built):
    result = built("markup")
    chapter = soup(result.out / "themes/ports.html").select_one('[role="main"]').get_text()
    assert '<script>alert("block")</script>' in chapter
    assert "Inline <img src=x onerror=alert(2)> markup." in chapter
    assert "\\input{/etc/passwd}" not in chapter  # a {raw} directive shows nothing
    assert "bad link here" in " ".join(chapter.split())
    assert "an HTML comment" not in (result.out / "themes/ports.html").read_text()
    assert "<script>alert(7)</script>" in chapter


def test_no_invalid_date_reaches_the_timeline(built):
    rows = soup(built("markup").out / "timeline.html").select("table.ar-timeline tbody tr")
    dates = [row.select_one("td strong").get_text() for row in rows]
    assert dates == ["1946", "3 February 1946", "1948"]  # 1948: its passage is reported


def test_bibtex_escapes_are_decoded_once(built):
    page = soup(built("markup").out / "sources/doe2020.html")
    reference = page.select_one("#cite-apa").get_text()
    assert "50% of été and file_name & more" in reference
    assert "\\" not in reference


def test_an_unsafe_url_is_not_a_link(built):
    card = soup(built("markup").out / "sources/roe2019.html").select_one(".ar-source-info")
    assert "javascript:alert(1)" in card.get_text()
    assert not card.select('a[href^="javascript"]')


def test_allowed_tags_are_written_rebuilt(built):
    html = (built("allowed").out / "themes/ports.html").read_text(encoding="utf-8")
    assert "Some <b>bold</b> and x<sup>2</sup>." in html
    page = soup(built("allowed").out / "themes/ports.html")
    assert not page.select("[onclick]")
    assert 'A <b onclick="alert(5)">click</b> here.' in page.get_text()


def test_tags_that_run_code_can_never_be_allowed(rootdir, tmp_path):
    shutil.copytree(rootdir / "test-basic", tmp_path / "src")
    with pytest.raises(ConfigError, match="<script>, which can run code"):
        SphinxTestApp(
            "html",
            srcdir=tmp_path / "src",
            confoverrides={"reader_allowed_html": ["script"]},
            warning=StringIO(),
        )


def test_latex_escapes_data_exactly_once(rootdir, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    bib = src / "refs.bib"
    bib.write_text(
        bib.read_text().replace("{Annual Report}", "{Annual Report: 50\\% and file\\_name}")
    )
    packs = src / "packs.toml"
    packs.write_text(packs.read_text().replace('"Harbours"', '"Harbours & 50% of {ports}"'))
    app = SphinxTestApp("latex", srcdir=src, freshenv=True, warning=StringIO())
    try:
        app.build()
    finally:
        app.cleanup()
    assert app.warning.getvalue() == ""
    tex = (Path(app.outdir) / "harbours.tex").read_text(encoding="utf-8")
    assert "50\\% and file\\_name" in tex
    assert "\\textbackslash{}" not in tex
    assert "\\title{Harbours \\& 50\\% of \\{ports\\}}" in tex


def test_raw_mismatch_shows_both_texts(built):
    mismatch = next(w for w in built("errors").warnings if "raw_mismatch" in w)
    assert "'…The second paragraph was changed.…'" in mismatch
    assert "'…The second paragraph is here.…'" in mismatch


def test_the_catalogue_is_large_enough():
    assert len(CATALOGUE) >= 40


def test_the_build_never_writes_into_the_sources(rootdir, make_app, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    before = {p: p.read_bytes() for p in src.rglob("*") if p.is_file()}
    app = make_app("html", srcdir=src, builddir=tmp_path / "out", freshenv=True)
    app.build()
    after = {p: p.read_bytes() for p in src.rglob("*") if p.is_file() and "out" not in p.parts}
    assert after == before
