"""``annotated-reader add-source``: import one text into a reader.

The input is a web page saved from a browser (``.html``; trafilatura
extracts the article body and its metadata) or a plain-text capture
(``.txt``; ``--start`` and ``--end`` mark the body). The command writes the
verbatim body (``sources/raw/KEY.txt``), keeps the capture
(``sources/captures/KEY.<ext>``), writes the page ready for notes
(``sources/KEY.md``, every paragraph escaped so that it shows literally),
adds a ``references.bib`` entry and the page to the Sources toctree of
``index.md``. It checks everything before it writes anything, refuses an
existing key and touches no other file."""

from __future__ import annotations

import datetime
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .escape import escape_block, escape_inline
from .text import phrase_pattern, squash

KEY = re.compile(r"^[a-z][a-z0-9_-]*$")
TODO = "todo"
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
SOURCES_TOCTREE = re.compile(r"```\{toctree\}\n(?:[^`]*\n)?:caption: Sources\n[^`]*?```", re.S)


class ImportError_(Exception):
    """The import cannot be done; the message says what to change."""


@dataclass
class Metadata:
    title: str = ""
    author: str = ""
    date: str = ""  # YYYY, YYYY-MM or YYYY-MM-DD
    url: str = ""
    site: str = ""
    license: str = ""
    language: str = ""
    origin: dict[str, str] = field(default_factory=dict)  # field -> where it came from


@dataclass
class Extraction:
    """What was taken from the capture, and what was left out of it."""

    blocks: list[str]  # paragraphs; headings start with "## "
    metadata: Metadata
    how: str  # one sentence: the tool and the input
    removed: list[str] = field(default_factory=list)  # text blocks of the capture left out
    removed_code: int = 0  # script and style elements (never text)


# -- extraction -----------------------------------------------------------------


def _text(element: object) -> str:
    return squash("".join(element.itertext()))  # type: ignore[attr-defined]


def extract_html(data: bytes) -> Extraction:
    """The article body and metadata of a saved web page, by trafilatura."""
    try:
        import trafilatura
        from lxml import etree
        from lxml import html as lxml_html
    except ModuleNotFoundError:
        raise ImportError_(
            "importing web pages needs trafilatura: pip install 'annotated-reader[import]'"
        ) from None
    xml = trafilatura.extract(
        data,
        output_format="xml",
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        favor_precision=True,
    )
    if not xml:
        raise ImportError_(
            "trafilatura found no article text in the page; save it as text "
            "and import the .txt with --start and --end"
        )
    doc = etree.fromstring(xml.encode("utf-8"))
    meta = Metadata(origin={})
    for name, attribute in (
        ("title", "title"),
        ("author", "author"),
        ("date", "date"),
        ("url", "url"),
        ("site", "sitename"),
        ("license", "license"),
    ):
        value = squash(doc.get(attribute) or "")
        if value:
            setattr(meta, name, value)
            meta.origin[name] = "from the page's metadata"
    blocks: list[str] = []
    quotes: list[str] = []
    for element in doc.find("main").iter("p", "head", "item", "quote"):
        if any(a.tag in ("item", "quote") for a in element.iterancestors()):
            continue  # a paragraph inside a list item or quotation: part of it
        text = _text(element)
        if not text:
            continue
        if element.tag == "head":
            if not blocks and squash(text) == meta.title:
                continue  # the title is the page's title, not body text
            blocks.append("## " + text)
        else:
            if element.tag == "quote":
                quotes.append(text)
            blocks.append(text)
    # A pull-quote repeats words of the body to catch the eye: not text.
    body = " ".join(b for b in blocks if b not in quotes)
    pulled = [q for q in quotes if squash(q.strip("\"“”'‘’")) in body]
    blocks = [b for b in blocks if b not in pulled]
    language = re.match(r"[A-Za-z]{2,3}\b", lxml_html.fromstring(data).get("lang") or "")
    if language:
        meta.language = language.group().lower()
        meta.origin["language"] = "from the page's metadata"
    removed, code = page_leftovers(data, blocks)
    removed = [r for r in removed if r not in pulled and r != meta.title]
    version = getattr(trafilatura, "__version__", "")
    return Extraction(
        blocks,
        meta,
        f"trafilatura {version} extracted the article body and its metadata".replace("  ", " "),
        removed + [f"pull-quote: {q}" for q in pulled],
        code,
    )


