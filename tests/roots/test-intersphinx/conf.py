# A project that links into a built reader through intersphinx; the test
# points intersphinx_mapping at that reader's objects.inv.
extensions = ["sphinx.ext.intersphinx", "annotated_reader"]
myst_enable_extensions = ["colon_fence"]
bibtex_bibfiles = ["refs.bib"]  # sphinxcontrib-bibtex wants one, even empty
exclude_patterns = ["_build"]
