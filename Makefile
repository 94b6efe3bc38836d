# Two commands for a fresh machine: `make run` (install + start the app) and `make test` (install + whole suite).
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# empty: .streamlit/config.toml's server.address (127.0.0.1, this machine only); HOST=0.0.0.0 exposes it
HOST ?=
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint install browser java postgresql bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

# Reinstall only when the requirements change (runtime + tests and linters).
$(STAMP): requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-test.txt
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the browser tests (never `playwright install`: it downloads a browser).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; }

# Java for the Spark tests (`--engine spark`); `make run` never needs it: the app stays on DuckDB.
java:
	@command -v java >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q openjdk-17-jre-headless; }

# PostgreSQL 15 for the database-source tests (each test starts its own server in a temp folder).
postgresql:
	@test -x /usr/lib/postgresql/15/bin/initdb || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q postgresql-15; }

# ui.serve sweeps what killed runs left and makes sure of the sample while the server starts
run: install
	$(BIN)/python -m ui.serve --server.headless true --server.port $(PORT)$(if $(HOST), --server.address $(HOST))

# ruff (lint + format check) on the repository and mypy on core/; no tests (`make test` runs this first).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Lint, then the whole suite with its 15 slowest tests listed: one worker per core (pytest-xdist; a test
# file stays on one worker, so its fixtures are built once), each worker's torch on one thread so the
# workers do not fight over the cores. TEST_JOBS=1 for one worker.
TEST_JOBS ?= auto
test: install browser java postgresql lint
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -q --durations=15 -n $(TEST_JOBS) --dist loadfile

# No browser, no training-heavy tests (marked slow): the quick loop while editing.
test-fast: install lint
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -q --durations=15 -n $(TEST_JOBS) --dist loadfile -m "not browser and not slow"

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) data/workspaces data/cache
