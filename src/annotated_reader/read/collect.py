"""The read phase: on every page read, number the source text, check it
against its raw file, attach notes to paragraphs and anchors to phrases, and
record paragraphs, notes, passage references and chapters in the domain."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .. import nodes as ar
from ..cite.works import bib_paths, load_works
from ..diagnostics import Warn, read_utf8, warn
from ..domain import get_domain
from ..model import Note, Paragraph, PassageRef, SourcePage, ThemeLink, ThemePage
from ..text import PARTIAL, find_phrase, first_difference, squash


def reader_xrefs(doctree: nodes.Node, *types: str) -> list[addnodes.pending_xref]:
    """This project's own ``reader`` references of the given types (not the
    ones that intersphinx resolves in another project's inventory)."""
    return [
        node
        for node in doctree.findall(addnodes.pending_xref)
        if node.get("refdomain") == "reader"
        and node.get("reftype") in types
        and not node.get("intersphinx")
    ]


def on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    docname = env.docname
    meta = env.metadata.get(docname, {})
    domain = get_domain(env)
    if meta.get("source"):
        collect_source(app, doctree, str(meta["source"]).strip(), meta.get("raw"))
    else:
        for note in doctree.findall(ar.annotation):
            warn(
                Warn.ORPHAN_ANNOTATION,
                "annotations belong on source pages (front matter `source: <key>`)",
                note,
            )
            note.parent.remove(note)
    if meta.get("theme"):
        slug = str(meta["theme"]).strip()
        title = next(iter(doctree.findall(nodes.title)), None)
        domain.add_theme_page(
            ThemePage(
                slug, docname, title.astext() if title else slug, (title.line or 1) if title else 1
            )
        )
    for ref in reader_xrefs(doctree, "passage"):
        section = next((a for a in ar.ancestors(ref) if isinstance(a, nodes.section)), None)
        domain.refs.append(
            PassageRef(
                docname,
                ref.line or 0,
                ref["key"],
                ref["start"],
                ref["end"],
                ref["quote"],
                section["ids"][0] if section is not None else "",
                section[0].astext() if section is not None else "",
                ref.get("reader_data_file", ""),
            )
        )
    for text in doctree.findall(nodes.Text):
        if UNPARSED_ROLE.search(str(text)) and not isinstance(
            text.parent, nodes.literal | nodes.literal_block
        ):
            # At the table's line: MyST before 5.2 gives its cells the line of
            # the block above the table.
            table = next((a for a in ar.ancestors(text) if isinstance(a, nodes.table)), None)
            warn(
                Warn.BAD_PASSAGE,
                "a {passage}/{quote}/{theme} role was not read (shown as plain text); inside "
                "a table cell write the quotation separator as \\| (key:N\\|words)",
                table if table is not None else text.parent,
            )
    for ref in reader_xrefs(doctree, "theme"):
        domain.theme_links.append(ThemeLink(ref["reftarget"], docname, ref.line or 0))
    if any(doctree.findall(ar.concordance)):
        domain.data["concordances"].add(docname)
    # The citation guide, "My notes" (each source's citations) and the pack
    # builder (every source and chapter) list every source: rewritten when one changes.
    if any(
        any(doctree.findall(kind))
        for kind in (ar.citation_guide, ar.student_notes, ar.pack_builder)
    ):
        domain.data["guides"].add(docname)
    if any(
        isinstance(ref, addnodes.pending_xref) and ref.get("reftype") == "term"
        for ref in doctree.findall(addnodes.pending_xref)
    ):
        domain.data["term_pages"].add(docname)
    for item in doctree.findall(nodes.definition_list_item):
        if not isinstance(item.parent.parent, addnodes.glossary):
            continue
        definition = squash(text_with_passages(item.next_node(nodes.definition)))
        for term in item.findall(nodes.term):
            for term_id in term["ids"]:
                domain.data["terms"][term_id] = (docname, definition)
    domain.forget_derived()  # its indexes are built again when next asked for


