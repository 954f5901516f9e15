"""``{timeline}``: dated events kept as data (TOML), each tied to the
paragraphs that mention it or to a work in the bibliography, rendered as a
table in HTML and PDF."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from ..cite.csl import narrative
from ..cite.works import MONTH_NAMES, bib_paths, load_works
from ..diagnostics import Warn, read_utf8, warn
from ..nodes import make_table
from ..text import parse_target
from .roles import passage_xref

DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# Where each date comes from: printed in a source (needs `passages`), stated by
# a work in the bibliography (needs `cite`), or worked out (needs a `note`).
STATUS = {
    "source": "printed in a source",
    "cited": "from a cited work",
    "inferred": "inferred",
}
_EVENT = re.compile(r"^[ \t]*\[\[[ \t]*event[ \t]*\]\]", re.MULTILINE)
_TOML_LINE = re.compile(r"at line (\d+)")


def date_problem(value: str) -> str | None:
    """Why ``value`` is not a real calendar date of the form YYYY, YYYY-MM
    or YYYY-MM-DD, or None."""
    match = DATE.match(value)
    if not match:
        return f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD"
    year, month, day = (int(part) if part else None for part in match.groups())
    if month is not None and not 1 <= month <= 12:
        return f"date {value!r} has month {month:02d}: months run from 01 to 12"
    if day is not None:
        try:
            date(year or 1, month or 1, day)
        except ValueError:
            return (
                f"date {value!r} does not exist: {MONTH_NAMES[(month or 1) - 1]} has no day {day}"
            )
    return None


def format_date(value: str) -> str:
    """A checked date as the timeline prints it: "3 February 1946"."""
    year, month, day = DATE.match(value).groups()  # type: ignore[union-attr]
    parts = [year]
    if month:
        parts.insert(0, MONTH_NAMES[int(month) - 1])
        if day:
            parts.insert(0, str(int(day)))
    return " ".join(parts)


def _strings(value: Any) -> list[str] | None:
    """A TOML list of strings, or None if it is anything else."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def event_problems(event: Any, known_keys: set[str]) -> list[str]:
    """What is wrong with one event, in words an author can act on."""
    if not isinstance(event, dict):
        return ["write each event as an [[event]] table with date, title and status"]
    problems = []
    # TOML reads an unquoted 1946-02-03 as a date: the same text once printed.
    problem = date_problem(str(event.get("date", "")))
    if problem:
        problems.append(problem)
    for name in ("title", "status", "note"):
        if name in event and not isinstance(event[name], str):
            problems.append(f'{name} must be text in quotes: {name} = "..."')
    if not str(event.get("title", "")).strip():
        problems.append("the event has no title")
    status = event.get("status")
    if not isinstance(status, str) or status not in STATUS:
        problems.append(f"status {status!r} is not one of {', '.join(STATUS)}")
    if status == "inferred" and not str(event.get("note", "")).strip():
        problems.append("an inferred date needs a note saying how it was inferred")
    passages, cites = _strings(event.get("passages", [])), _strings(event.get("cite", []))
    if passages is None:
        problems.append('passages must be a list of "key:N" in quotes: passages = ["key:3"]')
    if cites is None:
        problems.append('cite must be a list of keys in quotes: cite = ["key"]')
    if status == "source" and not passages:
        problems.append('a date printed in a source needs passages = ["key:N"]')
    if status == "cited" and not cites:
        problems.append('a date from a cited work needs cite = ["key"]')
    if not passages and not cites:
        problems.append(
            'link the event to a passage (passages = ["key:N"]) or a work (cite = ["key"])'
        )
    problems += [
        f"passage {p!r} is not key:N or key:N-M" for p in passages or [] if not parse_target(p)
    ]
    problems += [
        f"cite key {k!r} is not in references.bib" for k in cites or [] if k not in known_keys
    ]
    return problems


class Timeline(SphinxDirective):
    option_spec: ClassVar = {"file": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        rel, path = self.env.relfn2path(self.options.get("file", "timeline.toml"))
        self.env.note_dependency(rel)
        if not Path(path).is_file():
            warn(Warn.BAD_TIMELINE, f"timeline file {rel!r} not found", self.get_location())
            return []
        text = read_utf8(Path(path))
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            line = _TOML_LINE.search(str(error))
            warn(
                Warn.BAD_TIMELINE,
                f"{Path(rel).name} is not valid TOML: {error}",
                f"{path}:{line.group(1) if line else 1}",
            )
            return []
        events = data.get("event", [])
        if not isinstance(events, list):
            warn(Warn.BAD_TIMELINE, "write the events as [[event]] tables", f"{path}:1")
            return []
        starts = [text.count("\n", 0, m.start()) + 1 for m in _EVENT.finditer(text)]
        works = load_works(bib_paths(self.env))
        for bib in bib_paths(self.env):
            self.env.note_dependency(str(bib))  # the rows name works by author and year
        rows, previous = [], ""
        for index, event in enumerate(events):
            where = f"{path}:{starts[index] if index < len(starts) else 1}"
            problems = event_problems(event, set(works))
            if problems:
                for problem in problems:
                    warn(Warn.BAD_TIMELINE, f"timeline event {index + 1}: {problem}", where)
                continue
            event = {**event, "date": str(event["date"])}
            if event["date"] < previous:
                warn(Warn.BAD_TIMELINE, f"timeline event {index + 1} is out of date order", where)
            previous = event["date"]
            rows.append(self.row(event, works, path, int(where.rpartition(":")[2])))
        table = make_table(
            ["Date", "Event", "Where it is discussed"], rows, ["ar-timeline"], widths=(27, 45, 28)
        )
        return [table]

    def row(self, event: dict[str, Any], works: dict[str, Any], path: str, line: int) -> list[Any]:
        when = nodes.inline()
        when += nodes.strong("", format_date(event["date"]))
        when += nodes.Text(f" ({STATUS[event['status']]})")
        title = nodes.inline()
        title += nodes.Text(event["title"])
        if event.get("note"):
            title += nodes.Text(" ")
            title += nodes.emphasis("", event["note"])
        evidence = nodes.inline()
        for index, target in enumerate(event.get("passages", [])):
            if index:
                evidence += nodes.Text("; ")
            key, start, end = parse_target(target)  # type: ignore[misc]
            ref = passage_xref(target, key, start, end)
            ref["refdoc"] = self.env.docname
            self.set_source_info(ref)
            ref["reader_data_file"], ref.line = path, line  # a broken one is reported there
            evidence += ref
        for key in event.get("cite", []):
            if len(evidence):
                evidence += nodes.Text("; ")
            evidence += nodes.Text(narrative(works[key], self.config.reader_citation_style))
        return [when, title, evidence]
