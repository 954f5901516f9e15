"""One EPUB 3 container from pages the ``reader-epub`` builder wrote: a cover
made from the pack's title (SVG, no raster tools), a title page, the
navigation document (contents, page list, landmarks), the package document
with its metadata and schema.org accessibility metadata, and a zip that is
byte-identical from one build to the next when ``SOURCE_DATE_EPOCH`` is set.

Every page is parsed as XML, so a page that is not well-formed XHTML fails
the build here rather than in a reading system. Links to pages the pack does
not contain point to the web edition (``reader_base_url``) or, without one,
become plain text."""

from __future__ import annotations

import os
import posixpath
import re
import textwrap
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from lxml import etree

XHTML = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
ROOT = "EPUB"  # the folder of the publication's files inside the zip
MEDIA_TYPES = {
    ".xhtml": "application/xhtml+xml",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
}


@dataclass(frozen=True)
class EBook:
    slug: str
    title: str
    subtitle: str
    edition_title: str
    editors: tuple[str, ...]
    language: str
    rights: str
    keywords: tuple[str, ...]
    base_url: str  # the web edition, ending in "/", or ""
    kinds: dict[str, str]  # kind of note -> its label


@dataclass(frozen=True)
class Page:
    docname: str
    title: str
    path: Path  # the XHTML page the builder wrote


def build_time() -> datetime:
    """``SOURCE_DATE_EPOCH`` if set (reproducible builds), else now; whole seconds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.replace(microsecond=0)


def write_epub(book: EBook, pages: list[Page], outdir: Path, stylesheet: Path) -> Path:
    """Package ``pages`` (in reading order) as ``outdir/<slug>.epub``."""
    moment = build_time()
    contained = {page.docname for page in pages}
    files: dict[str, bytes] = {stylesheet.name: stylesheet.read_bytes()}
    toc: list[tuple[str, str, list[tuple[str, str]]]] = []  # href, title, sections
    for number, page in enumerate(pages, 1):
        tree = parse_page(page)
        for image in relink(tree, page.docname, contained, book.base_url):
            source = outdir / image
            if source.is_file():
                files[image] = source.read_bytes()
        mark_page_start(tree, number)
        href = f"{page.docname}.xhtml"
        files[href] = serialise(tree)
        toc.append((href, page.title, sections_of(tree)))
    css = stylesheet.name
    files["cover.svg"] = cover_svg(book).encode("utf-8")
    files["cover.xhtml"] = cover_page(book, css).encode("utf-8")
    files["title.xhtml"] = title_page(book, css).encode("utf-8")
    files["nav.xhtml"] = navigation(book, toc, css).encode("utf-8")
    spine = ["cover.xhtml", "title.xhtml", "nav.xhtml", *(href for href, _, _ in toc)]
    files["package.opf"] = package(book, files, spine, moment).encode("utf-8")
    for name, data in files.items():
        if name.endswith(".xhtml") or name.endswith(".svg") or name.endswith(".opf"):
            etree.fromstring(data)  # every generated document is well-formed XML
    path = outdir / f"{book.slug}.epub"
    write_zip(path, files, moment)
    return path


def parse_page(page: Page) -> etree._ElementTree:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        return etree.parse(str(page.path), parser)
    except etree.XMLSyntaxError as error:
        raise ValueError(
            f"{page.docname}: the page is not well-formed XHTML ({error}); "
            "raw HTML in it must be written as XHTML (close every tag)"
        ) from error


def relink(tree: etree._ElementTree, docname: str, contained: set[str], base_url: str) -> set[str]:
    """Links to pages outside the book go to the web edition, or become text;
    returns the images the page shows (paths from the publication's root)."""
    here = posixpath.dirname(docname)
    images = set()
    for img in tree.iter(f"{{{XHTML}}}img"):
        src = img.get("src", "")
        if src and not re.match(r"^[a-z][a-z0-9+.-]*:", src):
            images.add(posixpath.normpath(posixpath.join(here, src)))
    for link in tree.iter(f"{{{XHTML}}}a"):
        href = link.get("href", "")
        if not href or href.startswith("#") or re.match(r"^[a-z][a-z0-9+.-]*:", href):
            continue
        path, _, fragment = href.partition("#")
        target = posixpath.normpath(posixpath.join(here, path))
        if target.endswith(".xhtml") and target.removesuffix(".xhtml") in contained:
            continue
        if base_url:
            web = target.removesuffix(".xhtml") + ".html" if target.endswith(".xhtml") else target
            link.set("href", base_url + web + (f"#{fragment}" if fragment else ""))
        else:
            link.tag = f"{{{XHTML}}}span"
            for name in ("href", "role", "title", f"{{{EPUB_NS}}}type"):
                link.attrib.pop(name, None)
    return images


def mark_page_start(tree: etree._ElementTree, number: int) -> None:
    """The page list's marker: where page ``number`` of the book begins."""
    body = tree.getroot().find(f"{{{XHTML}}}body")
    assert body is not None
    marker = etree.Element(f"{{{XHTML}}}span")
    marker.set("id", f"page-{number}")
    marker.set(f"{{{EPUB_NS}}}type", "pagebreak")
    marker.set("role", "doc-pagebreak")
    marker.set("aria-label", str(number))
    marker.tail = body.text
    body.text = "\n"
    body.insert(0, marker)


def sections_of(tree: etree._ElementTree) -> list[tuple[str, str]]:
    """(id, heading) of each section under the page's title."""
    found = []
    for heading in tree.iter(f"{{{XHTML}}}h2"):
        section = heading.getparent()
        if section is not None and section.tag == f"{{{XHTML}}}section" and section.get("id"):
            found.append((section.get("id", ""), " ".join("".join(heading.itertext()).split())))
    return found


def serialise(tree: etree._ElementTree) -> bytes:
    data: bytes = etree.tostring(
        tree, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>"
    )
    return data


def xhtml(title: str, css: str, language: str, body: str, body_type: str = "") -> str:
    kind = f' epub:type="{body_type}"' if body_type else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="{XHTML}" xmlns:epub="{EPUB_NS}" lang="{escape(language)}" '
        f'xml:lang="{escape(language)}">\n<head>\n<meta charset="utf-8"/>\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="stylesheet" type="text/css" href="{css}"/>\n</head>\n'
        f"<body{kind}>\n{body}\n</body>\n</html>\n"
    )


