"""Sphinx configuration of the annotated reader: US–Japan relations in the Trump era."""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "src"))  # the extension, also when not installed

project = "US–Japan Relations in the Trump Era: An Annotated Reader"
author = "The Annotated Reader editors"
copyright = "2026, the editors; source texts © their authors and publishers"
language = "en"

extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinxcontrib.bibtex",
    "annotated_reader",
]

myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]
myst_heading_anchors = 3
# The sources are reproduced verbatim: no curly-quote or dash substitution.
smartquotes = False

exclude_patterns = [
    "_build",
    ".venv",
    "node_modules",
    ".scratch",
    ".pytest_cache",
    "**/.pytest_cache",
    "tests",
    "benchmarks",
    "src",
    "sources/raw",
    "sources/captures",
    "README.md",
    "AUTHORING.md",
    "research",  # evidence for figures and dates: read by the tests, not the build
    "docs",  # the extension's reference, for instructors, not students
    "examples",  # projects of their own (examples/minimal)
]

bibtex_bibfiles = ["references.bib"]
# The bibliography and {cite:p} follow reader_citation_style (below).
bibtex_cite_id = "cite-{bibliography_count}-{key}"

# -- The edition (the reader_* values are documented in docs/reference.md) -----

reader_title = "US–Japan Relations in the Trump Era: An Annotated Reader"
reader_editors = ["The Annotated Reader editors"]
# Where the edition is published: each page then names its own canonical URL,
# so that it is never taken for the original article. Set it when deploying.
reader_base_url = os.environ.get("READER_BASE_URL", "")
reader_citation_style = "apa"  # in-text citations and the bibliography: APA 7
reader_method_chapter = "reading-sources"  # about the sources: not in the concordance
# In the metadata of every PDF, before each pack's own keywords (packs.toml).
reader_keywords = ["United States", "Japan", "Donald Trump", "alliance", "foreign policy"]

# -- HTML ----------------------------------------------------------------------

html_theme = "sphinx_book_theme"
html_title = "US–Japan Relations in the Trump Era"
html_static_path: list[str] = []
templates_path = ["_templates"]  # the theme's search field, named by its label
# Light or dark as the reader's system prefers until they choose (without it
# the theme logs "invalid theme mode" on a first visit).
html_context = {"default_mode": "auto"}
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "secondary_sidebar_items": {"sources/*": []},
}
html_last_updated_fmt = None

# -- LaTeX (xelatex) ------------------------------------------------------------

latex_engine = "xelatex"
today_fmt = "%-d %B %Y"  # the date on each pack's title page, as the prose writes dates
latex_use_xindy = False
latex_show_urls = "no"
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "11pt",
    # One-sided: notes always in the right margin, paragraph numbers in the left.
    "extraclassoptions": "oneside,openany",
    # A wide outer margin for the notes; paragraph numbers use the inner one.
    "sphinxsetup": "hmargin={24mm,70mm}, vmargin={24mm,26mm}, marginpar=52mm",
    "fontpkg": r"""
\setmainfont{TeX Gyre Pagella}
\setsansfont{TeX Gyre Heros}[Scale=MatchLowercase]
\setmonofont{DejaVu Sans Mono}[Scale=0.85]
""",
    "maketitle": r"\armaketitle",  # annotatedreader.sty: title, subtitle, reading key
    "makeindex": "",
    "printindex": "",
    "preamble": r"""
\setlength{\marginparsep}{6mm}
""",
}
