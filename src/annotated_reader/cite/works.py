"""The bibliography as the reader sees it: entries of ``references.bib`` read
with pybtex (the parser sphinxcontrib-bibtex uses), with their dates (printed
or inferred) and the metadata of the source cards.

A date the original prints is ``year`` (with ``month`` and ``day``); a date
the edition infers is biblatex's approximate date, ``date = {2025~}`` (the
EDTF form biber reads as "circa"), with no ``year``, and ``datenote`` says
how it was inferred."""

from __future__ import annotations

import re
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pybtex.errors
from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.input.bibtex import Parser
from pybtex.exceptions import PybtexError
from pybtex.richtext import Text
from pybtex.scanner import PybtexSyntaxError
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..diagnostics import Warn, warn

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}


# Fields that BibTeX keeps verbatim (addresses): never decoded as LaTeX, where
# "%" would start a comment.
VERBATIM_FIELDS = frozenset({"url", "doi", "eprint", "file", "date", "urldate"})
_COMMAND = re.compile(r"\\[A-Za-z]+\s*")


# Cached: pybtex looks its LaTeX decoder up among the installed packages' entry
# points on every call, which took most of a book build (14,000 calls).
@cache
def decode_latex(value: str) -> str:
    """BibTeX field text as it reads, decoded exactly once: ``50\\%`` -> "50%",
    ``{\\'e}`` -> "é", ``--`` -> "–", braces that protect capitals removed.
    A command latexcodec does not know (``\\textit{x}``) keeps its argument."""
    protected = re.sub(r"(?<!\\)%", r"\\%", value)  # a bare % is text, not a comment
    try:
        text = Text.from_latex(protected).render_as("text")
    except (PybtexError, ValueError):  # unbalanced braces (reported elsewhere), a lone \\
        text = value.replace("{", "").replace("}", "")
    return _COMMAND.sub("", text)


# The reader's own fields, beyond biblatex's data model (declared for biber by
# the tests, documented in AUTHORING.md).
EDITION_FIELDS = {
    "csltype": "the CSL item type when the entry type does not say it (webpage, report ...)",
    "container": "the website or series the work appeared in, as citations name it",
    "genre": "what kind of text it is (commentary, interview ...), for the source card",
    "affiliation": "the author's affiliation as the original prints it",
    "country": "where the author and publisher are",
    "origvenue": "where the text first appeared, if elsewhere",
    "titlenote": "how the title was established, if it was inferred",
    "datenote": "how the date was established: printed, or inferred and why",
    "license": "the licence the original states",
}

# EDTF dates as biblatex writes them: YYYY, YYYY-MM or YYYY-MM-DD, and "~"
# (approximate) or "?" (uncertain) after an inferred one.
EDTF_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?([~?%]?)$")


@dataclass(frozen=True)
class Work:
    key: str
    entry_type: str
    authors: tuple[tuple[str, str], ...]  # (given, family); corporate authors have no given
    fields: dict[str, str] = field(hash=False)
    # The title as written in the .bib file: its braces mark the words that
    # keep their capitals when a style changes the case (csl.rich_title).
    raw_title: str = field(default="", hash=False)

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)

    @property
    def is_source(self) -> bool:
        """Marked ``keywords = {source}``: one of the edition's texts."""
        return "source" in [k.strip().lower() for k in self.get("keywords").split(",")]

    @property
    def title(self) -> str:
        return self.get("title")

    @property
    def _edtf(self) -> re.Match[str] | None:
        return EDTF_DATE.match(self.get("date").strip())

    @property
    def year(self) -> str:
        edtf = self._edtf
        return edtf.group(1) if edtf else self.get("year")

    @property
    def month(self) -> int | None:
        edtf = self._edtf
        if edtf:
            return int(edtf.group(2)) if edtf.group(2) else None
        month = self.get("month").strip().lower()
        return int(month) if month.isdigit() and 1 <= int(month) <= 12 else MONTHS.get(month[:3])

    @property
    def day(self) -> int | None:
        edtf = self._edtf
        day = (edtf.group(3) or "") if edtf else self.get("day")
        return int(day) if day.isdigit() else None

    @property
    def date_inferred(self) -> bool:
        """The original prints no date: the edition's date is approximate."""
        edtf = self._edtf
        return bool(edtf and edtf.group(4))

    @property
    def publisher(self) -> str:
        return self.get("organization") or self.get("institution") or self.get("publisher")

    @property
    def date_text(self) -> str:
        """The date as the page shows it: "15 February 2017", "March 2025", "2019"."""
        parts = [self.year] if self.year else []
        if self.month:
            parts.insert(0, MONTH_NAMES[self.month - 1])
            if self.day:
                parts.insert(0, str(self.day))
        return " ".join(parts)

    @property
    def sort_key(self) -> tuple[str, str]:
        return (self.year or "9999", self.key)


def _person(person: Person) -> tuple[str, str]:
    given = " ".join(person.first_names + person.middle_names)
    family = " ".join(person.prelast_names + person.last_names)
    return decode_latex(given), decode_latex(family)


