# The two commands a newcomer needs: `make serve` and `make test`. Each target sets up what it uses.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve test bench mutate import lint assets browser postgres lock clean

# ---- set-up ---------------------------------------------------------------------------------
$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

# node_modules holds what the build reads (mermaid draws the diagrams at build time, see
# hooks/mermaid_svg.py) and the test tools (axe-core, lighthouse).
assets: $(VENV)/.installed node_modules/.installed

# Debian's chromium: the build draws diagrams with it, the tests and Lighthouse drive it
# (playwright's own browser download does not work here).
browser:
	@if [ -n "$$CHROMIUM_PATH" ] || [ -x /usr/bin/chromium ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "no /usr/bin/chromium: set CHROMIUM_PATH, or run '$(PY) -m playwright install chromium'"; \
	fi

# Debian's postgresql for the sandbox's PostgreSQL tests (they start their own throwaway cluster).
postgres:
	@if [ -n "$$PG_BINDIR" ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's postgresql for the sandbox's PostgreSQL tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null; \
	else \
	  echo "no PostgreSQL: its sandbox tests are skipped (install postgresql, or set PG_BINDIR)"; \
	fi

# ---- the commands ---------------------------------------------------------------------------
serve: assets browser ## docs on http://127.0.0.1:8000 (live reload) + sandbox on http://127.0.0.1:8001
	@scripts/serve.sh

test: assets browser postgres ## the whole test suite
	$(PY) -m pytest

bench: assets browser ## build/reload times, page weight, console size, Lighthouse against plain Material; sandbox req/s, latency and memory
	$(PY) scripts/bench.py

mutate: $(VENV)/.installed ## mutation testing of the sandbox's security paths (not part of `make test`)
	$(PY) scripts/mutate.py $(ARGS)

import: $(VENV)/.installed ## make import SRC=<gitbook repository> OUT=<folder> [ARGS="--repo-url URL --force"]; then mkdocs serve -f OUT/mkdocs.yml
	@test -n "$(SRC)" -a -n "$(OUT)" || { echo "usage: make import SRC=<gitbook repository> OUT=<folder>"; exit 2; }
	$(PY) -m importer "$(SRC)" "$(OUT)" $(ARGS)

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m mypy sandbox macros importer docs_search docs_mcp

lock: ## re-pin the whole dependency tree after changing pyproject.toml
	rm -rf /tmp/bkend-lock-venv && $(PYTHON) -m venv /tmp/bkend-lock-venv
	/tmp/bkend-lock-venv/bin/pip install --quiet -e '.[test]'
	/tmp/bkend-lock-venv/bin/pip freeze --exclude-editable > requirements.lock

clean:
	rm -rf site .pytest_cache .cache
