# A source in many scripts, typeset with the real book's fonts: the PDF must
# show every character (the fallback fonts of annotatedreader.sty).
extensions = ["myst_parser", "sphinxcontrib.bibtex", "annotated_reader"]
myst_enable_extensions = ["colon_fence"]
smartquotes = False
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "reader-author-year"
bibtex_default_style = "reader-apa"
exclude_patterns = ["_build", "sources/raw"]
language = "en"
reader_editors = ["A. Editor", "B. Editor"]
reader_keywords = ["scripts", "fonts"]
reader_back_matter: list[str] = []
latex_engine = "xelatex"
latex_elements = {
    "sphinxsetup": "hmargin={24mm,70mm}, vmargin={24mm,26mm}, marginpar=52mm",
    "fontpkg": r"""
\setmainfont{TeX Gyre Pagella}
\setsansfont{TeX Gyre Heros}[Scale=MatchLowercase]
\setmonofont{DejaVu Sans Mono}[Scale=0.85]
""",
    "maketitle": r"\armaketitle",
    "preamble": r"\setlength{\marginparsep}{6mm}",
}
