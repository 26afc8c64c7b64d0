#!/usr/bin/env bash
# The whole test suite: set up .venv, run pytest, then the evaluation suite with its quality gate.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
# The browser test drives Debian's Chromium; install it where we can (root with apt), else it is skipped.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "test: could not install chromium; the browser test will be skipped" >&2
fi
.venv/bin/python -m compileall -q assistant ingest rules evals >/dev/null
.venv/bin/python -m pytest -q "$@"
.venv/bin/assistant eval --report artifacts/eval-report.md
