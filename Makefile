# The annotated reader. `make` builds the site and every briefing pack;
# `make test` proves it works. Both set themselves up on a fresh machine.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SPHINX := $(BIN)/sphinx-build
STRICT := -W --keep-going -n -q
BUILD  := _build

.PHONY: all html pdf latex test lint serve bench screenshots clean system-deps
.DEFAULT_GOAL := all

all: html pdf

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "error: Python 3.11 or newer is needed (set PYTHON=...)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

system-deps:
	@bash scripts/install-system-deps.sh

html: $(VENV)/.installed
	$(SPHINX) -b html $(STRICT) -d $(BUILD)/doctrees/html . $(BUILD)/html

latex: $(VENV)/.installed
	$(SPHINX) -b latex $(STRICT) -d $(BUILD)/doctrees/latex . $(BUILD)/latex

# One PDF per pack in packs.toml, copied into _build/pdf/.
pdf: system-deps latex
	$(MAKE) -C $(BUILD)/latex all-pdf LATEXMKOPTS='-interaction=nonstopmode -halt-on-error -silent' >/dev/null
	@mkdir -p $(BUILD)/pdf
	cp $(BUILD)/latex/*.pdf $(BUILD)/pdf/
	@if [ -d $(BUILD)/html ]; then mkdir -p $(BUILD)/html/pdf && cp $(BUILD)/latex/*.pdf $(BUILD)/html/pdf/; fi
	@ls $(BUILD)/pdf

test: $(VENV)/.installed system-deps lint
	$(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests conf.py benchmarks scripts
	$(BIN)/ruff format --check src tests conf.py benchmarks scripts
	$(BIN)/mypy

serve: $(VENV)/.installed
	$(BIN)/sphinx-autobuild -b html -d $(BUILD)/doctrees/serve . $(BUILD)/serve \
	  --host 127.0.0.1 --port 8000 --watch src

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
