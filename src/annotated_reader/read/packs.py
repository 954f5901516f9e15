"""Briefing packs: ``packs.toml`` names what each PDF contains; the extension
derives ``latex_documents`` from it, and the ``{briefing-pack}`` directive on
each pack's start page lists the contents (HTML) or inlines them (LaTeX)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..diagnostics import Warn, warn


@dataclass(frozen=True)
class Pack:
    slug: str
    title: str
    subtitle: str
    contents: tuple[str, ...]
    keywords: tuple[str, ...] = ()  # the PDF's metadata, with reader_keywords

    @property
    def start(self) -> str:
        return f"packs/{self.slug}"


def packs_of(srcdir: str | Path, config: Any) -> dict[str, Pack]:
    """The packs of ``packs.toml`` (a path relative to the source directory)."""
    path = Path(srcdir, config.reader_packs)
    return _load_packs(str(path), path.stat().st_mtime if path.is_file() else 0.0)


@lru_cache(maxsize=4)
def _load_packs(name: str, mtime: float) -> dict[str, Pack]:
    """Read and check ``packs.toml`` once per change; problems are ``bad_pack`` warnings."""
    path = Path(name)
    if not path.is_file():
        return {}
    location = f"{path}:1"  # a string with a colon is printed as it is
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        warn(Warn.BAD_PACK, f"{path.name} is not valid TOML: {error}", location)
        return {}
    packs = {}
    for slug, spec in data.get("packs", {}).items():
        if not isinstance(spec, dict) or not isinstance(spec.get("title"), str):
            warn(Warn.BAD_PACK, f'pack {slug!r} needs a title = "..."', location)
            continue
        contents = spec.get("contents")
        if (
            not isinstance(contents, list)
            or not all(isinstance(c, str) for c in contents)
            or not contents
        ):
            warn(
                Warn.BAD_PACK,
                f'pack {slug!r} needs contents = ["themes/...", "sources/..."]',
                location,
            )
            continue
        keywords = spec.get("keywords", [])
        if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            warn(Warn.BAD_PACK, f'pack {slug!r}: keywords = ["...", "..."] lists words', location)
            keywords = []
        packs[slug] = Pack(
            slug, spec["title"], str(spec.get("subtitle", "")), tuple(contents), tuple(keywords)
        )
    return packs


def check_packs(app: Sphinx, env: Any, docnames: list[str]) -> None:
    """Every page a pack names, and its start page, must exist."""
    for slug, pack in packs_of(app.srcdir, app.config).items():
        for docname in (pack.start, *pack.contents, *app.config.reader_back_matter):
            if docname not in app.env.found_docs:
                warn(
                    Warn.BAD_PACK,
                    f"pack {slug!r} in {app.config.reader_packs} names {docname!r}, "
                    "which is not a page of the book; fix the name or create the page",
                    f"{Path(app.srcdir, app.config.reader_packs)}:1",
                )


class BriefingPack(SphinxDirective):
    """``{briefing-pack}`` on ``packs/<slug>.md``."""

    def run(self) -> list[nodes.Node]:
        slug = Path(self.env.docname).name
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
        if self.env._tags.has("format_latex"):
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
        intro += nodes.Text(
            ". It holds these pages with their margin notes and paragraph numbers, "
            "followed by the back matter and a bibliography of what the pack contains:"
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