BLOCK_TAGS = {
    "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figcaption", "dt", "dd",
    "td", "th", "pre", "address", "div", "section", "aside", "nav", "header", "footer",
    "article", "main", "ul", "ol", "dl", "table", "tr", "figure", "form", "title",
}  # fmt: skip


def page_leftovers(data: bytes, blocks: list[str]) -> tuple[list[str], int]:
    """The text blocks of the page that are not in the body, and how many
    script and style elements it had."""
    from lxml import html as lxml_html

    root = lxml_html.fromstring(data)
    code = 0
    for element in list(root.iter("script", "style", "noscript", "template")):
        code += element.tag in ("script", "style")
        element.drop_tree()
    for element in list(root.iter("head")):
        element.drop_tree()  # the document's title and metadata, not page text
    body = squash(" ".join(b.removeprefix("## ") for b in blocks))
    left = []
    for element in root.iter(*BLOCK_TAGS):
        if any(child.tag in BLOCK_TAGS for child in element.iterdescendants()):
            continue
        text = _text(element)
        if text and text not in body and text not in left:
            left.append(text)
    return left, code


def extract_text(text: str) -> Extraction:
    """Blocks of a plain-text capture: separated by blank lines; a block that
    is one line starting with ``#`` marks is a heading."""
    blocks = []
    for block in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n")):
        lines = [line.strip() for line in block.strip().splitlines()]
        if not lines:
            continue
        heading = re.match(r"^#{1,6}\s+(.*)$", lines[0])
        if len(lines) == 1 and heading:
            blocks.append("## " + heading.group(1).strip())
        else:
            blocks.append(" ".join(lines))
    return Extraction(blocks, Metadata(origin={}), "the whole text was kept")


def trim(extraction: Extraction, start: str, end: str) -> None:
    """Keep the text from the first words ``start`` to the last words ``end``;
    what lies outside is recorded as left out."""
    blocks = extraction.blocks
    if start:
        pattern = phrase_pattern(start)
        found = next(((i, m) for i, b in enumerate(blocks) if (m := pattern.search(b))), None)
        if found is None:
            raise ImportError_(f"--start {start!r} is not in the capture; copy its first words")
        index, match = found
        mark = "## " if blocks[index].startswith("## ") else ""
        before = blocks[index][len(mark) : match.start()].strip()
        extraction.removed += [*blocks[:index], *([before] if before else [])]
        blocks = [mark + blocks[index][max(match.start(), len(mark)) :], *blocks[index + 1 :]]
    if end:
        pattern = phrase_pattern(end)
        found = next(
            (
                (i, m)
                for i in reversed(range(len(blocks)))
                for m in [*pattern.finditer(blocks[i])][-1:]
            ),
            None,
        )
        if found is None:
            raise ImportError_(f"--end {end!r} is not in the body; copy its last words")
        index, match = found
        after = blocks[index][match.end() :].strip()
        extraction.removed += [*([after] if after else []), *blocks[index + 1 :]]
        blocks = [*blocks[:index], blocks[index][: match.end()]]
    extraction.blocks = [b for b in blocks if b.removeprefix("## ").strip()]


# -- bibliography -----------------------------------------------------------------


def _bib_value(text: str) -> str:
    """A BibTeX field value in braces: capitals kept, braces balanced."""
    text = text.replace("\\", "").replace("{", "(").replace("}", ")")
    return re.sub(r"(?<![\w])([A-Z][\w.]*[A-Z][\w.]*)", r"{\1}", text)  # acronyms keep case


