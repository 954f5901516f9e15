"""Text matching shared by the raw-text check, anchors and quotations: the
edition compares words, not runs of spaces or no-break spaces, and a phrase
matches whole words unless it is marked as partial."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Collapse every run of whitespace (including no-break spaces) to one space."""
    return _SPACE.sub(" ", text).strip()


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A regex that finds ``phrase`` with any whitespace between its words."""
    words = [re.escape(word) for word in squash(phrase).split(" ")]
    return re.compile(r"\s+".join(words))


# An anchor or quotation that starts with this mark may begin or end inside a
# word ("~arbour of Portsmout"): a partial match, written on purpose.
PARTIAL = "~"

# Scripts written without spaces between words: any two characters may be a
# word boundary (as in Unicode's default word boundaries, UAX #29).
_UNSPACED = ("CJK", "IDEOGRAPHIC", "HIRAGANA", "KATAKANA", "HALFWIDTH KATAKANA", "THAI", "LAO")


def _in_word(char: str) -> bool:
    return char.isalnum() or unicodedata.category(char).startswith("M")


def _same_word(a: str, b: str) -> bool:
    """Whether adjacent characters ``a`` and ``b`` belong to one word."""
    if not (_in_word(a) and _in_word(b)):
        return False
    return not any(unicodedata.name(c, "").startswith(_UNSPACED) for c in (a, b))


def find_phrase(phrase: str, text: str) -> list[tuple[int, int]]:
    """Where ``phrase`` occurs in ``text`` (start, end), with loose whitespace;
    only whole words unless the phrase starts with ``~`` (see ``PARTIAL``)."""
    partial = phrase.startswith(PARTIAL)
    phrase = squash(phrase.removeprefix(PARTIAL))
    if not phrase:
        return []
    found = []
    for match in re.finditer(f"(?=({phrase_pattern(phrase).pattern}))", text):
        start, end = match.span(1)
        if partial or not (
            (start > 0 and _same_word(text[start - 1], text[start]))
            or (end < len(text) and _same_word(text[end - 1], text[end]))
        ):
            found.append((start, end))
    return found


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


_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def safe_url(url: str) -> bool:
    """Whether a link may point at ``url``: http(s), mailto, ftp, tel, or an address
    without a scheme (relative, or a fragment). Browsers ignore control
    characters and spaces inside a scheme (``java script:``), so this does too."""
    compact = _CONTROL.sub("", url).lower()
    scheme = re.match(r"^([a-z][a-z0-9+.-]*):", compact)
    return scheme is None or scheme.group(1) in ("http", "https", "mailto", "ftp", "tel")
