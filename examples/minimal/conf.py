"""The smallest annotated reader: one source, one chapter, one note.

Build it with ``sphinx-build -W --keep-going -n . _build/html`` once the
extension is installed (``pip install annotated-reader``)."""

project = "A Minimal Reader"
author = "A. Editor"
copyright = "2026, A. Editor; the sample text was written for this example"

# annotated_reader loads myst_parser and sphinxcontrib.bibtex itself.
extensions = ["annotated_reader"]
myst_enable_extensions = ["colon_fence"]  # the ::: fences of {annotation}
smartquotes = False  # sources are verbatim: no curly quotes or dashes added
exclude_patterns = ["_build", "sources/raw"]

bibtex_bibfiles = ["references.bib"]

html_theme = "alabaster"
html_title = project  # not "... documentation"

# The reader_* values (see docs/reference.md); the rest keep their defaults.
reader_title = "A Minimal Reader"
reader_editors = ["A. Editor"]
reader_back_matter: list[str] = []  # no briefing packs, so no back matter
