"""The header card of a source page, built from its bibliography entry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

from . import nodes as ar
from .citing import cite_box_html
from .diagnostics import Warn, warn

if TYPE_CHECKING:
    from .transforms import ReaderTransform


def _field(name: str, *body: nodes.Node | str) -> nodes.field:
    para = nodes.paragraph()
    for part in body:
        para += nodes.Text(part) if isinstance(part, str) else part
    return nodes.field("", nodes.field_name("", name), nodes.field_body("", para))


def source_card(transform: ReaderTransform, node: ar.source_info) -> nodes.Node:
    docname = node["docname"]
    source = next((s for s in transform.domain.sources.values() if s.docname == docname), None)
    work = transform.works.get(source.key) if source else None
    if source is None or work is None:
        warn(Warn.UNKNOWN_SOURCE, "{source-info} needs front matter `source: <key>`", node)
        return nodes.container()
    fields = nodes.field_list(classes=["ar-source-fields"])
    authors = "; ".join(f"{given} {family}".strip() for given, family in work.authors)
    fields += _field("Author", authors)
    for label, name in (("Affiliation", "affiliation"), ("Country", "country")):
        if work.get(name):
            fields += _field(label, work.get(name))
    publisher = work.publisher
    place = work.get("address")
    if publisher:
        fields += _field("Publisher", publisher + (f", {place}" if place else ""))
    venue = work.get("origvenue")
    if venue:
        fields += _field("Venue", venue)
    series = " ".join(filter(None, (work.get("type"), work.get("number"))))
    if series:
        fields += _field("Series", series)
    date = work.date_text
    if work.get("datenote"):
        status = "inferred" if "inferred" in work.get("datenote").lower() else "as printed"
        fields += _field("Date", f"{date} ({status}). {work.get('datenote')}")
    else:
        fields += _field("Date", date)
    if work.get("titlenote"):
        fields += _field("Title", work.get("titlenote"))
    if work.get("genre"):
        fields += _field("Genre", work.get("genre"))
    fields += _field("Licence", work.get("license") or "Not stated")
    url = work.get("url")
    if url:
        fields += _field("Original", nodes.reference("", url, refuri=url))
    else:
        fields += _field("Original", "Address not known")
    count = len(source.paragraphs)
    notes = sum(1 for n in transform.domain.notes if n.key == source.key)
    fields += _field("This edition", f"{count} numbered paragraphs, {notes} notes")
    card = nodes.container(classes=["ar-source-info"])
    card += fields
    if transform.builder.format == "html":
        root = "../" * docname.count("/")
        card += nodes.raw("", cite_box_html(work, root), format="html")
    return card
