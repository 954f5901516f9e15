"""The bibliography as files for reference managers: BibTeX, RIS and
CSL-JSON of each entry and of the whole bibliography, written with the site."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import rispy
from pybtex.database import BibliographyData
from sphinx.application import Sphinx

from .csl import csl_item
from .works import Work, bib_paths, load_works, read_bibliography

EXPORT_DIR = "cite"
RIS_TYPES = {"webpage": "ELEC", "report": "RPRT", "legislation": "STAT", "treaty": "GEN"}


def ris_record(work: Work) -> dict[str, Any]:
    item = csl_item(work)
    record: dict[str, Any] = {
        "type_of_reference": RIS_TYPES.get(item["type"], "GEN"),
        "title": work.title,
        "authors": [f"{family}, {given}" if given else family for given, family in work.authors],
        "year": work.year,
        "id": work.key,
    }
    if "issued" in item:
        parts = item["issued"]["date-parts"][0] + [None, None]
        record["date"] = "/".join(f"{p:02d}" if p else "" for p in parts[:3]).rstrip("/")
    optional = {
        "publisher": work.publisher,
        "place_published": work.get("address"),
        "secondary_title": work.get("container"),
        "number": work.get("number"),
        "type_of_work": work.get("type"),
        "language": work.get("language"),
    }
    record.update({k: v for k, v in optional.items() if v})
    if work.get("url"):
        record["urls"] = [work.get("url")]
    notes = [n for n in (work.get("datenote"), work.get("titlenote"), work.get("note")) if n]
    if notes:
        record["notes"] = notes
    return record


def write_exports(app: Sphinx, exception: Exception | None) -> None:
    """Write ``cite/<key>.{bib,ris,json}`` and ``cite/references.*`` (HTML only)."""
    if exception or app.builder.format != "html":
        return
    outdir = Path(app.outdir, EXPORT_DIR)
    outdir.mkdir(parents=True, exist_ok=True)
    works = load_works(bib_paths(app.env))
    data = BibliographyData()
    for path in bib_paths(app.env):
        for key, entry in read_bibliography(path).data.entries.items():
            if key not in data.entries:
                data.add_entry(key, entry)
    sets = {key: [key] for key in works} | {"references": list(works)}
    for name, keys in sets.items():
        subset = BibliographyData({key: data.entries[key] for key in keys})
        (outdir / f"{name}.bib").write_text(subset.to_string("bibtex"), encoding="utf-8")
        (outdir / f"{name}.ris").write_text(
            rispy.dumps([ris_record(works[k]) for k in keys]), encoding="utf-8"
        )
        items = [csl_item(works[k]) for k in keys]
        (outdir / f"{name}.json").write_text(
            json.dumps(items, ensure_ascii=False, indent=2), encoding="utf-8"
        )
