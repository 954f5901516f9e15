"""Authoring warnings: one place for every subtype, so each can be named in
``suppress_warnings`` and documented in AUTHORING.md."""

from __future__ import annotations

from enum import StrEnum
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
    ORPHAN_ANNOTATION = "orphan_annotation"
    BAD_PASSAGE = "bad_passage"
    QUOTE_NOT_FOUND = "quote_not_found"
    UNKNOWN_THEME = "unknown_theme"
    BAD_TIMELINE = "bad_timeline"
    BAD_PACK = "bad_pack"
    BIB_TODO = "bib_todo"
    BAD_COUNT = "bad_count"


def warn(subtype: Warn, message: str, location: Any) -> None:
    """Warn at ``location`` (a node, a docname or a ``(docname, line)`` pair)."""
    logger.warning(message, location=location, type="annotated_reader", subtype=subtype.value)
