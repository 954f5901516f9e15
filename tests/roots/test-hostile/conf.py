extensions = ["myst_parser", "sphinxcontrib.bibtex", "annotated_reader"]
myst_enable_extensions = ["colon_fence"]
smartquotes = False
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "reader-author-year"
bibtex_default_style = "reader-apa"
bibtex_cite_id = "cite-{bibliography_count}-{key}"
exclude_patterns = ["_build", "sources/raw"]
latex_elements = {"sphinxsetup": "hmargin={24mm,70mm}, marginpar=52mm"}
reader_back_matter: list[str] = []
html_baseurl = "https://reader.example.org/"
html_theme = "sphinx_book_theme"
# As the book: sphinx-book-theme's print and full-screen buttons use onclick
# attributes, which a Content-Security-Policy of script-src 'self' blocks.
html_theme_options = {"use_download_button": False, "use_fullscreen_button": False}