def cover_svg(book: EBook) -> str:
    """A typographic cover: the pack's title, subtitle and editors."""
    lines = []
    y = 250
    for line in textwrap.wrap(book.title, 20):
        lines.append(f'<text x="60" y="{y}" class="t">{escape(line)}</text>')
        y += 62
    y += 30
    for line in textwrap.wrap(book.subtitle, 38):
        lines.append(f'<text x="60" y="{y}" class="s">{escape(line)}</text>')
        y += 40
    for line in textwrap.wrap(book.edition_title, 44):
        lines.append(f'<text x="60" y="{y + 60}" class="e">{escape(line)}</text>')
        y += 32
    editors = "Edited by " + ", ".join(book.editors) if book.editors else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 600 900" '
        'width="600" height="900" role="img" aria-labelledby="cover-title">\n'
        f'<title id="cover-title">{escape(book.title)}</title>\n'
        "<style>text{font-family:Georgia,'Times New Roman',serif;fill:#fdfbf5}"
        ".t{font-size:48px;font-weight:bold}.s{font-size:28px;font-style:italic}"
        ".e{font-size:22px}.r{font-size:20px}</style>\n"
        '<rect width="600" height="900" fill="#1f3a4d"/>\n'
        '<rect x="40" y="150" width="8" height="600" fill="#c9a227"/>\n'
        + "\n".join(lines)
        + f'\n<text x="60" y="840" class="r">{escape(editors)}</text>\n</svg>\n'
    )


def cover_page(book: EBook, css: str) -> str:
    body = (
        '<section class="ar-cover" epub:type="cover">'
        f'<img src="cover.svg" alt="{escape(book.title)}" role="doc-cover"/></section>'
    )
    return xhtml(book.title, css, book.language, body)


