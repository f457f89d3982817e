# Quick start: `make demo` and `make test` on a fresh machine (`make test` installs the
# system packages the tests need as root, or stops at once with the command that does).
# The interpreter .venv is made with: Debian's /usr/bin/python3 when it is 3.11 or newer
# (built with PGO and LTO), else the first python3 on PATH. Where PATH's python3 is a
# pyenv build without them (this project's machines: 3.11.7), a Python loop took 2.2x as
# long and the tests 1.45x (README, "Development"). `make PY=python3.12 test` chooses.
ifeq ($(origin PY),undefined)  # looked up once (`PY ?=` would run the shell at every use)
PY := $(shell /usr/bin/python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && echo /usr/bin/python3 || echo python3)
endif
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `make demo` installs wsblock alone: the test extras are not needed to try it.
DEMO_STAMP := $(VENV)/.installed-demo
# The independent npm peers of the tests (ws, socket.io, graphql-ws): package.json lists them.
PEERS := tests/peers/node_modules/ws/package.json

.PHONY: demo deps test lint typecheck unit unit-fast bench clean conformance

# The system packages the tests need (chromium, websocketd, Node.js, openssl): installed
# as root with apt-get, or the one command to run, in the first second of `make test`.
deps:
	@tools/need.sh "$(PY)"

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

# The tests run on JOBS pytest-xdist workers (CI has two cores: the suite took 21 min in
# one process, 11 in two), each taking the next test as it is free (`worksteal`: the app's
# tests are long). `make unit JOBS=0` runs them in this process.
JOBS ?= 2
XDIST := -n $(JOBS) --dist worksteal
# Coverage of src/ by the tests (every worker's, combined), with a floor.
COV_FLOOR ?= 70
unit: deps $(STAMP) $(PEERS)
	$(BIN)/python -m pytest -q $(XDIST) --cov=wsblock --cov-report=term:skip-covered --cov-fail-under=$(COV_FLOOR)

# Everything but the tests that drive the app (marked `slow`).
unit-fast: deps $(STAMP) $(PEERS)
	$(BIN)/python -m pytest -q $(XDIST) -m "not slow"

test: deps lint typecheck unit

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info

# Autobahn|Testsuite client cases against plain websockets and each wsblock transport, on
# a Python 3 port of the fuzzing server made at run time (see conformance/README.md).
CONF_VENV := .venv-conformance
CONF_STAMP := $(CONF_VENV)/.installed

$(CONF_STAMP):
	test -x $(CONF_VENV)/bin/python || $(PY) -m venv $(CONF_VENV)
	$(CONF_VENV)/bin/python -m pip install -q 'autobahn[twisted]>=26,<27' jinja2 fissix
	touch $(CONF_STAMP)

conformance: $(STAMP) $(CONF_STAMP)
	$(CONF_VENV)/bin/python conformance/port_wstest.py
	$(BIN)/python conformance/run.py --server-python $(CONF_VENV)/bin/python
