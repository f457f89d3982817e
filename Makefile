# Quick start: `make demo` and `make test` on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The independent npm `ws` peer of the tests.
PEERS := tests/peers/node_modules/ws/package.json

.PHONY: demo test lint unit bench clean conformance

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

$(PEERS): tests/peers/package.json
	npm install --prefix tests/peers --no-audit --no-fund --loglevel=error
	touch $(PEERS)

demo: $(STAMP)
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

# Autobahn|Testsuite client cases against each transport (needs docker; see conformance/README.md).
conformance: $(STAMP)
	docker run -d --rm --name wsblock-autobahn -p 9001:9001 \
	  -v "$(CURDIR)/conformance:/config" \
	  -w /config crossbario/autobahn-testsuite wstest -m fuzzingserver -s /config/fuzzingserver.json
	sleep 3
	PYTHONPATH=src $(BIN)/python conformance/client.py; status=$$?; docker stop wsblock-autobahn; exit $$status
