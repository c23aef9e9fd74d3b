# Simpul: `make run` starts the demo on SQLite, `make test` runs the checks and the tests.
# Both work on a fresh clone with only Python 3.11; re-running is safe, and fast thanks to stamp files.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT
VAR_DIR := $(or $(SIMPUL_VAR_DIR),var)
DB_FILE := $(VAR_DIR)/simpul.sqlite3
# The kabupaten served (SIMPUL_KABUPATEN_CODE, e.g. 16.07): its regions load once per database and code.
LOADED := $(VAR_DIR)/.loaded-$(or $(SIMPUL_KABUPATEN_CODE),16.06)

# What each stamp depends on: when one of these changes, the step runs again.
MIGRATIONS := $(wildcard src/simpul/*/migrations/*.py)
PO_FILES := $(wildcard src/simpul/*/locale/*/LC_MESSAGES/*.po)
STATIC_FILES := $(shell find src/simpul -path '*/static/*' -type f 2>/dev/null)
LOADERS := $(wildcard src/simpul/*/reference.py src/simpul/*/demo.py src/simpul/core/loaders.py src/simpul/regions/national.py) \
	$(shell find src/simpul -path '*/data/*' -type f 2>/dev/null)
# A missing SQLite file (or another database) means the database steps must run whatever the stamps say.
DB_CHANGED := $(if $(DATABASE_URL),FORCE,$(if $(wildcard $(DB_FILE)),,FORCE))

DEMO := SIMPUL_DEMO_MODE=true SIMPUL_WEBHOOK_ALLOWED_RECEIVERS=$${SIMPUL_WEBHOOK_ALLOWED_RECEIVERS:-http://127.0.0.1:8765}
PYTEST_ARGS ?=
# `DEMO_ARGS=--force` loads Musi Banyuasin's demo into another kabupaten's installation too.
DEMO_ARGS ?=

.PHONY: run test test-fast install install-dev lint migrate demo messages static bench clean FORCE

$(BIN)/python:
	@echo "==> Making the virtual environment $(VENV)"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade "pip>=24,<27"

# Runtime dependencies only: what `make run` needs.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "==> Installing Simpul and its libraries into $(VENV) (the first time: about a minute)"
	@$(BIN)/pip install --quiet -e .
	@touch $@

# Runtime plus test, lint and RQ dependencies: what `make test` needs.
$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev,rq]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VAR_DIR)/.migrated: $(MIGRATIONS) $(VENV)/.installed $(DB_CHANGED)
	@mkdir -p $(VAR_DIR)
	@echo "==> Preparing the database"
	@$(DEMO) $(BIN)/simpul migrate --noinput --verbosity 0
	@touch $@

$(VAR_DIR)/.messages: $(PO_FILES) $(VENV)/.installed
	@mkdir -p $(VAR_DIR)
	@echo "==> Compiling the translations"
	@$(DEMO) $(BIN)/simpul compilemessages_simpul >/dev/null
	@touch $@

$(VAR_DIR)/.static: $(STATIC_FILES) $(VENV)/.installed
	@mkdir -p $(VAR_DIR)
	@echo "==> Collecting and compressing the static files (the first time: about 15 s)"
	@$(DEMO) $(BIN)/simpul collectstatic --noinput --verbosity 0
	@touch $@

# Reference data and the demo are idempotent: loading them again changes nothing.
$(LOADED): $(LOADERS) $(VAR_DIR)/.migrated $(DB_CHANGED)
	@echo "==> Loading reference data and the demo"
	@$(DEMO) $(BIN)/simpul reference >$(VAR_DIR)/reference.log 2>&1 || { cat $(VAR_DIR)/reference.log; exit 1; }
	@$(DEMO) $(BIN)/simpul demo $(DEMO_ARGS) >$(VAR_DIR)/demo.log 2>&1 || { cat $(VAR_DIR)/demo.log; exit 1; }
	@echo "    (what was loaded: $(VAR_DIR)/reference.log, $(VAR_DIR)/demo.log)"
	@touch $@

migrate: $(VAR_DIR)/.migrated
messages: $(VAR_DIR)/.messages
static: $(VAR_DIR)/.static
demo: $(LOADED)

run: $(VAR_DIR)/.migrated $(VAR_DIR)/.messages $(VAR_DIR)/.static $(LOADED)
	@$(DEMO) $(BIN)/simpul run --port $(PORT)

lint: install-dev
	$(BIN)/ruff check src bench tests conftest.py
	PYTHONPATH=src $(BIN)/lint-imports --no-cache
	SIMPUL_DEMO_MODE=true $(BIN)/mypy

# The unit and HTTP tests run in parallel, one process per core (`make test-fast`: about a minute). The whole-system
# tests (marker `system`, set by path in conftest.py: browser, servers as subprocesses, fuzzing, backup, string
# extraction) then run serially: they share a live server and some of them measure time. SYSTEM_TESTS=no leaves
# them out (CI runs them once, on PostgreSQL). Exit status 5 is pytest's "nothing selected" (PYTEST_ARGS chose none).
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SYSTEM_TESTS ?= yes

test-fast: install-dev lint
	SIMPUL_TESTING=true $(BIN)/simpul compilemessages_simpul
	SIMPUL_TESTING=true $(BIN)/pytest -q --timeout=300 -n $(JOBS) -m "not system" $(PYTEST_ARGS) || [ $$? -eq 5 ]

test: test-fast
ifeq ($(SYSTEM_TESTS),yes)
	SIMPUL_TESTING=true $(BIN)/pytest -q --timeout=300 -m system $(PYTEST_ARGS) || [ $$? -eq 5 ]
endif

bench: install-dev
	$(BIN)/python bench/run.py

FORCE:

clean:
	rm -rf $(VAR_DIR)/.migrated $(VAR_DIR)/.messages $(VAR_DIR)/.static $(VAR_DIR)/.loaded* .pytest_cache
