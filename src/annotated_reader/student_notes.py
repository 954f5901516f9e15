"""A student's notes as "My notes" exports them: a W3C Web Annotation
collection (JSON-LD), each note targeting a page, refined from its paragraph
(``#p<N>``) to its quoted words (a TextQuoteSelector); a note on a chapter,
which has no numbered paragraphs, from its section (or from nothing). ``make
pdf NOTES=my-notes.jsonld`` puts the notes on paragraphs in the margin of a
pack (write/latex.py); a chapter's notes are read, and left to the browser's
pack."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse


@dataclass(frozen=True)
class StudentNote:
    path: str  # the page's address path, e.g. /reader/sources/smith2024.html
    para: int  # 0: a note on a chapter, anchored by its section and quote
    exact: str
    text: str

    def page_of(self, docnames: set[str]) -> str | None:
        """The page of this edition the note is on: the docname that ends its address."""
        path = unquote(self.path)
        for docname in sorted(docnames, key=len, reverse=True):
            if path.endswith(f"/{docname}.html") or path == f"{docname}.html":
                return docname
        return None


def read_notes(path: str | Path) -> tuple[StudentNote, ...]:
    """The notes of an exported file; ValueError says what is wrong with it."""
    file = Path(path)
    if not file.is_file():
        raise ValueError(f"{file} does not exist: export it from the site's “My notes” page")
    return _read(str(file.resolve()), file.stat().st_mtime)


@lru_cache(maxsize=4)
def _read(path: str, mtime: float) -> tuple[StudentNote, ...]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path} is not a JSON file ({error})") from None
    if isinstance(data, dict) and data.get("type") == "AnnotationCollection":
        items = (data.get("first") or {}).get("items", [])
    elif isinstance(data, dict) and data.get("type") == "AnnotationPage":
        items = data.get("items", [])
    else:
        items = data if isinstance(data, list) else [data]
    return tuple(_note(item, path, n) for n, item in enumerate(items, start=1))


def _note(item: Any, path: str, n: int) -> StudentNote:
    problem = f"{path}: annotation {n} is not a note exported from “My notes”"
    if not isinstance(item, dict) or item.get("type") != "Annotation":
        raise ValueError(f"{problem} (its type is not Annotation)")
    target = item.get("target")
    target = target[0] if isinstance(target, list) and target else target
    if not isinstance(target, dict) or not isinstance(target.get("source"), str):
        raise ValueError(f"{problem} (no target source)")
    selectors = target.get("selector")
    selectors = selectors if isinstance(selectors, list) else [selectors]
    fragment = next(
        (s for s in selectors if isinstance(s, dict) and s.get("type") == "FragmentSelector"), {}
    )
    quote = fragment.get("refinedBy") or next(
        (s for s in selectors if isinstance(s, dict) and s.get("type") == "TextQuoteSelector"), {}
    )
    number = re.fullmatch(r"p(\d+)", str(fragment.get("value", "")))
    if not isinstance(quote, dict) or not quote.get("exact"):
        raise ValueError(f"{problem} (no quoted words)")
    body = item.get("body")
    body = body[0] if isinstance(body, list) and body else body
    text = body.get("value", "") if isinstance(body, dict) else ""
    return StudentNote(
        urlparse(target["source"]).path,
        int(number.group(1)) if number else 0,
        " ".join(str(quote["exact"]).split()),
        str(text).strip(),
    )
