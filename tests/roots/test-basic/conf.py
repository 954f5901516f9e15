project = "Harbours: A Test Reader"
reader_editors = ["Editor, Ann", "Harbour Society"]
extensions = ["myst_parser", "sphinxcontrib.bibtex", "annotated_reader"]
myst_enable_extensions = ["colon_fence"]
smartquotes = False
bibtex_bibfiles = ["refs.bib"]
bibtex_cite_id = "cite-{bibliography_count}-{key}"
exclude_patterns = ["_build", "sources/raw"]
latex_elements = {"sphinxsetup": "hmargin={24mm,70mm}, marginpar=52mm"}
reader_back_matter: list[str] = []
html_baseurl = "https://reader.example.org/"
