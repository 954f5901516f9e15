"""What the edition holds, known before any page is read: its source pages
and chapters (from each page's front matter) and its packs. The ``{count}``
role prints these numbers as words, so that prose and headings ("the five
sources") follow the data; the pages using it are read again whenever a
number changes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from docutils.nodes import Node, system_message
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxRole

from ..diagnostics import Warn, warn
from ..domain import get_domain
from .packs import packs_of

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---", re.S)
WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


@dataclass(frozen=True)
class Census:
    sources: tuple[str, ...]  # docnames of the source pages
    chapters: tuple[str, ...]  # docnames of the chapters (theme pages)
    method_chapters: tuple[str, ...]  # chapters about the sources themselves
    packs: tuple[str, ...]  # pack slugs

    def count(self, what: str) -> int | None:
        found = {
            "sources": len(self.sources),
            "chapters": len(self.chapters),
            "themes": len(self.chapters) - len(self.method_chapters),
            "packs": len(self.packs),
        }
        return found.get(what)


def front_matter(path: Path) -> dict[str, str]:
    """``name: value`` lines of a page's front matter (enough to tell its kind)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    block = _FRONT_MATTER.match(text.replace("\r\n", "\n"))
    found = {}
    for line in block.group(1).splitlines() if block else ():
        name, colon, value = line.partition(":")
        if colon and not line.startswith((" ", "\t")):
            found[name.strip()] = value.split("#")[0].strip().strip("\"'")
    return found


def take_census(env: BuildEnvironment) -> Census:
    sources, chapters, method = [], [], []
    for docname in sorted(env.found_docs):
        meta = front_matter(Path(env.doc2path(docname)))
        if meta.get("source"):
            sources.append(docname)
        if meta.get("theme"):
            chapters.append(docname)
            if meta["theme"] == env.config.reader_method_chapter:
                method.append(docname)
    packs = tuple(packs_of(env.srcdir, env.config))
    return Census(tuple(sources), tuple(chapters), tuple(method), packs)


def as_words(number: int) -> str:
    """ "five" up to ten, digits above (the usual style for prose)."""
    return WORDS[number] if 0 <= number < len(WORDS) else str(number)


def on_env_get_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Take the census before reading; pages that print a count that changed are read again."""
    domain = get_domain(env)
    census = take_census(env)
    previous = domain.data.get("census")
    domain.data["census"] = census
    if previous is None or previous == census:
        return []
    return sorted(doc for doc in domain.data["counted"] if doc in env.found_docs)


class CountRole(SphinxRole):
    """``{count}`sources``` -> "five"; also ``chapters``, ``themes`` (chapters
    other than ``reader_method_chapter``) and ``packs``. A capital initial
    (``Sources``) gives "Five"."""

    targets: ClassVar[tuple[str, ...]] = ("sources", "chapters", "themes", "packs")

    def run(self) -> tuple[list[Node], list[system_message]]:
        what = self.text.strip()
        domain = get_domain(self.env)
        census = domain.data.get("census") or take_census(self.env)
        number = census.count(what.lower())
        if number is None:
            warn(
                Warn.BAD_COUNT,
                f"cannot count {what!r}; write one of: {', '.join(self.targets)}",
                self.get_location(),
            )
            return [nodes.inline(self.rawtext, self.text)], []
        domain.data["counted"].add(self.env.docname)
        word = as_words(number)
        return [nodes.Text(word.capitalize() if what[:1].isupper() else word)], []
