# newsclaims: every derived file is rebuilt from its inputs by a target below. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NEWSCLAIMS := $(BIN)/newsclaims
LS_VENV := .venv-labelstudio
LS_PORT ?= 8080

# Make cannot track names with spaces; the directory's own mtime still catches added/removed files.
RAW_FILES := corpus/raw $(shell find corpus/raw -type f -not -name '* *' 2>/dev/null)
SRC := $(shell find src -name '*.py' 2>/dev/null)
CORPUS_SRC := $(shell find src/newsclaims/corpus -name '*.py' 2>/dev/null)
SCHEMA_SRC := $(shell find src/newsclaims/schemas -name '*.py' 2>/dev/null)

.PHONY: help install corpus test clean

help: ## List the targets
	@grep -hE '^[a-zA-Z0-9_.-]+:.*## ' $(MAKEFILE_LIST) | sort \
	  | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-20s\033[0m %s\n", $$1, $$2}'

# ---- setup -------------------------------------------------------------------------------
$(BIN)/.installed: pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $@

install: $(BIN)/.installed ## Create .venv and install the package (pinned by constraints.txt)

# ---- corpus (issue 2) --------------------------------------------------------------------
corpus/versions/LATEST: $(BIN)/.installed $(RAW_FILES) $(CORPUS_SRC)
	$(NEWSCLAIMS) corpus build
	@touch $@

corpus: corpus/versions/LATEST ## Build the next corpus version from corpus/raw (no-op when nothing changed)

# ---- annotation (issue 3) ----------------------------------------------------------------

# ---- release (issue 4) -------------------------------------------------------------------

# ---- tests -------------------------------------------------------------------------------
test: $(BIN)/.installed ## Run the whole test suite (starts its own Label Studio server)
	$(BIN)/python -m pytest

clean: ## Remove virtualenvs, caches and test artifacts (keeps corpus versions and releases)
	rm -rf $(VENV) $(LS_VENV) .pytest_cache .hypothesis test-artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
