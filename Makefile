# The annotated reader. `make` builds the site and every briefing pack;
# `make test` proves it works. Both set themselves up on a fresh machine.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SPHINX := $(BIN)/sphinx-build
# Sphinx shows its progress in a terminal and keeps quiet in logs (CI).
QUIET  := $(shell [ -t 2 ] || echo -q)
STRICT := -W --keep-going -n $(QUIET)
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

# Node packages: browser-side libraries served from _static and independent
# checkers for the tests (axe-core, the Nu HTML Checker, citeproc-js).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

html: $(VENV)/.installed
	$(SPHINX) -b html $(STRICT) -d $(BUILD)/doctrees/html . $(BUILD)/html

latex: $(VENV)/.installed
	$(SPHINX) -b latex $(STRICT) -d $(BUILD)/doctrees/latex . $(BUILD)/latex

# One PDF per pack in packs.toml, copied into _build/pdf/; one line per pack
# with its page count and time, or what failed and where it came from.
pdf: system-deps latex
	@$(BIN)/python -m annotated_reader.write.pdf $(BUILD)/latex
	@mkdir -p $(BUILD)/pdf
	@cp $(BUILD)/latex/*.pdf $(BUILD)/pdf/
	@if [ -d $(BUILD)/html ]; then mkdir -p $(BUILD)/html/pdf && cp $(BUILD)/latex/*.pdf $(BUILD)/html/pdf/; fi

test: $(VENV)/.installed system-deps node_modules/.installed lint
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

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(BUILD)
