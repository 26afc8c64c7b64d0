#!/usr/bin/env bash
# The main job: set up .venv, build the index from corpus/ when missing or stale, start the app on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
.venv/bin/assistant ingest || echo "run: some documents could not be ingested (see above); the rest is indexed" >&2
# The server refuses an upload above the limit before reading it; a bad ASSISTANT_UPLOAD_LIMIT_MB is one line here.
limit_mb=$(.venv/bin/python -c '
import sys
from assistant.config import load_settings
try:
    print(load_settings().upload_limit_mb)
except ValueError as exc:
    sys.exit(str(exc))' 2>&1) || { echo "run: $limit_mb" >&2; exit 2; }
exec .venv/bin/streamlit run app.py --server.address 127.0.0.1 --server.port "${PORT:-8501}" \
  --server.headless true --browser.gatherUsageStats false --server.maxUploadSize "$limit_mb"
