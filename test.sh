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
# axe-core for the browser test's accessibility check, pinned in package-lock.json (only the npm registry is needed).
if command -v npm >/dev/null 2>&1; then
  stamp=$(sha256sum package-lock.json | cut -c1-16)
  if [ "$(cat node_modules/.installed 2>/dev/null)" != "$stamp" ]; then
    npm ci --no-audit --no-fund --loglevel=error && echo "$stamp" > node_modules/.installed
  fi
else
  echo "test: npm is missing; the browser test's accessibility check will be skipped (a failure when CI=true)" >&2
fi
.venv/bin/python -m compileall -q assistant ingest rules evals >/dev/null
.venv/bin/python -m pytest -q "$@"
.venv/bin/assistant eval --report artifacts/eval-report.md
