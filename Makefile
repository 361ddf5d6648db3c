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

CORPUS_SRC := $(shell find src/newsclaims/corpus -name '*.py' 2>/dev/null)
SCHEMA_SRC := $(shell find src/newsclaims/schemas -name '*.py' 2>/dev/null)

.PHONY: help install corpus test test-fast lint format clean labelstudio-install label-config labelstudio labelstudio-stop labelstudio-status push chromium

help: ## List the targets
	@grep -hE '^[a-zA-Z0-9_.-]+:.*## ' $(MAKEFILE_LIST) | sort \
	  | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-20s\033[0m %s\n", $$1, $$2}'

# ---- setup -------------------------------------------------------------------------------
$(BIN)/.installed: pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev,distributed]'
	@touch $@

install: $(BIN)/.installed ## Create .venv and install the package (pinned by constraints.txt)

# ---- corpus (issue 2) --------------------------------------------------------------------
# Prerequisites: every raw file and directory whose name make can handle (no space, ':' or '%');
# a directory's mtime still changes when such a file is added or removed. The build itself
# compares sha256 of all raw inputs with the newest version, so a re-run with nothing changed
# writes nothing; touching LATEST keeps make from asking again.
CORPUS_INPUTS := $(shell find corpus/raw -not -name '* *' -not -name '*:*' -not -name '*%*' 2>/dev/null)

corpus/versions/LATEST: $(BIN)/.installed $(CORPUS_INPUTS) $(CORPUS_SRC)
	$(NEWSCLAIMS) corpus build
	@touch $@

corpus: corpus/versions/LATEST ## Build the next corpus version from corpus/raw (no-op when nothing changed)

# ---- annotation (issue 3) ----------------------------------------------------------------
LS_DATA ?= .labelstudio
LS_BIN := $(LS_VENV)/bin
.PHONY: labelstudio-install label-config labelstudio labelstudio-stop labelstudio-status labelstudio-backup labelstudio-restore push pull chromium

$(LS_VENV)/.installed: constraints-labelstudio.txt
	@test -x $(LS_BIN)/python || $(PYTHON) -m venv $(LS_VENV)
	$(LS_BIN)/python -m pip install -q --disable-pip-version-check -c constraints-labelstudio.txt label-studio==1.23.2
	@touch $@

labelstudio-install: $(LS_VENV)/.installed ## Install Label Studio (pinned) into its own virtualenv .venv-labelstudio

annotation/label_config.xml: schemas/taxonomy.yaml $(SCHEMA_SRC) | $(BIN)/.installed
	$(NEWSCLAIMS) schemas generate
	@touch $@

label-config: annotation/label_config.xml ## Regenerate the Label Studio labelling config from schemas/taxonomy.yaml

# LS_DB=postgresql: a private PostgreSQL cluster in $(LS_DATA)/pg (Debian's postgresql, installed
# with apt-get when missing and run as root), 127.0.0.1 only, its role's password generated into
# .env. Unset: what the data dir holds (SQLite for a new one).
labelstudio: $(BIN)/.installed $(LS_VENV)/.installed ## Start Label Studio on 127.0.0.1:$(LS_PORT) (login and token go to .env; LS_DB=postgresql for a team)
	$(NEWSCLAIMS) annotate server start --port $(LS_PORT) --data-dir $(LS_DATA) $(if $(LS_DB),--db $(LS_DB))

labelstudio-backup: $(BIN)/.installed ## Back up the Label Studio database, SQLite or PostgreSQL (BACKUP=FILE; default .labelstudio/backups/)
	$(NEWSCLAIMS) annotate server backup --data-dir $(LS_DATA) $(if $(BACKUP),--out '$(BACKUP)')

labelstudio-restore: $(BIN)/.installed ## Restore a backup into a stopped server's data dir (BACKUP=FILE; the replaced database is kept)
	@test -n '$(BACKUP)' || { echo 'usage: make labelstudio-restore BACKUP=FILE' >&2; exit 2; }
	$(NEWSCLAIMS) annotate server restore '$(BACKUP)' --data-dir $(LS_DATA)

labelstudio-stop: $(BIN)/.installed ## Stop the Label Studio server started by `make labelstudio`
	$(NEWSCLAIMS) annotate server stop --data-dir $(LS_DATA)

labelstudio-status: $(BIN)/.installed ## Is the local Label Studio server running?
	$(NEWSCLAIMS) annotate server status --data-dir $(LS_DATA)

push: $(BIN)/.installed annotation/label_config.xml ## Push the latest corpus version to Label Studio (idempotent; CORPUS=v1 PROJECT=... OVERLAP=2 to choose)
	$(NEWSCLAIMS) annotate push $(if $(CORPUS),--corpus $(CORPUS)) $(if $(PROJECT),--project '$(PROJECT)') $(if $(OVERLAP),--overlap $(OVERLAP))