def title_page(book: EBook, css: str) -> str:
    editors = ", ".join(escape(e) for e in book.editors)
    web = (
        f'<p>The web edition: <a href="{escape(book.base_url)}">{escape(book.base_url)}</a>.</p>'
        if book.base_url
        else ""
    )
    kinds = ", ".join(escape(label.lower()) for label in book.kinds.values())
    body = (
        '<section class="ar-titlepage" epub:type="titlepage">\n'
        f"<h1>{escape(book.title)}</h1>\n"
        + (f'<p class="ar-subtitle">{escape(book.subtitle)}</p>\n' if book.subtitle else "")
        + f"<p>From <i>{escape(book.edition_title)}</i>"
        + (f", edited by {editors}" if editors else "")
        + ".</p>\n"
        f"<p>© {escape(book.rights)}</p>\n{web}\n"
        "<h2>How to read this book</h2>\n"
        "<p>The source texts are reproduced verbatim, with the paragraph numbers this "
        "edition gives them: cite a paragraph by its number. The editors' notes follow the "
        "paragraph they annotate; a raised number in the text links to its note, and the "
        f"note's number links back. Each note names its kind: {kinds}.</p>\n"
        "</section>"
    )
    return xhtml(book.title, css, book.language, body, "frontmatter")


def navigation(book: EBook, toc: list[tuple[str, str, list[tuple[str, str]]]], css: str) -> str:
    items = []
    for href, title, sections in toc:
        sub = "".join(
            f'<li><a href="{href}#{escape(sid)}">{escape(name)}</a></li>' for sid, name in sections
        )
        items.append(
            f'<li><a href="{href}">{escape(title)}</a>'
            + (f"<ol>{sub}</ol>" if sub else "")
            + "</li>"
        )
    pages = "".join(
        f'<li><a href="{href}#page-{n}">{n}</a></li>' for n, (href, _, _) in enumerate(toc, 1)
    )
    first = toc[0][0] if toc else "title.xhtml"
    bibliography = next((href for href, _, _ in toc if "bibliograph" in href), "")
    landmarks = [
        ("cover", "cover.xhtml", "Cover"),
        ("titlepage", "title.xhtml", "Title page"),
        ("toc", "nav.xhtml#toc", "Contents"),
        ("bodymatter", first, "Start of the text"),
    ]
    if bibliography:
        landmarks.append(("bibliography", bibliography, "Bibliography"))
    marks = "".join(
        f'<li><a epub:type="{kind}" href="{href}">{name}</a></li>' for kind, href, name in landmarks
    )
    body = (
        '<nav epub:type="toc" id="toc" role="doc-toc" aria-labelledby="toc-title">'
        '<h1 id="toc-title">Contents</h1>\n<ol>\n' + "\n".join(items) + "\n</ol></nav>\n"
        '<nav epub:type="page-list" id="page-list" hidden="hidden" aria-labelledby="pages-title">'
        f'<h2 id="pages-title">Pages</h2><ol>{pages}</ol></nav>\n'
        '<nav epub:type="landmarks" id="landmarks" hidden="hidden" aria-labelledby="marks-title">'
        f'<h2 id="marks-title">Landmarks</h2><ol>{marks}</ol></nav>'
    )
    return xhtml("Contents", css, book.language, body)


def item_id(name: str) -> str:
    return "i-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


def accessibility_summary(book: EBook) -> str:
    return (
        "Text with a table of contents, headings for every page and section, and a page "
        "list that marks where each page of the web edition begins. The source texts are reproduced verbatim "
        "with numbered paragraphs. Each editorial note follows the paragraph it annotates, "
        "is linked from a raised number in the text and back to it, and names its kind in "
        "words; colour is never the only sign of a note. The only image is the cover, which "
        "has a text alternative. There are no scripts, sounds or moving images."
    )


