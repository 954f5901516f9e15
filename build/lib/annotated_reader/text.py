"""Text matching shared by the raw-text check, anchors and quotations: the
edition compares words, not runs of spaces or no-break spaces."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Collapse every run of whitespace (including no-break spaces) to one space."""
    return _SPACE.sub(" ", text).strip()


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A regex that finds ``phrase`` with any whitespace between its words."""
    words = [re.escape(word) for word in squash(phrase).split(" ")]
    return re.compile(r"\s+".join(words))


def first_difference(a: str, b: str, context: int = 30) -> tuple[str, str]:
    """The neighbourhood of the first character where ``a`` and ``b`` differ."""
    i = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    start = max(0, i - context)
    return a[start : i + context], b[start : i + context]


_TARGET = re.compile(r"^\s*([A-Za-z][\w-]*)\s*:\s*(\d+)\s*(?:[-–]\s*(\d+))?\s*$")


def parse_target(text: str) -> tuple[str, int, int] | None:
    """``key:N`` or ``key:N-M`` -> (key, N, M)."""
    match = _TARGET.match(text)
    if not match:
        return None
    key, start, end = match.group(1), int(match.group(2)), match.group(3)
    return key, start, int(end) if end else start
