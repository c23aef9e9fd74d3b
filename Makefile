# Simpul: `make run` starts the demo on SQLite, `make test` runs the checks and the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test install install-dev lint migrate demo messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24,<27"

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev,rq]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	SIMPUL_DEMO_MODE=true $(BIN)/simpul migrate --noinput
	SIMPUL_DEMO_MODE=true $(BIN)/simpul compilemessages_simpul
	SIMPUL_DEMO_MODE=true $(BIN)/simpul collectstatic --noinput --verbosity 0
	SIMPUL_DEMO_MODE=true $(BIN)/simpul reference

demo: migrate
	SIMPUL_DEMO_MODE=true $(BIN)/simpul demo

run: demo
	SIMPUL_DEMO_MODE=true $(BIN)/simpul run --port $(PORT)

lint: install-dev
	$(BIN)/ruff check src bench tests

test: install-dev lint
	SIMPUL_TESTING=true $(BIN)/simpul compilemessages_simpul
	SIMPUL_TESTING=true $(BIN)/pytest -q -p no:randomly $(PYTEST_ARGS)

bench: install-dev
	$(BIN)/python bench/run.py

clean:
	rm -rf var/test-* .pytest_cache