pull: $(BIN)/.installed ## Pull annotations into a new pseudonymized snapshot under annotation/exports (PROJECT=... to choose)
	$(NEWSCLAIMS) annotate pull $(if $(PROJECT),--project '$(PROJECT)')

# Debian's chromium for the browser test (CI runs as root; elsewhere install it yourself).
chromium:
	@test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)

# ---- release (issue 4) -------------------------------------------------------------------
# A new release is built from the newest corpus version, the newest annotation snapshot and the
# taxonomy (all committed), so `make release` needs no Label Studio server. Releases are
# immutable: an existing releases/$(VERSION) is rebuilt aside from the inputs its manifest names
# and compared file by file: identical -> "up to date"; different -> the files, and an error,
# unless another builder (release code, libraries) made it, which is said plainly.
VERSION ?= 0.4.0
CORPUS_LATEST = $(shell cat corpus/versions/LATEST 2>/dev/null)
SNAPSHOT_LATEST = $(shell cat annotation/exports/LATEST 2>/dev/null)
# wildcard: a missing snapshot is reported by `newsclaims validate`, not as "no rule to make".
RELEASE_INPUTS = corpus/versions/LATEST $(wildcard corpus/versions/$(CORPUS_LATEST)/*) \
  $(wildcard annotation/exports/LATEST) $(wildcard annotation/exports/$(SNAPSHOT_LATEST)/*) \
  $(wildcard annotation/annotators.yaml) schemas/taxonomy.yaml
SPLITS ?= 0.8,0.1,0.1

.PHONY: validate release datacard release-check
# Never let make delete a release file because a later step failed.
.PRECIOUS: releases/%/manifest.json

validate: $(BIN)/.installed $(RELEASE_INPUTS) ## Validate the newest corpus version and annotation snapshot against the taxonomy
	$(NEWSCLAIMS) validate

releases/$(VERSION)/manifest.json: $(BIN)/.installed $(RELEASE_INPUTS)
	$(NEWSCLAIMS) validate
	$(NEWSCLAIMS) release --version $(VERSION) --splits $(SPLITS)
	@touch $@

DATA_CARD.md: releases/$(VERSION)/manifest.json
	$(NEWSCLAIMS) datacard --output $@

release: DATA_CARD.md ## Validate, then build releases/$(VERSION) (VERSION=x.y.z, default 0.4.0) and DATA_CARD.md

NEWEST_RELEASE = $(shell $(BIN)/python -c 'from newsclaims.release.versions import release_versions; print(release_versions()[-1])' 2>/dev/null)
release-check: $(BIN)/.installed ## The newest committed release must rebuild byte-identically from its recorded inputs (CI)
	$(NEWSCLAIMS) release --version $(NEWEST_RELEASE) --splits $(SPLITS) --strict

datacard: $(BIN)/.installed ## Regenerate DATA_CARD.md from the newest release
	$(NEWSCLAIMS) datacard --output DATA_CARD.md

# ---- bench (issue 5) ---------------------------------------------------------------------
# Synthetic corpora, each stage timed against a floor measured in the same run; results go to
# bench/results/<date>-<size>.json (commit the full ones; the README table comes from them).
.PHONY: bench bench-small

# The Label Studio stages start their own server from .venv-labelstudio.
bench: $(BIN)/.installed $(LS_VENV)/.installed ## Benchmark every stage against its floor (10k/100k articles; 20-30 min on 2 cores)
	$(NEWSCLAIMS) bench --size full

bench-small: $(BIN)/.installed $(LS_VENV)/.installed ## The small benchmark (under a minute; what CI runs as a smoke test)
	$(NEWSCLAIMS) bench --size small

.PHONY: eval-inputs
eval-inputs: $(BIN)/.installed ## Decoding, metadata and body F1 on real pages vs trafilatura (pages from NEWSCLAIMS_EVAL_PAGES or local mirrors; ~10 min)
	$(NEWSCLAIMS) bench --size small --stage inputs

# ---- tests -------------------------------------------------------------------------------
test: lint $(LS_VENV)/.installed annotation/label_config.xml chromium ## Lint, then run the whole test suite (starts its own Label Studio server)
	$(BIN)/python -m pytest

test-fast: $(BIN)/.installed annotation/label_config.xml ## The tests that need neither Label Studio nor Chromium (2 processes, ~2 min)
	NEWSCLAIMS_FAST_TESTS=1 $(BIN)/python -m pytest -n 2 -m "not labelstudio and not browser"

lint: $(BIN)/.installed ## ruff (lint and format check) and mypy, as configured in pyproject.toml
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

format: $(BIN)/.installed ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix src tests
	$(BIN)/ruff format src tests

clean: ## Remove virtualenvs, caches and test artifacts (keeps corpus versions and releases)
	rm -rf $(VENV) $(LS_VENV) .pytest_cache .hypothesis test-artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