def _authors(names: str) -> str:
    people = []
    for name in re.split(r"\s*(?:;|\band\b|&)\s*", names):
        words = name.replace("{", "").replace("}", "").split()
        if not words:
            continue
        if "," in name:
            people.append(name.strip())
        else:
            people.append(f"{words[-1]}, {' '.join(words[:-1])}".rstrip(", "))
    return " and ".join(people)


def bib_entry(key: str, meta: Metadata) -> tuple[str, list[str]]:
    """The entry and the fields that could not be found (marked ``todo``)."""
    missing = []

    def value(name: str, text: str) -> str:
        if text:
            return text
        missing.append(name)
        return TODO

    fields = [
        ("author", _authors(meta.author) if meta.author else value("author", "")),
        ("title", _bib_value(meta.title) if meta.title else value("title", "")),
    ]
    date = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", meta.date)
    fields.append(("year", date.group(1) if date else value("year", "")))
    if date and date.group(2):
        fields.append(("month", MONTHS[int(date.group(2)) - 1]))
    if date and date.group(3):
        fields.append(("day", str(int(date.group(3)))))
    fields.append(("url", meta.url or value("url", "")))
    fields.append(("csltype", "webpage"))
    fields.append(("container", _bib_value(meta.site) if meta.site else value("container", "")))
    if meta.license:
        fields.append(("license", _bib_value(meta.license)))
    if meta.language:
        fields.append(("language", meta.language))
    fields.append(("keywords", "source"))
    body = "".join(f"  {name:<12} = {{{text}}},\n" for name, text in fields)
    return f"@misc{{{key},\n{body}}}\n", missing


FIELD_NAMES = {
    "title": "title",
    "author": "author",
    "date": "date",
    "url": "original address",
    "site": "site",
    "license": "licence",
    "language": "language",
}

# -- the page -----------------------------------------------------------------------


def about_text(key: str, capture: str, extraction: Extraction, missing: list[str]) -> str:
    """The "About this text" block: what was imported from where, and what was left out."""
    paragraphs = sum(1 for b in extraction.blocks if not b.startswith("## "))
    headings = len(extraction.blocks) - paragraphs
    words = sum(len(b.removeprefix("## ").split()) for b in extraction.blocks)
    today = datetime.date.today().isoformat()
    meta = extraction.metadata
    lines = [
        f"Imported on {today} with `annotated-reader add-source` from the capture "
        f"`sources/captures/{capture}`"
        + (f" of {escape_inline(meta.url)}" if meta.url else "")
        + f": {extraction.how}. The text has {paragraphs} paragraph{'s' * (paragraphs != 1)}"
        + (f" and {headings} heading{'s' * (headings != 1)}" if headings else "")
        + f" ({words} words), reproduced as in `sources/raw/{key}.txt`; line breaks inside "
        "a paragraph became spaces.",
        "",
    ]
    if extraction.removed or extraction.removed_code:
        lines.append("Left out of the capture:")
        lines.append("")
        for text in extraction.removed[:15]:
            short = text if len(text) <= 90 else text[:90].rsplit(" ", 1)[0] + " …"
            lines.append(f"- {escape_block(short)}")
        if len(extraction.removed) > 15:
            lines.append(f"- and {len(extraction.removed) - 15} more blocks (see the capture)")
        if extraction.removed_code:
            lines.append(
                f"- {extraction.removed_code} script and style element"
                f"{'s' * (extraction.removed_code != 1)} (code, not text)"
            )
        lines.append("")
    origins: dict[str, list[str]] = {}
    for name, where in meta.origin.items():
        origins.setdefault(where, []).append(FIELD_NAMES[name])
    for where, names in origins.items():
        listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
        lines.append(f"{listed.capitalize()}: {where}.")
    if missing:
        lines.append("Not found, to be filled in from the original: " + ", ".join(missing) + ".")
    return "\n".join(lines).rstrip() + "\n"


