# Quick start: `make demo` and `make test` on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `make demo` installs wsblock alone: the test extras are not needed to try it.
DEMO_STAMP := $(VENV)/.installed-demo
# The independent npm `ws` peer of the tests.
PEERS := tests/peers/node_modules/ws/package.json

.PHONY: demo test lint unit bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

$(PEERS): tests/peers/package.json
	npm install --prefix tests/peers --no-audit --no-fund --loglevel=error
	touch $(PEERS)

$(DEMO_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e .
	touch $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	$(BIN)/wsblock demo

lint: $(STAMP)
	$(BIN)/ruff check --no-cache src tests bench

unit: $(STAMP) $(PEERS)
	$(BIN)/python -m pytest -q

test: lint unit

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
