extensions = ["myst_parser", "sphinxcontrib.bibtex", "annotated_reader"]
myst_enable_extensions = ["colon_fence"]
smartquotes = False
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "reader-apa"
exclude_patterns = ["_build", "sources/raw"]
reader_back_matter: list[str] = []
