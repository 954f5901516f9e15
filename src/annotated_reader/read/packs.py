"""Briefing packs: ``packs.toml`` names what each PDF contains; the extension
derives ``latex_documents`` from it, and the ``{briefing-pack}`` directive on
each pack's start page lists the contents (HTML) or inlines them (LaTeX)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..compat import sphinx_app
from ..diagnostics import Warn, warn


@dataclass(frozen=True)
class Pack:
    slug: str
    title: str
    subtitle: str
    contents: tuple[str, ...]
    complete: bool = False  # must contain every source and chapter of the book
    line: int = 1  # of its [packs.<slug>] table in the packs file
    keywords: tuple[str, ...] = ()  # the PDF's metadata, with reader_keywords

    @property
    def start(self) -> str:
        return f"packs/{self.slug}"


@dataclass(frozen=True)
class PacksFile:
    """The packs of a packs file, and what is wrong with it."""

    path: Path
    packs: dict[str, Pack]
    problems: tuple[tuple[Warn, str, int], ...]  # (subtype, message, line)


def packs_file(srcdir: str | Path, config: Any) -> PacksFile:
    path = Path(srcdir, config.reader_packs)
    return _load_packs(str(path), path.stat().st_mtime if path.is_file() else 0.0)


def packs_of(srcdir: str | Path, config: Any) -> dict[str, Pack]:
    """The packs of ``packs.toml`` (a path relative to the source directory)."""
    return packs_file(srcdir, config).packs


_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@lru_cache(maxsize=4)
def _load_packs(name: str, mtime: float) -> PacksFile:
    """Read and check ``packs.toml`` once per change; ``check_packs`` reports
    the problems on every build."""
    path = Path(name)
    if not path.is_file():
        return PacksFile(path, {}, ())
    problems: list[tuple[Warn, str, int]] = []
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.append((Warn.NOT_UTF8, f"{path.name} is not UTF-8: save it as UTF-8", line))
        text = raw.decode("utf-8-sig", errors="replace")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"at line (\d+)", str(error))
        line = int(found.group(1)) if found else 1
        problems.append((Warn.BAD_PACK, f"{path.name} is not valid TOML: {error}", line))
        return PacksFile(path, {}, tuple(problems))
    lines = text.splitlines()

    def line_of(slug: str) -> int:
        return next((i + 1 for i, s in enumerate(lines) if slug in s and "[" in s), 1)

    specs = data.get("packs", {})
    if not isinstance(specs, dict):
        problems.append((Warn.BAD_PACK, "write each pack as a [packs.<slug>] table", 1))
        specs = {}
    packs = {}
    for slug, spec in specs.items():
        problem = ""
        if not _SLUG.match(slug):
            problem = (
                f"pack name {slug!r} is also its file name: use lower-case letters, digits "
                "and hyphens, e.g. [packs.trade-and-alliance]"
            )
        elif not isinstance(spec, dict) or not isinstance(spec.get("title"), str):
            problem = f'pack {slug!r} needs a title = "..."'
        elif not isinstance(spec.get("subtitle", ""), str):
            problem = f'pack {slug!r}: write subtitle = "..." in quotes'
        elif not (
            isinstance(spec.get("contents"), list)
            and spec["contents"]
            and all(isinstance(c, str) for c in spec["contents"])
        ):
            problem = f'pack {slug!r} needs contents = ["themes/...", "sources/..."]'
        if problem:
            problems.append((Warn.BAD_PACK, problem, line_of(slug)))
            continue
        complete = spec.get("complete", False)
        if not isinstance(complete, bool):
            problems.append(
                (Warn.BAD_PACK, f"pack {slug!r}: write complete = true or false", line_of(slug))
            )
            complete = False
        keywords = spec.get("keywords", [])
        if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            problems.append(
                (
                    Warn.BAD_PACK,
                    f'pack {slug!r}: keywords = ["...", "..."] lists words',
                    line_of(slug),
                )
            )
            keywords = []
        packs[slug] = Pack(
            slug,
            spec["title"],
            spec.get("subtitle", ""),
            tuple(spec["contents"]),
            complete,
            line_of(slug),
            tuple(keywords),
        )
    return PacksFile(path, packs, tuple(problems))


def check_packs(app: Sphinx, env: Any, docnames: list[str]) -> None:
    """On every build: the packs file's problems, every page a pack names (and
    its start page) must exist, and a complete pack must name every source and
    chapter."""
    from .census import take_census  # census counts packs: import here, not at the top

    census = take_census(app.env)
    loaded = packs_file(app.srcdir, app.config)
    for subtype, message, line in loaded.problems:
        warn(subtype, message, f"{loaded.path}:{line}")
    for slug, pack in loaded.packs.items():
        lacking = [d for d in (*census.chapters, *census.sources) if d not in pack.contents]
        if pack.complete and lacking:
            quoted = ", ".join(f'"{d}"' for d in lacking)
            warn(
                Warn.BAD_PACK,
                f"pack {slug!r} is complete = true but lacks {quoted}; add "
                f"{'it' if len(lacking) == 1 else 'them'} to its contents",
                f"{loaded.path}:{pack.line}",
            )
        for docname in (pack.start, *pack.contents, *app.config.reader_back_matter):
            if docname not in app.env.found_docs:
                warn(
                    Warn.BAD_PACK,
                    f"pack {slug!r} in {app.config.reader_packs} names {docname!r}, "
                    "which is not a page of the book; fix the name or create the page",
                    f"{loaded.path}:{pack.line}",
                )


class BriefingPack(SphinxDirective):
    """``{briefing-pack}`` on ``packs/<slug>.md``."""

    def run(self) -> list[nodes.Node]:
        slug = Path(self.env.docname).name
        # The start page shows what the packs file says: reread it when that changes.
        self.env.note_dependency(str(Path(self.env.srcdir, self.config.reader_packs)))
        pack = packs_of(self.env.srcdir, self.config).get(slug)
        if pack is None:
            warn(
                Warn.BAD_PACK,
                f"no pack {slug!r} in {self.config.reader_packs}",
                self.get_location(),
            )
            return []
        entries = [*pack.contents, *self.config.reader_back_matter]
        # The LaTeX build reads its own doctrees, so only it inlines the pages;
        # the site lists them, keeping each page in one navigation tree.
        if sphinx_app(self.env).tags.has("format_latex"):
            toc = addnodes.toctree()
            toc["parent"] = self.env.docname
            toc["entries"] = [(None, doc) for doc in entries]
            toc["includefiles"] = entries
            settings = {
                "maxdepth": 1,
                "glob": False,
                "hidden": True,
                "caption": None,
                "titlesonly": False,
                "numbered": 0,
                "includehidden": False,
            }
            for name, value in settings.items():
                toc[name] = value
            return [toc]
        result: list[nodes.Node] = []
        if pack.subtitle:
            result.append(nodes.paragraph("", "", nodes.emphasis("", pack.subtitle)))
        intro = nodes.paragraph()
        intro += nodes.Text("The PDF of this pack is ")
        intro += nodes.reference("", f"{slug}.pdf", refuri=f"../pdf/{slug}.pdf")
        intro += nodes.Text(", and its e-book (EPUB 3) ")
        intro += nodes.reference("", f"{slug}.epub", refuri=f"../epub/{slug}.epub")
        intro += nodes.Text(
            ". Each holds these pages with their notes and paragraph numbers, "
            "followed by the back matter:"
        )
        result.append(intro)
        items = nodes.bullet_list()
        for doc in pack.contents:
            ref = addnodes.pending_xref(
                "",
                nodes.inline("", doc),
                refdomain="std",
                reftype="doc",
                reftarget="/" + doc,
                refexplicit=False,
                refwarn=True,
            )
            self.set_source_info(ref)
            items += nodes.list_item("", nodes.paragraph("", "", ref))
        result.append(items)
        return result


def setup_packs(app: Sphinx) -> None:
    app.add_directive("briefing-pack", BriefingPack)
    app.connect("env-before-read-docs", check_packs)
