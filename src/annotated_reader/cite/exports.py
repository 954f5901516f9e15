"""The bibliography as files for reference managers: BibTeX, RIS and
CSL-JSON of each entry and of the whole bibliography, written with the site.

- BibTeX: every field of ``references.bib`` as written there (pybtex's
  writer would encode "~" of an approximate date as ``\textasciitilde``),
  months as numbers (biblatex's data model; biber warns about "feb").
- RIS: the tags Zotero's RIS importer reads for each item type
  (zotero/translators, ``RIS.js`` at commit 2814370, ``fieldMap``): for a
  report PB is the institution, M3 the report type, SN the report number
  (``IS`` would be read as an issue number); for a web page T2 is the site
  and M3 its kind. A date the original does not print is left out: RIS has
  no way to say "approximate", and the notes (N1) say what was inferred.
- CSL-JSON: the items citeproc formats, valid against the CSL-JSON schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import rispy
from pybtex.database import Entry
from sphinx.application import Sphinx

from .csl import csl_item
from .works import MONTHS, Work, bib_paths, load_works, read_bibliography

EXPORT_DIR = "cite"
RIS_TYPES = {
    "webpage": "ELEC",
    "report": "RPRT",
    "article-journal": "JOUR",
    "book": "BOOK",
    "legislation": "STAT",
}


def ris_record(work: Work) -> dict[str, Any]:
    item = csl_item(work)
    kind = RIS_TYPES.get(item["type"], "GEN")
    record: dict[str, Any] = {
        "type_of_reference": kind,
        "id": work.key,
        "title": work.title,
        "authors": [f"{family}, {given}" if given else family for given, family in work.authors],
    }
    if work.year and not work.date_inferred:
        record["year"] = work.year
        parts = [work.year] + [f"{p:02d}" if p else "" for p in (work.month, work.day)]
        record["date"] = "/".join(parts).rstrip("/")
    optional = {
        "publisher": work.publisher,
        "place_published": work.get("address"),
        "secondary_title": work.get("container"),
        "type_of_work": work.get("type"),
        # SN is the report number of a report (RIS.js: SN -> reportNumber).
        "issn" if kind == "RPRT" else "number": work.get("number"),
        "access_date": work.get("urldate").replace("-", "/"),
        "language": work.get("language"),
    }
    record.update({k: v for k, v in optional.items() if v})
    if work.get("url"):
        record["urls"] = [work.get("url")]
    notes = [work.get(n) for n in ("datenote", "titlenote", "origvenue", "note") if work.get(n)]
    if notes:
        record["notes"] = notes
    return record


class RisWriter(rispy.RisWriter):
    def set_header(self, count: int) -> str:
        return ""  # no "1." line before each record: RIS has none


def bibtex(entries: dict[str, Entry]) -> str:
    """The entries as BibTeX, field values exactly as read, months as numbers."""
    out = []
    for key, entry in entries.items():
        lines = [f"@{entry.original_type}{{{key},"]
        for role, persons in entry.persons.items():
            lines.append(f"  {role} = {{{' and '.join(str(p) for p in persons)}}},")
        for name, value in entry.fields.items():
            month = value.strip().lower()[:3] if name.lower() == "month" else ""
            lines.append(f"  {name} = {{{MONTHS.get(month, value)}}},")
        out.append("\n".join([*lines, "}"]))
    return "\n\n".join(out) + "\n"


def write_exports(app: Sphinx, exception: Exception | None) -> None:
    """Write ``cite/<key>.{bib,ris,json}`` and ``cite/references.*`` (the site only)."""
    if exception or app.builder.format != "html" or getattr(app.builder, "ebook", False):
        return
    outdir = Path(app.outdir, EXPORT_DIR)
    outdir.mkdir(parents=True, exist_ok=True)
    works = load_works(bib_paths(app.env))
    entries: dict[str, Entry] = {}
    for path in bib_paths(app.env):
        for key, entry in read_bibliography(path).data.entries.items():
            entries.setdefault(key, entry)
    sets = {key: [key] for key in works} | {"references": list(works)}
    for name, keys in sets.items():
        (outdir / f"{name}.bib").write_text(
            bibtex({key: entries[key] for key in keys}), encoding="utf-8"
        )
        (outdir / f"{name}.ris").write_text(
            rispy.dumps([ris_record(works[k]) for k in keys], implementation=RisWriter),
            encoding="utf-8",
        )
        items = [csl_item(works[k]) for k in keys]
        (outdir / f"{name}.json").write_text(
            json.dumps(items, ensure_ascii=False, indent=2), encoding="utf-8"
        )
