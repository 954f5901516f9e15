"""The bibliography as the reader sees it: entries of ``references.bib`` read
with pybtex (the parser sphinxcontrib-bibtex uses), with their dates (printed
or inferred) and the metadata of the source cards.

A date the original prints is ``year`` (with ``month`` and ``day``); a date
the edition infers is biblatex's approximate date, ``date = {2025~}`` (the
EDTF form biber reads as "circa"), with no ``year``, and ``datenote`` says
how it was inferred."""

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