def work_from_entry(key: str, entry: Entry) -> Work:
    return Work(
        key=key,
        entry_type=entry.type,
        authors=tuple(_person(p) for p in entry.persons.get("author", [])),
        fields={
            name.lower(): str(value) if name.lower() in VERBATIM_FIELDS else decode_latex(value)
            for name, value in entry.fields.items()
        },
        raw_title=str(entry.fields.get("title", "")),
    )


@dataclass(frozen=True)
class Problem:
    """Something wrong in a .bib file, at a line."""

    line: int
    message: str
    subtype: Warn = Warn.BAD_BIBLIOGRAPHY
    key: str = ""


@dataclass(frozen=True)
class Bibliography:
    data: BibliographyData
    works: dict[str, Work]
    problems: tuple[Problem, ...]


_ENTRY_START = re.compile(r"^[ \t]*@([A-Za-z]+)[ \t]*[{(][ \t]*([^,\s]*)", re.MULTILINE)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _brace_problems(text: str) -> list[Problem]:
    """Entries whose braces do not balance, at the line that unbalances them
    (pybtex notices only where the entry ends, often many lines later)."""
    problems = []
    starts = list(_ENTRY_START.finditer(text))
    for index, start in enumerate(starts):
        if start.group(1).lower() in ("comment", "preamble", "string"):
            continue
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        body = text[start.start() : end]
        depth = 0
        for offset, char in enumerate(body):
            if char in "{}" and (offset == 0 or body[offset - 1] != "\\"):
                depth += 1 if char == "{" else -1
            if depth == 0 and char in "})":
                closed_at = offset
                break
        else:
            closed_at = None
        rest = body[closed_at + 1 :] if closed_at is not None else ""
        if closed_at is not None and not re.search(r"^[ \t]*[A-Za-z]+[ \t]*=", rest, re.M):
            continue  # balanced: only comments or blank lines follow
        lines = body.splitlines()
        bad = next(
            (
                i
                for i, line in enumerate(lines[1:-1], start=1)
                if line.count("{") - line.count("\\{") != line.count("}") - line.count("\\}")
            ),
            0,
        )
        problems.append(
            Problem(
                _line_of(text, start.start()) + bad,
                f"entry {start.group(2)!r} has unbalanced braces here: every {{ needs its }} "
                "(write a literal brace as \\{ or \\})",
                key=start.group(2),
            )
        )
    return problems


# Fields each entry needs, by type: every entry a title and a year, and an
# author (or editor, or the organisation that issued it); some types more.
# Each inner tuple lists alternatives.
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "article": (("journal", "container"),),
    "book": (("publisher",),),
    "inbook": (("publisher",),),
    "incollection": (("booktitle",), ("publisher",)),
    "inproceedings": (("booktitle",),),
    "techreport": (("institution",),),
    "phdthesis": (("school",),),
    "mastersthesis": (("school",),),
    "online": (("url",),),
}
_AUTHOR_FIELDS = ("author", "editor", "organization", "institution")


def entry_problems(work: Work, entry: Entry) -> list[str]:
    """What an entry lacks or gets wrong, in words an author can act on."""
    kind = f"@{work.entry_type}"
    problems: list[str] = []
    # A field left `todo` by add-source is reported as such (bib_todo), once.
    todo = {name for name, value in work.fields.items() if value.strip().lower() == "todo"}
    if not work.title.strip():
        problems.append(f"{kind} entry {work.key!r} has no title: add title = {{...}}")
    # An inferred date is `date = {2025~}`: its year counts as the year.
    if "year" not in todo and not re.fullmatch(r"\d{4}", work.year.strip()):
        problems.append(
            f"{kind} entry {work.key!r} has no year (a four-digit year is needed for "
            "every citation): add year = {2025}"
            if not work.year.strip()
            else f"{kind} entry {work.key!r} has year {work.year!r}: write four digits, "
            "e.g. year = {2025}"
        )
    if not any(entry.persons.get(f) or work.get(f) for f in _AUTHOR_FIELDS):
        problems.append(
            f"{kind} entry {work.key!r} has no author: add author = {{Family, Given}}, "
            "or organization = {...} for a work issued by an institution"
        )
    for alternatives in REQUIRED.get(work.entry_type, ()):
        if not any(work.get(f).strip() for f in alternatives):
            problems.append(
                f"{kind} entry {work.key!r} has no {' or '.join(alternatives)}: "
                f"add {alternatives[0]} = {{...}}"
            )
    if work.get("month") and work.month is None and "month" not in todo:
        problems.append(
            f"entry {work.key!r} has month {work.get('month')!r}: write jan, feb, ... dec"
        )
    if (
        "day" not in todo
        and work.get("day")
        and (work.day is None or work.month is None or not _real_day(work))
    ):
        problems.append(
            f"entry {work.key!r} has day {work.get('day')!r}, which is not a day of "
            f"{work.get('month') or 'its month'} {work.year}"
        )
    if "url" not in todo and work.get("url") and not re.match(r"https?://", work.get("url")):
        problems.append(f"entry {work.key!r} has url {work.get('url')!r}: use an http(s) address")
    return problems


