# make run   — set everything up, import the seed readouts, serve http://127.0.0.1:8000/
# make test  — set everything up and run the whole test suite
# make stop  — stop the embedded PostgreSQL
# make backup [FILE=...]  — back up the database (to backups/readouts-<time>.dump)
# make restore FILE=...   — replace the database with a backup

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# The first Python 3.12 or newer: on PATH, else one installed by pyenv.
PYTHON ?= $(shell for c in python3.14 python3.13 python3.12 python3; do \
	  p=$$(command -v $$c 2>/dev/null) && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; exit; }; \
	done; \
	for p in $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3; do [ -x $$p ] && { echo $$p; exit; }; done)

.PHONY: run test stop setup lint bench bench-data backup restore

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.12 or newer is needed: install it, or name it with make PYTHON=/path/to/python3.12"; exit 1; fi
	@echo "== Creating the virtual environment in $(VENV) with $(PYTHON)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@echo "== Installing dependencies"
	@$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

setup: $(VENV)/.installed
	@echo "== Preparing the database (embedded PostgreSQL unless DATABASE_URL is set)"
	@$(PY) manage.py migrate --no-input -v0

run: setup
	@echo "== Importing the seed readouts from fixtures/readouts"
	@$(PY) manage.py import_readouts --publish fixtures/readouts
	@echo "== Serving http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	@$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || [ -n "$$CHROMIUM" ] || \
	  echo "== Note: no Chromium found, so the browser tests will be skipped. Install Debian's chromium (apt-get install chromium) to run them."
	@echo "== Running the test suite"
	@$(PY) -m pytest

lint: $(VENV)/.installed
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .
	@$(PY) -m djhtml --check templates
	@$(PY) manage.py makemigrations --check --dry-run

stop:
	@test -x $(PY) && $(PY) -m archive.pgcluster stop || true

backup: setup
	@$(PY) manage.py backup_database $(if $(FILE),"$(FILE)")

restore: setup
	@if [ -z "$(FILE)" ]; then echo "Name the backup to restore: make restore FILE=backups/readouts-<time>.dump"; exit 2; fi
	@$(PY) manage.py restore_database "$(FILE)"
	@echo "== Applying this release's migrations to what was restored, if it is older"
	@$(PY) manage.py migrate --no-input -v0

N ?= 10000
BENCH_ARGS ?=
bench: setup
	@echo "== Benchmark at $(N) readouts (bench/out/results-$(N).json)"
	@$(PY) bench/run.py --readouts $(N) $(BENCH_ARGS)

bench-data: setup
	@echo "== The ways in as data at $(N) readouts (bench/out/opendata-$(N).json)"
	@$(PY) bench/opendata.py --readouts $(N)
