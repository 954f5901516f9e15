# The annotated reader. `make` builds the site and every briefing pack (PDF, EPUB);
# `make test` proves it works. Both set themselves up on a fresh machine.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
BUILD  := _build

.PHONY: all html pdf epub latex test lint serve bench screenshots clean system-deps constraints
.DEFAULT_GOAL := all

all: html pdf epub

# The extension (editable), the book's theme and the tools, at the exact
# versions of constraints.txt; reinstalled whenever either file changes.
$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "error: Python 3.11 or newer is needed (set PYTHON=...)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[book,dev]'
	@touch $@

# Record the virtual environment's versions in constraints.txt (after adding a
# dependency, or after `$(BIN)/pip install -U -e '.[book,dev]'`), then commit it.
constraints: $(VENV)/.installed
	@{ echo "# Exact versions of the book's environment; regenerate with make constraints."; \
	  $(BIN)/python -m pip freeze --exclude-editable; } > constraints.txt.new
	@mv constraints.txt.new constraints.txt
	@touch $(VENV)/.installed

system-deps:
	@bash scripts/install-system-deps.sh

# Node packages: browser-side libraries served from _static and independent
# checkers for the tests (axe-core, the Nu HTML Checker, citeproc-js).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

# Strict builds through the package's driver: each builds in _build/.staging
# and replaces _build/html (or _build/latex, _build/pdf) only if it succeeds;
# after a failed or interrupted build the next one starts afresh; two builds
# at once in this tree are serialised.
# The pack builder's print view serves Paged.js from node_modules (npm ci).
html: $(VENV)/.installed node_modules/.installed
	$(BIN)/annotated-reader build html

latex: $(VENV)/.installed
	$(BIN)/annotated-reader build latex

# One PDF per pack in packs.toml, into _build/pdf/ (and _build/html/pdf/).
# A student's own: `make pdf PACK=<slug> NOTES=my-notes.jsonld` (notes exported
# from "My notes") puts the notes in the margin, into _build/my-packs/.
PACK  ?=
NOTES ?=
pdf: system-deps $(VENV)/.installed
	$(BIN)/annotated-reader build pdf $(if $(PACK),--pack $(PACK)) $(if $(NOTES),--notes $(NOTES))
	@ls $(BUILD)/$(if $(PACK)$(NOTES),my-packs,pdf)

# One EPUB 3 per pack in packs.toml, into _build/epub/ (and _build/html/epub/).
epub: $(VENV)/.installed
	$(BIN)/annotated-reader build epub
	@ls $(BUILD)/epub

test: $(VENV)/.installed system-deps node_modules/.installed lint
	$(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests conf.py benchmarks scripts
	$(BIN)/ruff format --check src tests conf.py benchmarks scripts
	$(BIN)/mypy

# Live preview: one Sphinx application kept alive, rebuilt on every change
# (src/annotated_reader/serve.py); a change to conf.py or src/ needs a restart.
serve: $(VENV)/.installed node_modules/.installed
	$(BIN)/python -m annotated_reader.serve --outdir $(BUILD)/serve --host 127.0.0.1 --port 8000

screenshots: system-deps all
	$(BIN)/python scripts/screenshots.py

# Benchmarks (never part of `make test`): synthetic corpora of N sources against
# stock Jupyter Book and the engine switched off, and the real book. Writes
# benchmarks/RESULTS.md and results.json. `make bench N="5 50" PROFILE=200`.
N       ?= 5 50 200 500
PROFILE ?=
bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks.run --sizes $(N) $(if $(PROFILE),--profile $(PROFILE)) $(BENCH_ARGS)

clean:
	rm -rf $(BUILD)
