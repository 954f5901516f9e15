"""Edition 1.1: every figure and every date the editors add is traced to a
source paragraph or to a work in the bibliography that they have read.

The rules are stated over whatever content exists: any chapter with a "Key
figures" section, any timeline event, any note, chapter or glossary entry.
AUTHORING.md ("Figures, dates and the evidence file") states the same rules.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import PROJECT

EVIDENCE = PROJECT / "research" / "evidence.md"
TIMELINE = PROJECT / "back" / "timeline.toml"
STATUSES = {"source", "cited", "inferred"}
# Phrases that mark a fact resting on nobody's text.
UNTRACED = ["general knowledge", "generally dated", "generally given", "generally described"]

ENTRY = re.compile(
    r'^- (?P<kind>figure|date|fact): (?P<value>.+?) \| where: (?P<where>.+?) \| says: "(?P<says>.+)"'
    r"(?: \((?P<comment>[^()]*)\))?$"
)
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def squash(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Work:
    key: str
    read: str = ""
    figures: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)  # what else a note or glossary entry takes


def parse_evidence(text: str) -> dict[str, Work]:
    """`## key`, then `read: ...`, then entries; anything else is an error."""
    works: dict[str, Work] = {}
    current: Work | None = None
    in_preamble = True
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("## "):
            in_preamble = False
            key = line[3:].strip()
            assert key not in works, f"evidence.md:{number}: {key} has two sections"
            current = works[key] = Work(key)
        elif in_preamble or not line.strip():
            continue
        elif line.startswith("read: "):
            assert current is not None and not current.read, f"evidence.md:{number}: stray read:"
            current.read = line[6:].strip()
        else:
            match = ENTRY.match(line)
            assert match and current is not None, f"evidence.md:{number}: not an entry: {line}"
            value = squash(match["value"])
            if match["kind"] == "figure":
                current.figures.append(value)
            elif match["kind"] == "fact":
                current.facts.append(value)
            else:
                assert DATE.match(value), f"evidence.md:{number}: {value!r} is not a date"
                current.dates.append(value)
    return works


def bib_keys() -> set[str]:
    text = (PROJECT / "references.bib").read_text(encoding="utf-8")
    return set(re.findall(r"^@\w+\{([^,\s]+),", text, flags=re.M))


@pytest.fixture(scope="module")
def evidence() -> dict[str, Work]:
    return parse_evidence(EVIDENCE.read_text(encoding="utf-8"))


def test_evidence_parses_and_names_only_works_of_the_bibliography(evidence):
    assert evidence, "research/evidence.md names no work"
    keys = bib_keys()
    for work in evidence.values():
        assert work.key in keys, f"{work.key} is not a key of references.bib"
        assert work.read, f"{work.key}: say where its text was read (read: ...)"


def test_research_is_not_part_of_the_build(book):
    assert not (book.html / "research").exists()


def key_figures_tables(book):
    for page_path in sorted((book.html / "themes").glob("*.html")):
        page = book.page(f"themes/{page_path.stem}")
        for heading in page.select("article h2"):
            if heading.get_text().rstrip("#").strip() == "Key figures":
                for table in heading.find_parent("section").select("table"):
                    yield page_path.stem, table


def test_every_key_figure_is_recorded_under_the_work_cited(book, evidence):
    tables = list(key_figures_tables(book))
    assert tables, "no chapter has a Key figures table"
    for slug, table in tables:
        header = [squash(th.get_text()) for th in table.select("thead th")]
        assert header == ["Figure", "Date", "Source"], (slug, header)
        rows = table.select("tbody tr")
        assert rows, f"{slug}: empty Key figures table"
        for row in rows:
            figure, date, source = (td for td in row.select("td"))
            text = squash(figure.get_text())
            assert squash(date.get_text()), f"{slug}: {text!r} has no date"
            keys = [
                m[1]
                for a in source.select("a[href]")
                if (m := re.search(r"#cite-\d+-(.+)$", a["href"]))
            ]
            assert keys, f"{slug}: {text!r} cites no work"
            missing = [k for k in keys if k not in evidence]
            assert not missing, f"{slug}: {missing} not in research/evidence.md"
            assert any(text in evidence[k].figures for k in keys), (
                f"{slug}: figure {text!r} is not recorded under {keys} in research/evidence.md"
            )


def timeline_events() -> list[dict]:
    return tomllib.loads(TIMELINE.read_text(encoding="utf-8"))["event"]


def test_every_timeline_event_says_where_its_date_comes_from(evidence):
    keys = bib_keys()
    for event in timeline_events():
        where = f"{event['date']} {event['title'][:50]!r}"
        passages, cites = event.get("passages", []), event.get("cite", [])
        assert passages or cites, f"{where}: needs passages or cite"
        assert event["status"] in STATUSES, f"{where}: status {event['status']!r}"
        assert all(k in keys for k in cites), f"{where}: cites a key not in references.bib"
        if event["status"] == "source":
            assert passages, f"{where}: a date printed in a source needs passages"
        if event["status"] == "cited":
            assert cites, f"{where}: a cited date needs cite"
            assert any(event["date"] in evidence.get(k, Work(k)).dates for k in cites), (
                f"{where}: no work in cite has this date recorded in research/evidence.md"
            )
        if event["status"] == "inferred":
            assert str(event.get("note", "")).strip(), f"{where}: say how it was inferred"


def edition_files() -> list[Path]:
    return [
        *sorted((PROJECT / "sources").glob("*.md")),
        *sorted((PROJECT / "themes").glob("*.md")),
        *sorted((PROJECT / "back").glob("*.md")),
        TIMELINE,
    ]


@pytest.mark.parametrize("path", edition_files(), ids=lambda p: p.name)
def test_no_fact_rests_on_general_knowledge(path):
    text = path.read_text(encoding="utf-8").lower()
    found = [phrase for phrase in UNTRACED if phrase in text]
    assert not found, f"{path.relative_to(PROJECT)}: {found}"
