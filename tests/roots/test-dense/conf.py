# A source page with many notes on short paragraphs; the test writes the page
# (sources/dense2024.md and its raw text) before building.
extensions = ["myst_parser", "sphinxcontrib.bibtex", "annotated_reader"]
myst_enable_extensions = ["colon_fence"]
smartquotes = False
bibtex_bibfiles = ["refs.bib"]
exclude_patterns = ["_build", "sources/raw"]
reader_back_matter: list[str] = []
