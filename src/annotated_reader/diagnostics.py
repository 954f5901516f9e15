"""Authoring warnings: one place for every subtype, so each can be named in
``suppress_warnings`` and documented in AUTHORING.md."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

from sphinx.util import logging

logger = logging.getLogger("annotated_reader")


class Warn(StrEnum):
    RAW_MISMATCH = "raw_mismatch"
    RAW_MISSING = "raw_missing"
    UNKNOWN_SOURCE = "unknown_source"
    DUPLICATE_KEY = "duplicate_key"
    UNKNOWN_KIND = "unknown_kind"
    ANCHOR_MISSING = "anchor_missing"
    ANCHOR_AMBIGUOUS = "anchor_ambiguous"
    ANCHOR_OVERLAP = "anchor_overlap"
    NOTE_ORDER = "note_order"
    ORPHAN_ANNOTATION = "orphan_annotation"
    BAD_PASSAGE = "bad_passage"
    QUOTE_NOT_FOUND = "quote_not_found"
    UNKNOWN_THEME = "unknown_theme"
    BAD_TIMELINE = "bad_timeline"
    BAD_PACK = "bad_pack"
    BIB_TODO = "bib_todo"
    BAD_COUNT = "bad_count"
    RAW_HTML = "raw_html"
    UNSAFE_LINK = "unsafe_link"
    PARAGRAPH_CHANGED = "paragraph_changed"
    PARAGRAPH_UNLOCKED = "paragraph_unlocked"
    BAD_BIBLIOGRAPHY = "bad_bibliography"
    NOT_UTF8 = "not_utf8"
    PAGED_JS_MISSING = "paged_js_missing"


def warn(subtype: Warn, message: str, location: Any) -> None:
    """Warn at ``location``: a node, a docname, a ``(docname, line)`` pair, or
    a ``"path:line"`` string for files that are not pages."""
    logger.warning(message, location=location, type="annotated_reader", subtype=subtype.value)


def read_utf8(path: Path, location: Any = None) -> str:
    """The text of ``path``; a file that is not UTF-8 is a ``not_utf8`` warning
    (at the line of its first bad byte) and is read with replacement characters."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        warn(
            Warn.NOT_UTF8,
            f"{path.name} is not UTF-8 (byte 0x{data[error.start]:02x} at line {line} is "
            f"not valid UTF-8): save it as UTF-8 in your editor",
            location or f"{path}:{line}",
        )
        return data.decode("utf-8-sig", errors="replace")