def skip_undecodable(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """A page that is not UTF-8 would stop Sphinx with a traceback: it is
    reported with the fix and left out of the book (not read, not written)."""
    for docname in list(docnames):
        path = Path(env.doc2path(docname))
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            read_utf8(path)  # the warning, at the line of the first bad byte
            docnames.remove(docname)
            env.project.docnames.discard(docname)


UNPARSED_ROLE = re.compile(r"\{(?:passage|quote|theme)\}`")


def text_with_passages(node: nodes.Node) -> str:
    """A node's text in which each passage reference stays as ``{key:N-M}``,
    to be labelled at write time when every source is known."""
    if isinstance(node, addnodes.pending_xref) and node.get("reftype") == "passage":
        return f"{{{node['key']}:{node['start']}-{node['end']}}}"
    if isinstance(node, nodes.Text):
        return str(node)
    return "".join(text_with_passages(child) for child in node.children)


# What MyST may put in a source body besides the author's text that is not
# shown as text: label targets, comments, index entries, substitutions.
_INVISIBLE = (nodes.Invisible, nodes.system_message, nodes.docinfo, nodes.meta)


def _is_editorial(node: nodes.Node) -> bool:
    """Our own blocks on a source page, never compared with the raw text."""
    return isinstance(node, ar.annotation | ar.source_info) or (
        isinstance(node, nodes.Element) and bool(node.get("reader_editorial"))
    )


def body_blocks(doctree: nodes.document) -> list[nodes.Element]:
    """Every block of a source body in order: paragraphs, the headings of
    sections below the page title, and anything else MyST made (lists,
    quotes, tables, code...), which the raw-text check refuses."""
    page_title = next(
        (s[0] for s in doctree.children if isinstance(s, nodes.section) and s.children), None
    )
    blocks: list[nodes.Element] = []

    def walk(container: nodes.Element) -> None:
        for child in container.children:
            if isinstance(child, nodes.section):
                walk(child)
            elif child is page_title or isinstance(child, _INVISIBLE) or _is_editorial(child):
                continue
            elif isinstance(child, nodes.Element):
                blocks.append(child)

    walk(doctree)
    return blocks


def collect_source(app: Sphinx, doctree: nodes.document, key: str, raw: Any) -> None:
    env = app.env
    docname = env.docname
    works = load_works(bib_paths(env))
    if key not in works:
        warn(
            Warn.UNKNOWN_SOURCE,
            f"front matter names source {key!r}, which is not a key of references.bib",
            (docname, 1),
        )
        return
    title = next(iter(doctree.findall(nodes.title)), None)
    page = SourcePage(
        key, docname, title.astext() if title else key, (title.line or 1) if title else 1
    )

    blocks = body_blocks(doctree)
    number = 0
    for block in blocks:
        if isinstance(block, nodes.paragraph):
            number += 1
            wrapper = ar.numbered_paragraph(key=key, number=number, ids=[f"p{number}"])
            wrapper.source, wrapper.line = block.source, block.line
            block.replace_self(wrapper)
            wrapper += block
            page.paragraphs.append(Paragraph(number, squash(block.astext()), block.line or 0))
    if raw:
        check_raw(env, docname, str(raw), blocks)
    else:
        warn(
            Warn.RAW_MISSING,
            f"source page without `raw:` in its front matter, so its text cannot be checked; "
            f"add `raw: raw/{key}.txt` (the article body, verbatim)",
            (docname, 1),
        )

    attach_notes(doctree, page, get_domain(env).notes)
    get_domain(env).add_source_page(page)
    if page.paragraphs:
        legend = ar.note_legend(docname=docname)
        first = next(iter(doctree.findall(ar.numbered_paragraph)))
        first.parent.insert(first.parent.index(first), legend)


def _describe(block: nodes.Element) -> str:
    names = {
        "bullet_list": "a bulleted list",
        "enumerated_list": "a numbered list",
        "block_quote": "a block quote",
        "table": "a table",
        "literal_block": "a code block",
        "transition": "a horizontal rule",
        "definition_list": "a definition list",
        "field_list": "a field list",
        "figure": "a figure",
        "image": "an image",
        "math_block": "a math block",
        "footnote": "a footnote",
        "rubric": "a rubric",
    }
    return names.get(block.tagname, f"a {block.tagname.replace('_', ' ')} block")


def check_raw(env: BuildEnvironment, docname: str, raw: str, blocks: list[nodes.Element]) -> None:
    """The page's text must equal the raw file, block by block: paragraphs and
    headings in order, and nothing else."""
    path = Path(env.doc2path(docname)).parent / raw
    env.note_dependency(str(path))
    if not path.is_file():
        warn(Warn.RAW_MISSING, f"raw text {raw!r} not found (looked for {path})", (docname, 1))
        return
    for block in blocks:
        if not isinstance(block, nodes.paragraph | nodes.title):
            warn(
                Warn.RAW_MISMATCH,
                f"{_describe(block)} in the source text: a source body holds only the "
                f"author's paragraphs and `##` headings, each equal to a block of {raw}. "
                "Write each item as a paragraph (escape a leading marker: `\\-`, `1\\.`, "
                "`\\>`), or move it into an {editorial} block",
                block,
            )
    blocks = [b for b in blocks if isinstance(b, nodes.paragraph | nodes.title)]
    text = read_utf8(path)
    expected = [b for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    number = 0
    for index, block in enumerate(blocks):
        is_heading = isinstance(block, nodes.title)
        number += not is_heading
        what = "heading" if is_heading else f"¶ {number}"
        if index >= len(expected):
            warn(
                Warn.RAW_MISMATCH,
                f"{what} is not in {raw}, which has {len(expected)} block"
                f"{'s' * (len(expected) != 1)}; "
                "remove it or move it into an {editorial} block",
                block,
            )
            return
        want = expected[index]
        want_heading = want.startswith("## ")
        got, want = squash(block.astext()), squash(want.removeprefix("## "))
        if is_heading != want_heading or got != want:
            page_part, raw_part = first_difference(got, want)
            kind = "heading" if want_heading else "paragraph"
            warn(
                Warn.RAW_MISMATCH,
                f"{what} differs from {raw} block {index + 1} (a {kind}): the page has "
                f"'…{page_part}…' where the raw text has '…{raw_part}…'. Make the page equal "
                "the raw text; put corrections in a sic note",
                block,
            )
            return
    if len(blocks) < len(expected):
        missing = squash(expected[len(blocks)].removeprefix("## "))[:60]
        warn(
            Warn.RAW_MISMATCH,
            f"the page stops after {len(blocks)} of {len(expected)} blocks of {raw}; "
            f"next missing: '{missing}…'",
            (docname, blocks[-1].line if blocks else 1),
        )


def attach_notes(doctree: nodes.document, page: SourcePage, registry: list[Note]) -> None:
    """Move each note into the paragraph above it, number it, mark its anchor."""
    previous: dict[int, tuple[int, ar.annotation]] = {}  # ¶ -> (anchor start, note)
    for count, note in enumerate(list(doctree.findall(ar.annotation)), start=1):
        note["number"] = count
        note["ids"] = [f"note-{count}"]
        target = _paragraph_before(note)
        if target is None:
            warn(
                Warn.ORPHAN_ANNOTATION,
                "an annotation must follow the paragraph it annotates (other annotations "
                "may stand between); move it below its paragraph",
                note,
            )
            note.parent.remove(note)
            continue
        note.parent.remove(note)
        note["para"] = target["number"]
        target += note
        if note["anchor"]:
            check_order(target, note, previous)
            mark_anchor(target[0], note)
        registry.append(
            Note(
                page.docname,
                page.key,
                count,
                note["kind"],
                target["number"],
                note["anchor"],
                list(note["themes"]),
                note.line or 0,
            )
        )


def check_order(
    paragraph: ar.numbered_paragraph,
    note: ar.annotation,
    previous: dict[int, tuple[int, ar.annotation]],
) -> None:
    """Notes are numbered as written; the margin reads in anchor order, so a
    paragraph's notes must be written in the order of their anchors."""
    spans = find_phrase(note["anchor"], paragraph[0].astext())
    if len(spans) != 1:
        return  # mark_anchor reports it
    start = spans[0][0]
    number = paragraph["number"]
    if number in previous and start < previous[number][0]:
        earlier = previous[number][1]
        warn(
            Warn.NOTE_ORDER,
            f"the anchor {note['anchor']!r} comes before the anchor {earlier['anchor']!r} "
            f"of the note above it in ¶ {number}; write a paragraph's notes in the order "
            "of their anchors (move this note above that one)",
            note,
        )
    previous[number] = (start, note)


def _paragraph_before(note: ar.annotation) -> ar.numbered_paragraph | None:
    parent = note.parent
    index = parent.index(note)
    for sibling in reversed(parent.children[:index]):
        if isinstance(sibling, ar.numbered_paragraph):
            return sibling
        if not isinstance(sibling, ar.annotation):
            return None
    return None


def mark_anchor(paragraph: nodes.paragraph, note: ar.annotation) -> None:
    """Wrap the one occurrence of the note's anchor in an ``anchor_highlight``."""
    anchor = note["anchor"]
    occurrences = len(find_phrase(anchor, paragraph.astext()))
    number = paragraph.parent["number"]
    if occurrences == 0:
        partial = find_phrase(PARTIAL + anchor.removeprefix(PARTIAL), paragraph.astext())
        hint = (
            f"; it occurs only inside a word: quote whole words, or write `{PARTIAL}` "
            "before the anchor to match part of a word on purpose"
            if partial
            else "; copy the exact words of the paragraph above the note"
        )
        warn(Warn.ANCHOR_MISSING, f"anchor {anchor!r} is not in ¶ {number}{hint}", note)
        return
    if occurrences > 1:
        warn(
            Warn.ANCHOR_AMBIGUOUS,
            f"anchor {anchor!r} occurs {occurrences} times in ¶ {number}; "
            "quote more words so that it occurs once",
            note,
        )
        return
    for text in list(paragraph.findall(nodes.Text)):
        if isinstance(text.parent, ar.anchor_highlight):
            continue
        spans = find_phrase(anchor, str(text))
        if spans:
            (start, end), value = spans[0], str(text)
            before, phrase, after = value[:start], value[start:end], value[end:]
            mark = ar.anchor_highlight(
                phrase,
                phrase,
                kind=note["kind"],
                number=note["number"],
                note_id=note["ids"][0],
            )
            parent = text.parent
            index = parent.index(text)
            parent.remove(text)
            pieces = [nodes.Text(before), mark, nodes.Text(after)]
            for offset, piece in enumerate(p for p in pieces if p.astext()):
                parent.insert(index + offset, piece)
            return
    warn(
        Warn.ANCHOR_OVERLAP,
        f"anchor {anchor!r} overlaps the anchor of another note in ¶ {number}, or spans "
        "text with different markup; anchor one of the notes on other words",
        note,
    )