def _real_day(work: Work) -> bool:
    try:
        date(int(work.year), work.month or 0, work.day or 0)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=8)
def _read(path: str, mtime: float) -> Bibliography:
    raw = Path(path).read_bytes()
    problems: list[Problem] = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = _line_of(raw.decode("latin-1"), error.start)
        problems.append(
            Problem(
                line,
                f"{Path(path).name} is not UTF-8 (byte 0x{raw[error.start]:02x} at line {line}): "
                "save it as UTF-8 in your editor",
                Warn.NOT_UTF8,
            )
        )
        text = raw.decode("utf-8-sig", errors="replace")
    braces = _brace_problems(text)
    problems += braces
    with pybtex.errors.capture() as errors:
        data = Parser().parse_string(text)
    for reported in errors:
        if isinstance(reported, PybtexSyntaxError):
            if not braces:  # a brace error is reported where it is, above
                problems.append(Problem(reported.lineno, f"BibTeX syntax error: {reported}"))
        elif "repeated" in str(reported):
            key = str(reported).rpartition(": ")[2]
            found = [m for m in _ENTRY_START.finditer(text) if m.group(2) == key]
            line = _line_of(text, found[1].start()) if len(found) > 1 else 1
            problems.append(Problem(line, f"duplicate key {key!r}: each entry needs its own key"))
        else:  # a name pybtex cannot split, e.g. "Too many commas in 'a, b, c'"
            quoted = re.search(r"'(.+)'", str(reported))
            at = text.find(quoted.group(1)) if quoted else -1
            problems.append(Problem(_line_of(text, at) if at >= 0 else 1, str(reported)))
    works = {key: work_from_entry(key, entry) for key, entry in data.entries.items()}
    starts = {m.group(2): _line_of(text, m.start()) for m in _ENTRY_START.finditer(text)}
    broken = {p.key for p in braces}
    for key, work in works.items():
        if key in broken:
            continue  # its fields are not what the author wrote
        problems += [
            Problem(starts.get(key, 1), message)
            for message in entry_problems(work, data.entries[key])
        ]
    return Bibliography(data, works, tuple(problems))


def read_bibliography(path: Path) -> Bibliography:
    """A .bib file read without ever raising: its entries and what is wrong
    with it (cached until the file changes)."""
    return _read(str(path), path.stat().st_mtime if path.is_file() else 0.0)


def bib_paths(env: BuildEnvironment) -> list[Path]:
    """The .bib files sphinxcontrib-bibtex reads (``bibtex_bibfiles``)."""
    return [Path(env.srcdir, name) for name in env.config.bibtex_bibfiles]


def load_works(paths: list[Path]) -> dict[str, Work]:
    """Every entry of the given .bib files by key (cached until a file changes)."""
    works: dict[str, Work] = {}
    for path in paths:
        if path.is_file():
            works.update(read_bibliography(path).works)
    return works


_ENTRY = re.compile(r"^\s*@\s*(\w+)\s*[{(]\s*([^,\s]+)\s*,")
_TODO = re.compile(r"^\s*(\w+)\s*=\s*[{\"]\s*todo\b", re.IGNORECASE)


@dataclass(frozen=True)
class BibLine:
    path: Path
    key: str
    line: int
    field: str = ""  # empty: the entry's first line


def bib_lines(paths: list[Path]) -> tuple[dict[str, BibLine], list[BibLine]]:
    """Where each entry starts, and every field still marked ``todo`` (left
    by ``annotated-reader add-source`` where it found no value)."""
    entries: dict[str, BibLine] = {}
    todos: list[BibLine] = []
    for path in paths:
        key = ""
        for number, line in enumerate(
            path.read_bytes().decode("utf-8", errors="replace").splitlines(), start=1
        ):
            entry = _ENTRY.match(line)
            if entry:
                key = entry.group(2)
                entries.setdefault(key, BibLine(path, key, number))
                continue
            todo = _TODO.match(line)
            if todo and key:
                todos.append(BibLine(path, key, number, todo.group(1).lower()))
    return entries, todos


def check_bibliography(app: Sphinx, *args: Any) -> None:
    """Report every problem of the .bib files, once per build, before
    sphinxcontrib-bibtex reads them; a file it could not read would stop the
    build with a traceback, so it is then read leniently (the build still fails)."""
    for path in (Path(app.srcdir, name) for name in app.config.bibtex_bibfiles):
        if not path.is_file():
            continue
        problems = read_bibliography(path).problems
        for problem in problems:
            warn(problem.subtype, problem.message, f"{path}:{problem.line}")
        if any(p.subtype is Warn.NOT_UTF8 for p in problems):
            app.config.bibtex_encoding = "latin-1"  # decodes any bytes
        if problems:
            # Reported above: sphinxcontrib-bibtex then reads what it can
            # instead of stopping the build with pybtex's exception.
            _LENIENT.enter_context(pybtex.errors.capture())


# pybtex collects (instead of raising) its errors while sphinxcontrib-bibtex
# reads a .bib file that has problems; ``end_lenient`` restores its default.
_LENIENT = ExitStack()


def end_lenient(app: Sphinx, *args: Any) -> None:
    _LENIENT.close()
