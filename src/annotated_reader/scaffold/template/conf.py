"""Sphinx configuration of this annotated reader (see AUTHORING.md)."""

from __future__ import annotations

import os

project = @TITLE_PY@
author = "The editors"
copyright = "the editors; source texts © their authors and publishers"
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
    ".pytest_cache",
    "tests",
    "sources/raw",
    "sources/captures",
    "README.md",
    "AUTHORING.md",
]

bibtex_bibfiles = ["references.bib"]
bibtex_reference_style = "reader-author-year"  # (Author, 2024), round brackets
bibtex_default_style = "reader-apa"  # APA 7, as the "Cite this" boxes
bibtex_cite_id = "cite-{bibliography_count}-{key}"

# -- The edition -----------------------------------------------------------------

reader_title = project
reader_editors = ["The editors"]
# Where the edition is published: each page then names its own canonical URL.
reader_base_url = os.environ.get("READER_BASE_URL", "")

# -- HTML ------------------------------------------------------------------------

html_theme = "sphinx_book_theme"
html_title = project
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "secondary_sidebar_items": {"sources/*": []},
}
html_last_updated_fmt = None

# -- LaTeX (xelatex): one PDF per briefing pack of packs.toml ---------------------

latex_engine = "xelatex"
latex_use_xindy = False
latex_show_urls = "no"
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "11pt",
    "extraclassoptions": "oneside,openany",
    # A wide outer margin for the notes; paragraph numbers use the inner one.
    "sphinxsetup": "hmargin={24mm,70mm}, vmargin={24mm,26mm}, marginpar=52mm",
    "fontpkg": r"""
\setmainfont{TeX Gyre Pagella}
\setsansfont{TeX Gyre Heros}[Scale=MatchLowercase]
\setmonofont{DejaVu Sans Mono}[Scale=0.85]
""",
    "maketitle": r"\armaketitle",
    "makeindex": "",
    "printindex": "",
    "preamble": r"\setlength{\marginparsep}{6mm}",
}
