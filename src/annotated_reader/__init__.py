"""annotated_reader: a Sphinx extension for annotated editions of source texts.

Source pages get numbered, citable paragraphs checked against their raw text,
typed margin notes anchored to exact phrases, and backlinks to the chapters
that discuss them; chapters cite and quote paragraphs. HTML and LaTeX output.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.typing import ExtensionMetadata

from . import html, latex
from . import nodes as ar
from .bibstyle import register as register_bibliography_style
from .citing import on_html_page_context, write_exports
from .collect import on_doctree_read
from .directives import Annotation, CitationGuide, Concordance, Editorial, SourceInfo
from .domain import ReaderDomain, on_env_updated
from .packs import setup_packs
from .roles import PassageRole, ThemeRole
from .timeline import Timeline
from .transforms import (
    Backlinks,
    GlossaryPreviews,
    HtmlNoteLayout,
    LatexNoteLayout,
    LatexReferenceList,
    PackBibliography,
    ResolveReaderNodes,
)

__version__ = "0.1.0"

PACKAGE = Path(__file__).parent


def _passthrough(self: object, node: object) -> None:
    """Formats without margins show a note's text where it stands."""


def setup_nodes(app: Sphinx) -> None:
    plain = (_passthrough, _passthrough)
    for node, module in (
        (ar.numbered_paragraph, "numbered_paragraph"),
        (ar.annotation, "annotation"),
        (ar.anchor_highlight, "anchor_highlight"),
    ):
        app.add_node(
            node,
            html=(getattr(html, f"visit_{module}"), getattr(html, f"depart_{module}")),
            latex=(getattr(latex, f"visit_{module}"), getattr(latex, f"depart_{module}")),
            text=plain,
            man=plain,
            texinfo=plain,
        )


def setup_assets(app: Sphinx, config: Config) -> None:
    config.html_static_path.append(str(PACKAGE / "static"))
    config.latex_additional_files.append(str(PACKAGE / "latex" / "annotatedreader.sty"))


def setup(app: Sphinx) -> ExtensionMetadata:
    register_bibliography_style()
    app.setup_extension("myst_parser")
    app.setup_extension("sphinxcontrib.bibtex")
    setup_nodes(app)
    setup_packs(app)
    app.add_domain(ReaderDomain)
    app.add_directive("source-info", SourceInfo)
    app.add_directive("editorial", Editorial)
    app.add_directive("annotation", Annotation)
    app.add_directive("concordance", Concordance)
    app.add_directive("timeline", Timeline)
    app.add_directive("how-to-cite", CitationGuide)
    app.add_role("passage", PassageRole(quoting=False))
    app.add_role("quote", PassageRole(quoting=True))
    app.add_role("theme", ThemeRole())
    app.connect("doctree-read", on_doctree_read, priority=600)
    app.connect("env-updated", on_env_updated)
    app.connect("config-inited", setup_assets)
    app.connect("html-page-context", on_html_page_context)
    app.connect("build-finished", write_exports)
    for transform in (
        ResolveReaderNodes,
        Backlinks,
        HtmlNoteLayout,
        LatexNoteLayout,
        GlossaryPreviews,
        PackBibliography,
        LatexReferenceList,
    ):
        app.add_post_transform(transform)
    app.add_css_file("annotated-reader.css")
    app.add_js_file("annotated-reader.js", defer="defer")  # it reads the page it is on
    app.add_latex_package("annotatedreader")
    return {
        "version": __version__,
        "env_version": 4,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
