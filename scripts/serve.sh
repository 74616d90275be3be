#!/usr/bin/env bash
# `make serve`: the sandbox on 127.0.0.1:8001 and the docs on 127.0.0.1:8000 with live reload.
# Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
SANDBOX_PORT="${SANDBOX_PORT:-8001}"
DOCS_PORT="${DOCS_PORT:-8000}"
mkdir -p .sandbox

"$PY" -m sandbox --host 127.0.0.1 --port "$SANDBOX_PORT" --db .sandbox/sandbox.db &
sandbox_pid=$!
trap 'kill "$sandbox_pid" 2>/dev/null; wait "$sandbox_pid" 2>/dev/null || true' EXIT INT TERM

# --dirty: a page edit rebuilds that page only; hooks/incremental_serve.py rebuilds the pages that any
# other change can reach (spec, macros, mkdocs.yml, templates, other pages' calls).
SITE_URL="http://127.0.0.1:${DOCS_PORT}/" "$PY" -m mkdocs serve --dirty --dev-addr "127.0.0.1:${DOCS_PORT}" --livereload
