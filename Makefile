# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= data/turquesa.duckdb
DEMO_ROWS ?= 50000
PORT ?= 8501
CHROMIUM ?= /usr/bin/chromium

.PHONY: setup run test demo lock bench browser audit screenshots clean catalogs

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --require-hashes -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

# The demo is built when the store is missing or holds no case (an empty store left by anything else
# would otherwise be served as "The store is empty").
demo: setup
	$(BIN)/turquesa demo --if-empty --rows $(DEMO_ROWS) --db $(DB)

run: demo
	$(BIN)/turquesa serve --db $(DB) --port $(PORT)

# Tests write nothing into the checkout but test-artifacts/ (screenshots): hypothesis' caches go to a temp folder.
test: setup browser
	HYPOTHESIS_STORAGE_DIRECTORY="$${TMPDIR:-/tmp}/turquesa-hypothesis" $(BIN)/python -m pytest -q -p no:cacheprovider

# The browser suite drives Debian's Chromium (no browser is downloaded). Installed with
# apt when missing and possible; in CI the suite fails rather than skip without it.
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	  else echo "make: cannot install chromium (not root, no sudo): the browser suite needs $(CHROMIUM)"; exit 0; fi; \
	  echo "installing Debian's chromium for the browser suite"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $$SUDO apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q --no-install-recommends chromium >/dev/null; }; }

# Vulnerabilities of the locked dependencies (needs the PyPI JSON API or OSV on the network).
audit: setup
	$(BIN)/python -m pip install -q pip-audit
	$(BIN)/pip-audit --disable-pip --require-hashes -r requirements.lock

# Re-pin every dependency (needs the package registry).
lock: $(STAMP)
	$(BIN)/python -m pip install -q pip-tools
	$(BIN)/pip-compile -q --generate-hashes --strip-extras --no-header --no-emit-index-url --no-emit-find-links \
	  -o requirements.lock requirements.in

# Re-extract the interface messages into turquesa.pot and update the es, pt and fr catalogs (see README, Languages).
catalogs: setup
	$(BIN)/python scripts/catalogs.py

# Every performance figure at 1M demo cases beside its naive baseline (docs/benchmarks.md): ~5 minutes.
bench: setup browser
	$(BIN)/turquesa bench all --rows 1000000 --json docs/bench-1m.json

clean:
	rm -rf $(VENV) $(DB) $(DB).wal test-artifacts
