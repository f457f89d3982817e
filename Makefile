# Quick start: `make demo` and `make test` on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `make demo` installs wsblock alone: the test extras are not needed to try it.
DEMO_STAMP := $(VENV)/.installed-demo
# The independent npm `ws` peer of the tests.
PEERS := tests/peers/node_modules/ws/package.json

.PHONY: demo test lint typecheck unit unit-fast bench clean conformance

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
	$(BIN)/ruff format --check --no-cache src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

# Coverage of src/ by the tests run in this process, with a floor.
COV_FLOOR ?= 70
unit: $(STAMP) $(PEERS)
	$(BIN)/python -m pytest -q --cov=wsblock --cov-report=term:skip-covered --cov-fail-under=$(COV_FLOOR)

# Everything but the tests that drive the app (marked `slow`).
unit-fast: $(STAMP) $(PEERS)
	$(BIN)/python -m pytest -q -m "not slow"

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info

# Autobahn|Testsuite client cases against each transport (needs docker; see conformance/README.md).
conformance: $(STAMP)
	docker run -d --rm --name wsblock-autobahn -p 9001:9001 \
	  -v "$(CURDIR)/conformance:/config" \
	  -w /config crossbario/autobahn-testsuite wstest -m fuzzingserver -s /config/fuzzingserver.json
	sleep 3
	PYTHONPATH=src $(BIN)/python conformance/client.py; status=$$?; docker stop wsblock-autobahn; exit $$status
