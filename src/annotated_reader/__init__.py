"""annotated_reader: a Sphinx extension for annotated editions of source texts.

Source pages get numbered, citable paragraphs checked against their raw text,
typed margin notes anchored to exact phrases, and backlinks to the chapters
that discuss them; chapters cite and quote paragraphs. The package follows
the data: ``read/`` (directives, roles, collection) -> ``domain`` (storage)
-> ``resolve`` (the whole book checked and linked) -> ``write/`` (HTML,
LaTeX); ``cite/`` formats citations and exports the bibliography.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.docutils import SphinxRole
from sphinx.util.typing import ExtensionMetadata

from . import config, nodes
from .cite.exports import write_exports
from .cite.memory import setup_memory
from .cite.style import register as register_bibliography_styles
from .cite.style import use_citation_style
from .cite.works import check_bibliography, end_lenient
from .domain import ReaderDomain
from .read.census import CountRole, on_env_get_outdated
from .read.collect import on_doctree_read, skip_undecodable
from .read.directives import (
    Annotation,
    BibliographyDownloads,
    CitationGuide,
    Concordance,
    Editorial,
    SourceInfo,
)
from .read.packs import setup_packs
from .read.raw_markup import RawDirective, RefuseRawMarkup
from .read.roles import PassageRole, ThemeRole
from .read.student import MyNotes, PackBuilder
from .read.timeline import Timeline
from .resolve import on_env_updated, on_warn_missing_reference
from .write import html, latex, plain
from .write.citations import InTextCitations
from .write.content import Backlinks, ResolveReaderNodes
from .write.epub import setup_epub
from .write.navigation import setup_navigation
from .write.student import ChapterText, StudentPages, copy_paged_js

try:
    __version__ = version("annotated-reader")
except PackageNotFoundError:  # run from a source tree that is not installed
    __version__ = "0+unknown"

PACKAGE = Path(__file__).parent


def setup_nodes(app: Sphinx) -> None:
    """Visitors for every node that reaches a writer, in every format."""
    for node in (
        nodes.numbered_paragraph,
        nodes.annotation,
        nodes.anchor_highlight,
        nodes.note_legend,
        nodes.bibliography_downloads,
    ):
        name = node.__name__
        app.add_node(
            node,
            html=(getattr(html, f"visit_{name}"), getattr(html, f"depart_{name}", None)),
            latex=(getattr(latex, f"visit_{name}"), getattr(latex, f"depart_{name}", None)),
            text=plain.VISITORS[name],
            man=plain.VISITORS[name],
            texinfo=plain.VISITORS[name],
        )


def add_static_path(app: Sphinx, config: Config) -> None:
    config.html_static_path.append(str(PACKAGE / "static"))
    config.templates_path.append(str(PACKAGE / "templates"))


def setup(app: Sphinx) -> ExtensionMetadata:
    register_bibliography_styles()
    app.setup_extension("myst_parser")
    app.setup_extension("sphinxcontrib.bibtex")
    config.register(app)
    app.connect("config-inited", use_citation_style, priority=200)  # after validation
    setup_nodes(app)
    app.add_domain(ReaderDomain)
    roles: dict[str, SphinxRole] = {
        "passage": PassageRole(quoting=False),
        "quote": PassageRole(quoting=True),
        "theme": ThemeRole(),
        "count": CountRole(),
    }
    for name, role in roles.items():
        app.add_role(name, role)
        app.add_role_to_domain("reader", name, role)
    for name, directive in (
        ("source-info", SourceInfo),
        ("editorial", Editorial),
        ("annotation", Annotation),
        ("concordance", Concordance),
        ("timeline", Timeline),
        ("how-to-cite", CitationGuide),
        ("bibliography-downloads", BibliographyDownloads),
        ("my-notes", MyNotes),
        ("pack-builder", PackBuilder),
    ):
        app.add_directive(name, directive)
    app.add_directive("raw", RawDirective, override=True)
    app.add_transform(RefuseRawMarkup)
    setup_packs(app)
    app.connect("env-get-outdated", on_env_get_outdated)
    # config-inited: sphinxcontrib-bibtex 2.6 reads the .bib files as the environment is made
    app.connect("config-inited", check_bibliography, priority=900)
    app.connect("env-before-read-docs", end_lenient)
    app.connect("env-before-read-docs", skip_undecodable)
    app.connect("doctree-read", on_doctree_read, priority=600)
    app.connect("env-updated", on_env_updated)
    app.connect("warn-missing-reference", on_warn_missing_reference)
    app.add_post_transform(InTextCitations)
    app.add_post_transform(ResolveReaderNodes)
    app.add_post_transform(Backlinks)
    app.add_post_transform(StudentPages)
    app.add_post_transform(ChapterText)
    html.setup_html(app)
    setup_navigation(app)
    setup_memory(app)
    latex.setup_latex(app)
    setup_epub(app)
    app.connect("config-inited", add_static_path)
    app.connect("build-finished", write_exports)
    app.connect("build-finished", copy_paged_js)
    return {
        "version": __version__,
        "env_version": 6,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