def page_text(key: str, capture: str, extraction: Extraction, missing: list[str]) -> str:
    title = extraction.metadata.title or key
    body = "\n\n".join(
        "## " + escape_block(b[3:]) if b.startswith("## ") else escape_block(b)
        for b in extraction.blocks
    )
    return (
        f"---\nsource: {key}\nraw: raw/{key}.txt\n---\n\n"
        f"# {escape_block(title)}\n\n"
        "```{source-info}\n```\n\n"
        ":::{editorial} About this text\n"
        f"{about_text(key, capture, extraction, missing)}"
        ":::\n\n"
        f"{body}\n"
    )


# -- the command ----------------------------------------------------------------------


@dataclass
class Imported:
    key: str
    written: list[Path]
    missing: list[str]
    bib_line: int
    paragraphs: int
    headings: int


def add_source(
    root: Path,
    capture: Path,
    key: str,
    start: str = "",
    end: str = "",
    overrides: dict[str, str] | None = None,
) -> Imported:
    root = root.resolve()
    if not KEY.match(key):
        raise ImportError_(f"key {key!r}: use lower-case letters and digits, e.g. smith2024")
    bib, index = root / "references.bib", root / "index.md"
    for needed in (root / "conf.py", bib, index):
        if not needed.is_file():
            raise ImportError_(f"{needed} not found: run the command in the reader's directory")
    suffix = capture.suffix.lower()
    if suffix not in (".html", ".htm", ".txt"):
        raise ImportError_(f"{capture.name}: give a page saved as .html or a text capture (.txt)")
    if not capture.is_file():
        raise ImportError_(f"{capture} not found")
    suffix = ".html" if suffix == ".htm" else suffix
    page = root / "sources" / f"{key}.md"
    raw = root / "sources" / "raw" / f"{key}.txt"
    kept = root / "sources" / "captures" / f"{key}{suffix}"
    bib_text = bib.read_text(encoding="utf-8")
    taken = [p for p in (page, raw, kept) if p.exists()]
    if re.search(rf"@\w+\s*\{{\s*{re.escape(key)}\s*,", bib_text):
        taken.append(bib)
    if taken:
        where = ", ".join(str(p.relative_to(root)) for p in taken)
        raise ImportError_(f"key {key!r} is already used ({where}); choose another key")
    index_text = index.read_text(encoding="utf-8")
    toctree = SOURCES_TOCTREE.search(index_text)
    if toctree is None:
        raise ImportError_(
            "index.md has no toctree with `:caption: Sources`; add one so that the page "
            "can be listed (see AUTHORING.md)"
        )

    if suffix == ".html":
        extraction = extract_html(capture.read_bytes())
    else:
        extraction = extract_text(capture.read_text(encoding="utf-8"))
    if start or end:
        trim(extraction, start, end)
        if suffix == ".txt":
            extraction.how = (
                "the text from the words given as --start to those given as --end was kept"
            )

    for name, text in (overrides or {}).items():
        if text:
            setattr(extraction.metadata, name, text)
            extraction.metadata.origin[name] = "given on the command line"
    if not extraction.blocks:
        raise ImportError_("the body is empty; check --start and --end")

    entry, missing = bib_entry(key, extraction.metadata)
    raw.parent.mkdir(parents=True, exist_ok=True)
    kept.parent.mkdir(parents=True, exist_ok=True)
    raw.write_text("\n\n".join(extraction.blocks) + "\n", encoding="utf-8")
    shutil.copyfile(capture, kept)
    page.write_text(page_text(key, kept.name, extraction, missing), encoding="utf-8")
    separator = (
        ""
        if bib_text.endswith("\n\n") or not bib_text
        else "\n"
        if bib_text.endswith("\n")
        else "\n\n"
    )
    bib_line = bib_text.count("\n") + separator.count("\n") + 1
    bib.write_text(bib_text + separator + entry, encoding="utf-8")
    block = toctree.group(0)
    updated = block[: -len("```")] + f"sources/{key}\n```"
    index.write_text(index_text.replace(block, updated, 1), encoding="utf-8")
    paragraphs = sum(1 for b in extraction.blocks if not b.startswith("## "))
    return Imported(
        key,
        [raw, kept, page, bib, index],
        missing,
        bib_line,
        paragraphs,
        len(extraction.blocks) - paragraphs,
    )