def package(book: EBook, files: dict[str, bytes], spine: list[str], moment: datetime) -> str:
    """The package document: metadata, manifest and spine."""
    identifier = uuid.uuid5(
        uuid.NAMESPACE_URL, f"{book.base_url or book.edition_title}#{book.slug}"
    )
    meta = [
        f'<dc:identifier id="uid">urn:uuid:{identifier}</dc:identifier>',
        f"<dc:title>{escape(book.title)}</dc:title>",
        f"<dc:language>{escape(book.language)}</dc:language>",
        f'<meta property="dcterms:modified">{moment.strftime("%Y-%m-%dT%H:%M:%SZ")}</meta>',
    ]
    if book.subtitle:
        meta.append(f"<dc:description>{escape(book.subtitle)}</dc:description>")
    for number, editor in enumerate(book.editors, 1):
        meta.append(f'<dc:creator id="editor-{number}">{escape(editor)}</dc:creator>')
        meta.append(
            f'<meta refines="#editor-{number}" property="role" scheme="marc:relators">edt</meta>'
        )
    # The page list marks where each page of the web edition begins: that
    # edition is the source of the page breaks (Ace requires it to be named).
    meta.append(f'<dc:source id="pages">{escape(book.base_url or book.edition_title)}</dc:source>')
    meta.append('<meta refines="#pages" property="source-of">pagination</meta>')
    if book.rights:
        meta.append(f"<dc:rights>© {escape(book.rights)}</dc:rights>")
    meta.extend(f"<dc:subject>{escape(word)}</dc:subject>" for word in book.keywords)
    for mode in ("textual", "visual"):
        meta.append(f'<meta property="schema:accessMode">{mode}</meta>')
    meta.append('<meta property="schema:accessModeSufficient">textual</meta>')
    for feature in (
        "tableOfContents",
        "structuralNavigation",
        "readingOrder",
        "pageNavigation",
        "pageBreakMarkers",
        "alternativeText",
    ):
        meta.append(f'<meta property="schema:accessibilityFeature">{feature}</meta>')
    meta.append('<meta property="schema:accessibilityHazard">none</meta>')
    meta.append(
        f'<meta property="schema:accessibilitySummary">{escape(accessibility_summary(book))}</meta>'
    )
    manifest = []
    for name in sorted(files):
        if name == "package.opf":
            continue
        properties = {"nav.xhtml": "nav", "cover.svg": "cover-image"}.get(name, "")
        if properties == "" and name.endswith(".xhtml") and b"<svg" in files[name]:
            properties = "svg"
        media = MEDIA_TYPES[Path(name).suffix.lower()]
        extra = f' properties="{properties}"' if properties else ""
        manifest.append(
            f'<item id="{item_id(name)}" href="{escape(name)}" media-type="{media}"{extra}/>'
        )
    refs = "\n".join(f'<itemref idref="{item_id(name)}"/>' for name in spine)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" '
        f'xml:lang="{escape(book.language)}">\n'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        + "\n".join(meta)
        + "\n</metadata>\n<manifest>\n"
        + "\n".join(manifest)
        + f"\n</manifest>\n<spine>\n{refs}\n</spine>\n</package>\n"
    )


CONTAINER = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
    f'<rootfiles><rootfile full-path="{ROOT}/package.opf" '
    'media-type="application/oebps-package+xml"/></rootfiles>\n</container>\n'
)


def write_zip(path: Path, files: dict[str, bytes], moment: datetime) -> None:
    """The OCF container: ``mimetype`` first and stored, then every file in
    name order with the same timestamp and permissions, so that two builds
    at one ``SOURCE_DATE_EPOCH`` are byte-identical."""
    stamp = max(moment, datetime(1980, 1, 1, tzinfo=UTC)).timetuple()[:6]
    entries = [("mimetype", b"application/epub+zip", zipfile.ZIP_STORED)]
    entries.append(("META-INF/container.xml", CONTAINER.encode("utf-8"), zipfile.ZIP_DEFLATED))
    entries += [(f"{ROOT}/{name}", files[name], zipfile.ZIP_DEFLATED) for name in sorted(files)]
    partial = path.with_suffix(".epub.partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for name, data, method in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = method
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(
                info, data, compresslevel=9 if method == zipfile.ZIP_DEFLATED else None
            )
    partial.replace(path)
