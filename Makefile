# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= data/turquesa.duckdb
DEMO_ROWS ?= 50000
PORT ?= 8501

.PHONY: setup run test demo lock bench browser screenshots clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --require-hashes -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

$(DB): | $(STAMP)
	$(BIN)/turquesa demo --rows $(DEMO_ROWS) --db $(DB)

demo: $(DB)

run: setup $(DB)
	$(BIN)/turquesa serve --db $(DB) --port $(PORT)

test: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider

# Re-pin every dependency (needs the package registry).
lock: $(STAMP)
	$(BIN)/python -m pip install -q pip-tools
	$(BIN)/pip-compile -q --generate-hashes --strip-extras --no-header -o requirements.lock requirements.in

bench: setup
	$(BIN)/turquesa bench import --rows 1000000

clean:
	rm -rf $(VENV) $(DB) $(DB).wal test-artifacts
