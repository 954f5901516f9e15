"""Pinned paragraphs. Once an edition is published, students cite "Lee 2017,
¶ 8"; if a paragraph were removed, every later number would point at other
text. The lock file (``reader_paragraph_lock``, by default
``sources/paragraphs.lock``) records each source's numbered paragraphs with a
hash of their text. The build compares every page with it and fails when a
pinned paragraph changes, disappears or moves, or when a paragraph is not
pinned yet; ``{passage}`` references to a changed paragraph are named too.

The build never writes the lock: the ``lock`` command does, deliberately.
Without a lock file the edition is a draft: nothing is pinned."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from .diagnostics import Warn, read_utf8, warn
from .domain import ReaderDomain
from .model import PassageRef, SourcePage

COMMAND = "annotated-reader lock"
HEADER = f"""\
# The published paragraphs of each source: number = "hash first words".
# A strict build fails if a pinned paragraph changes, disappears or moves.
# To publish a new edition deliberately, run `{COMMAND}` and commit this file.
"""
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def paragraph_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _first_words(text: str, count: int = 8) -> str:
    words = text.split(" ")
    return " ".join(words[:count]) + (" …" if len(words) > count else "")


@dataclass
class LockedSource:
    key: str
    hashes: list[str]  # ¶ 1 first
    starts: list[str]  # the first words of each, for messages and reviewers
    line: int  # of the [key] table in the lock file


def lock_path(srcdir: str | Path, config: Any) -> Path | None:
    name = config.reader_paragraph_lock
    return Path(srcdir, name) if name else None


def read_lock(path: Path) -> dict[str, LockedSource]:
    """The pinned sources; a malformed lock is a warning and pins nothing."""
    text = read_utf8(path)
    where = f"{path}:1"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        warn(
            Warn.PARAGRAPH_CHANGED,
            f"{path.name} is not valid TOML ({error}); restore it from version control, "
            f"or run `{COMMAND}` to write it again",
            where,
        )
        return {}
    lines = text.splitlines()
    locked = {}
    for key, table in data.items():
        line = next(
            (i + 1 for i, s in enumerate(lines) if s.strip() in (f"[{key}]", f'["{key}"]')), 1
        )
        values = table if isinstance(table, dict) else {}
        numbers = sorted(int(n) for n in values if str(n).isdigit())
        if not values or numbers != list(range(1, len(values) + 1)):
            warn(
                Warn.PARAGRAPH_CHANGED,
                f"the lock entry of {key!r} is damaged (paragraphs must be 1, 2, 3, ...); "
                f"restore {path.name} from version control, or run `{COMMAND}`",
                f"{path}:{line}",
            )
            continue
        entries = [str(values[str(n)]) for n in numbers]
        locked[key] = LockedSource(
            key,
            [e.split(" ", 1)[0] for e in entries],
            [e.partition(" ")[2].strip() for e in entries],
            line,
        )
    return locked


def render_lock(pages: Sequence[SourcePage]) -> str:
    parts = [HEADER]
    for page in sorted(pages, key=lambda p: p.key):
        key = page.key if _BARE_KEY.match(page.key) else json.dumps(page.key)
        parts.append(f"\n[{key}]\n")
        for paragraph in page.paragraphs:
            value = f"{paragraph_hash(paragraph.text)} {_first_words(paragraph.text)}"
            text = json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
            parts.append(f"{paragraph.number} = {text}\n")
    return "".join(parts)


# -- comparing a source with its lock ------------------------------------------


@dataclass
class Change:
    """One difference between the pinned and the current paragraphs."""

    kind: str  # "renumbered", "removed", "changed", "inserted", "appended"
    old: tuple[int, int]  # pinned numbers, first-last (empty range: none)
    new: tuple[int, int]  # current numbers

    def describe(self, locked: LockedSource) -> str:
        def span(first: int, last: int) -> str:
            return f"¶ {first}" if first == last else f"¶¶ {first}–{last}"

        old, new = span(*self.old), span(*self.new)
        are = "is" if self.new[0] == self.new[1] else "are"
        began = f"'{locked.starts[self.old[0] - 1]}'" if self.old[0] <= len(locked.starts) else ""
        if self.kind == "renumbered":
            return f"{new} {'was' if are == 'is' else 'were'} {old} of the published edition"
        if self.kind == "removed":
            return f"published {old} (which began {began}) is no longer on the page"
        if self.kind == "changed":
            return f"{new} {are} not the published {old} (which began {began})"
        if self.kind == "inserted":
            return f"{new} {are} new, inserted before published {span(self.old[0], self.old[0])}"
        return f"{new} {are} new and not pinned yet"


def compare(locked: LockedSource, page: SourcePage) -> list[Change]:
    """What happened to the pinned paragraphs, in page order."""
    current = [paragraph_hash(p.text) for p in page.paragraphs]
    changes = []
    matcher = difflib.SequenceMatcher(a=locked.hashes, b=current, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = (i1 + 1, i2), (j1 + 1, j2)
        if op == "equal" and i1 != j1:
            changes.append(Change("renumbered", old, new))
        elif op == "delete":
            changes.append(Change("removed", old, (j1, j1)))
        elif op == "replace":
            changes.append(Change("changed", old, new))
        elif op == "insert":
            kind = "appended" if i1 == len(locked.hashes) else "inserted"
            changes.append(Change(kind, (i1 + 1, i1 + 1), new))
    return changes


def changed_numbers(locked: LockedSource, page: SourcePage) -> set[int]:
    """Pinned paragraph numbers whose text is no longer what the number shows."""
    current = [paragraph_hash(p.text) for p in page.paragraphs]
    return {
        number
        for number, pinned in enumerate(locked.hashes, start=1)
        if number > len(current) or current[number - 1] != pinned
    }


def affected_refs(refs: list[PassageRef], key: str, numbers: set[int]) -> list[PassageRef]:
    return [r for r in refs if r.key == key and numbers & set(range(r.start, r.end + 1))]


# -- the build's check ----------------------------------------------------------


def check_lock(app: Sphinx, domain: ReaderDomain) -> None:
    """Every source page against the lock (env-updated, on every build)."""
    path = lock_path(app.srcdir, app.config)
    if path is None or not path.is_file():
        return  # a draft edition: nothing published, nothing pinned
    locked = read_lock(path)
    name = app.config.reader_paragraph_lock
    publish = (
        "Students' citations of these numbers would point at other text. Published "
        "paragraphs stay as they are; to publish a new edition deliberately, run "
        f"`{COMMAND}` (it lists every passage reference whose text changed) and commit {name}"
    )
    for key, page in sorted(domain.sources.items()):
        pinned = locked.get(key)
        if pinned is None:
            warn(
                Warn.PARAGRAPH_UNLOCKED,
                f"source {key!r} is not in {name}, so its paragraph numbers are not pinned; "
                f"run `{COMMAND}` to pin them, and commit {name}",
                (page.docname, page.lineno),
            )
            continue
        for change in compare(pinned, page):
            number = min(max(change.new[0], 1), len(page.paragraphs))
            line = page.paragraphs[number - 1].lineno if page.paragraphs else page.lineno
            where = (page.docname, line)
            message = f"{key}: {change.describe(pinned)}."
            if change.kind == "appended":
                warn(Warn.PARAGRAPH_UNLOCKED, f"{message} Run `{COMMAND}` to pin it", where)
            else:
                warn(Warn.PARAGRAPH_CHANGED, f"{message} {publish}", where)
        numbers = changed_numbers(pinned, page)
        for ref in affected_refs(domain.refs, key, numbers):
            target = f"{ref.key}:{ref.start}" + (f"-{ref.end}" if ref.end != ref.start else "")
            warn(
                Warn.PARAGRAPH_CHANGED,
                f"{target} points at a paragraph whose text is not the published one "
                f"({name}); check that the reference still cites what it means, then run "
                f"`{COMMAND}`",
                ref.location,
            )
    for key, pinned in sorted(locked.items()):
        if key not in domain.sources:
            warn(
                Warn.PARAGRAPH_CHANGED,
                f"source {key!r} is pinned in {name} but no page declares it: a published "
                f"source was removed or renamed. Restore it, or run `{COMMAND}` to publish an "
                "edition without it",
                f"{path}:{pinned.line}",
            )
