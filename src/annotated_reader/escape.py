"""Source text is text: write a block of an author's text as MyST Markdown
that renders as exactly that text, whatever it contains (``<script>``,
``{role}``, ``$x$``, ``[^1]``, a leading ``1.``, ``-``, ``#`` or ``>``).

CommonMark lets a backslash escape any ASCII punctuation; the escaped
character is shown as itself. Only the characters that can start markup are
escaped, so that the page stays readable for the editor who annotates it."""

from __future__ import annotations

import re

# Anywhere in a line: code, emphasis, links and footnotes, raw HTML and
# autolinks, roles and substitutions, math, strikethrough, the escape itself.
_ANYWHERE = re.compile(r"([\\`*\[<{$~])")
# "_" opens emphasis only at a word's edge ("snake_case" is safe).
_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
# "&amp;", "&#60;": character references are decoded unless escaped.
_ENTITY = re.compile(r"&(?=#?\w+;)")
# At the start of a block: headings, quotes, list items, thematic breaks,
# MyST comments, targets, directives and field lists, block breaks.
_LEADING = re.compile(r"^([#>+\-%:(|=!])")
_ORDERED = re.compile(r"^(\d{1,9})([.)])")
_NEWLINES = re.compile(r"[ \t\r]*\n[ \t\r\n]*")


def escape_inline(text: str) -> str:
    """``text`` with every character that could start inline markup escaped."""
    text = _ANYWHERE.sub(r"\\\1", text)
    text = _UNDERSCORE.sub(r"\\_", text)
    return _ENTITY.sub(r"\\&", text)


def escape_block(text: str) -> str:
    """One paragraph (or heading text) on one line, as MyST that shows it literally."""
    line = _NEWLINES.sub(" ", text.strip())  # no-break spaces stay as they are
    line = escape_inline(line)
    line = _ORDERED.sub(r"\1\\\2", line)
    return _LEADING.sub(r"\\\1", line)
