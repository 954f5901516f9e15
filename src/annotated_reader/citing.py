"""What a student uses to cite: the "Cite this" box of each source page (three
styles, a paragraph locator, copy buttons, downloads), ``citation_*`` and
Dublin Core meta tags for reference managers, and the BibTeX, RIS and CSL-JSON
files of each entry and of the whole bibliography."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

import rispy
from pybtex.database import BibliographyData, parse_file
from sphinx.application import Sphinx

from .bibliography import Work, bib_paths, load_works
from .citations import STYLES, csl_item, in_text, reference
from .domain import get_domain

EXPORT_DIR = "cite"
# A locator no text contains, replaced in the browser by the chosen paragraph.
SLOT = "8888"
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
        for key, entry in parse_file(str(path), bib_format="bibtex").entries.items():
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


def cite_box_html(work: Work, relative_root: str) -> str:
    """The "Cite this" box: a reference in each style, the paragraph citation
    (filled in by the script when a paragraph number is chosen), downloads."""
    rows = []
    for style, label in STYLES.items():
        ref = reference(work, style)
        para = in_text(work, style, SLOT)
        rows.append(
            f'<div class="ar-cite-style" data-style="{style}">'
            f'<p class="ar-cite-label">{escape(label)}</p>'
            f'<p class="ar-cite-text" id="cite-{style}">{ref}</p>'
            f'<button type="button" class="ar-copy" data-copy="cite-{style}">Copy</button>'
            f'<p class="ar-cite-para" data-template="{escape(para)}" hidden></p>'
            "</div>"
        )
    base = f"{relative_root}{EXPORT_DIR}/{work.key}"
    downloads = " · ".join(
        f'<a href="{base}.{ext}" download>{name}</a>'
        for ext, name in (("bib", "BibTeX"), ("ris", "RIS"), ("json", "CSL-JSON"))
    )
    return (
        f'<details class="ar-cite" id="cite-this" data-slot="{SLOT}">'
        '<summary id="cite-heading">Cite this source: APA, Chicago, MLA; BibTeX, RIS, CSL-JSON</summary>'
        '<p class="ar-cite-hint">To cite one paragraph, choose its number in the margin; '
        "the in-text citations below then carry the paragraph locator.</p>"
        '<p class="ar-cite-chosen" hidden></p>'
        + "".join(rows)
        + f'<p class="ar-cite-downloads">Download this entry: {downloads}</p>'
        "</details>"
    )


def meta_tags(work: Work, page_url: str) -> str:
    """``citation_*`` (Google Scholar / Zotero) and Dublin Core tags of the original."""
    item = csl_item(work)
    date = "/".join(f"{p:02d}" for p in item.get("issued", {}).get("date-parts", [[]])[0])
    tags: list[tuple[str, str]] = [("citation_title", work.title)]
    tags += [
        ("citation_author", f"{family}, {given}".strip(", ")) for given, family in work.authors
    ]
    tags += [
        ("citation_publication_date", date),
        ("citation_publisher", work.publisher),
        ("citation_journal_title", work.get("container")),
        ("citation_technical_report_institution", work.get("institution")),
        ("citation_technical_report_number", work.get("number")),
        ("citation_public_url", work.get("url")),
        ("citation_language", work.get("language")),
        ("DC.title", work.title),
    ]
    tags += [("DC.creator", f"{family}, {given}".strip(", ")) for given, family in work.authors]
    tags += [
        ("DC.date", date.replace("/", "-")),
        ("DC.publisher", work.publisher),
        ("DC.identifier", work.get("url")),
        ("DC.type", "Text"),
        ("DC.language", work.get("language")),
        ("DC.rights", work.get("license")),
        ("DC.relation.isPartOf", "US–Japan Relations in the Trump Era: An Annotated Reader"),
    ]
    html = "".join(
        f'<meta name="{name}" content="{escape(value)}">\n' for name, value in tags if value
    )
    if page_url:
        html += f'<meta name="DC.source" content="{escape(page_url)}">\n'
    return html


def on_html_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    source = next((s for s in get_domain(app.env).sources.values() if s.docname == pagename), None)
    if source is None:
        return
    work = load_works(bib_paths(app.env)).get(source.key)
    if work is None:
        return
    context["metatags"] = context.get("metatags", "") + meta_tags(
        work, context.get("pageurl") or ""
    )
