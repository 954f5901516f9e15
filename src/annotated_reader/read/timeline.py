"""``{timeline}``: dated events kept as data (TOML), each tied to the
paragraphs that mention it or to a work in the bibliography, rendered as a
table in HTML and PDF."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from ..cite.csl import narrative
from ..cite.works import MONTH_NAMES, bib_paths, load_works
from ..diagnostics import Warn, warn
from ..nodes import make_table
from ..text import parse_target
from .roles import passage_xref

DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
STATUS = {
    "found": "printed in a source",
    "confirmed": "confirmed",
    "inferred": "inferred",
    "general": "general knowledge",
}


def format_date(date: str) -> str:
    year, month, day = DATE.match(date).groups()  # type: ignore[union-attr]
    parts = [year]
    if month:
        parts.insert(0, MONTH_NAMES[int(month) - 1])
        if day:
            parts.insert(0, str(int(day)))
    return " ".join(parts)


def event_problems(event: dict[str, Any], known_keys: set[str]) -> list[str]:
    """What is wrong with one event, in words an author can act on."""
    problems = []
    date = str(event.get("date", ""))
    if not DATE.match(date):
        problems.append(f"date {date!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    if not str(event.get("title", "")).strip():
        problems.append("the event has no title")
    status = event.get("status")
    if status not in STATUS:
        problems.append(f"status {status!r} is not one of {', '.join(STATUS)}")
    if status == "inferred" and not str(event.get("note", "")).strip():
        problems.append("an inferred date needs a note saying how it was inferred")
    passages, cites = event.get("passages", []), event.get("cite", [])
    if not passages and not cites:
        problems.append(
            'link the event to a passage (passages = ["key:N"]) or a work (cite = ["key"])'
        )
    problems += [
        f"passage {p!r} is not key:N or key:N-M" for p in passages if not parse_target(str(p))
    ]
    problems += [f"cite key {k!r} is not in references.bib" for k in cites if k not in known_keys]
    return problems


class Timeline(SphinxDirective):
    option_spec: ClassVar = {"file": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        rel, path = self.env.relfn2path(self.options.get("file", "timeline.toml"))
        self.env.note_dependency(rel)
        text = Path(path).read_text(encoding="utf-8") if Path(path).is_file() else None
        if text is None:
            warn(Warn.BAD_TIMELINE, f"timeline file {rel!r} not found", self.get_location())
            return []
        try:
            events = tomllib.loads(text).get("event", [])
        except tomllib.TOMLDecodeError as error:
            warn(Warn.BAD_TIMELINE, f"{rel} is not valid TOML: {error}", self.get_location())
            return []
        starts = [i + 1 for i, line in enumerate(text.splitlines()) if line.strip() == "[[event]]"]
        works = load_works(bib_paths(self.env))
        rows, previous = [], ""
        for index, event in enumerate(events):
            where = f"{path}:{starts[index] if index < len(starts) else 1}"
            problems = event_problems(event, set(works))
            if problems:
                for problem in problems:
                    warn(Warn.BAD_TIMELINE, f"timeline event {index + 1}: {problem}", where)
                continue
            if event["date"] < previous:
                warn(Warn.BAD_TIMELINE, f"timeline event {index + 1} is out of date order", where)
            previous = event["date"]
            rows.append(self.row(event, works))
        table = make_table(
            ["Date", "Event", "Where it is discussed"], rows, ["ar-timeline"], widths=(27, 45, 28)
        )
        return [table]

    def row(self, event: dict[str, Any], works: dict[str, Any]) -> list[Any]:
        date = nodes.inline()
        date += nodes.strong("", format_date(event["date"]))
        date += nodes.Text(f" ({STATUS[event['status']]})")
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
            evidence += ref
        for key in event.get("cite", []):
            if len(evidence):
                evidence += nodes.Text("; ")
            evidence += nodes.Text(narrative(works[key], self.config.reader_citation_style))
        return [date, title, evidence]
