"""The bibliography as the reader sees it: entries of ``references.bib`` read
with pybtex (the parser sphinxcontrib-bibtex uses), with the labels the
reader prints ("Lee (2017)") and the metadata of the source cards."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pybtex.database import Entry, Person, parse_file
from sphinx.environment import BuildEnvironment

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


def plain(text: str) -> str:
    """BibTeX field text without the braces that protect capitals."""
    return text.replace("{", "").replace("}", "").replace("\\&", "&")


@dataclass(frozen=True)
class Work:
    key: str
    entry_type: str
    authors: tuple[tuple[str, str], ...]  # (given, family); corporate authors have no given
    fields: dict[str, str] = field(hash=False)

    def get(self, name: str, default: str = "") -> str:
        return plain(self.fields.get(name, default))

    @property
    def is_source(self) -> bool:
        """Marked ``keywords = {source}``: one of the edition's texts."""
        return "source" in [k.strip().lower() for k in self.get("keywords").split(",")]

    @property
    def title(self) -> str:
        return self.get("title")

    @property
    def year(self) -> str:
        return self.get("year")

    @property
    def month(self) -> int | None:
        return MONTHS.get(self.get("month").lower()[:3])

    @property
    def day(self) -> int | None:
        day = self.get("day")
        return int(day) if day.isdigit() else None

    @property
    def authors_short(self) -> str:
        """Family names as an author-year label prints them."""
        names = [family for _given, family in self.authors]
        if len(names) > 2:
            return f"{names[0]} et al."
        return " and ".join(names)

    @property
    def label(self) -> str:
        """Narrative form: "Lee (2017)"."""
        return f"{self.authors_short} ({self.year})"

    @property
    def parenthetical(self) -> str:
        """Parenthetical form without brackets: "Lee 2017"."""
        return f"{self.authors_short} {self.year}"

    @property
    def publisher(self) -> str:
        return self.get("organization") or self.get("institution") or self.get("publisher")

    @property
    def date_text(self) -> str:
        """The date as the page shows it: "15 February 2017", "March 2025", "2019"."""
        parts = [self.year]
        if self.month:
            parts.insert(0, MONTH_NAMES[self.month - 1])
            if self.day:
                parts.insert(0, str(self.day))
        return " ".join(parts)


def _person(person: Person) -> tuple[str, str]:
    given = " ".join(person.first_names + person.middle_names)
    family = " ".join(person.prelast_names + person.last_names)
    return plain(given), plain(family)


def work_from_entry(key: str, entry: Entry) -> Work:
    return Work(
        key=key,
        entry_type=entry.type,
        authors=tuple(_person(p) for p in entry.persons.get("author", [])),
        fields={name: str(value) for name, value in entry.fields.items()},
    )


@lru_cache(maxsize=8)
def _load(path: str, mtime: float) -> dict[str, Work]:
    data = parse_file(path, bib_format="bibtex")
    return {key: work_from_entry(key, entry) for key, entry in data.entries.items()}


def bib_paths(env: BuildEnvironment) -> list[Path]:
    """The .bib files sphinxcontrib-bibtex reads (``bibtex_bibfiles``)."""
    return [Path(env.srcdir, name) for name in env.config.bibtex_bibfiles]


def load_works(paths: list[Path]) -> dict[str, Work]:
    """Every entry of the given .bib files by key (cached until a file changes)."""
    works: dict[str, Work] = {}
    for path in paths:
        works.update(_load(str(path), path.stat().st_mtime))
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
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            entry = _ENTRY.match(line)
            if entry:
                key = entry.group(2)
                entries.setdefault(key, BibLine(path, key, number))
                continue
            todo = _TODO.match(line)
            if todo and key:
                todos.append(BibLine(path, key, number, todo.group(1).lower()))
    return entries, todos
