"""Serve a GGUF chat model OpenAI-compatibly on 127.0.0.1 with the xllamacpp wheel (opt-in; see local-model.sh)."""
from __future__ import annotations

import json
import sys
import time
import urllib.request

MODEL_NAME = "qwen"  # what ASSISTANT_LLM_MODEL names; llama.cpp serves its one model under any name
CONTEXT = 8192  # tool schemas and prompt take about 2,000 tokens; passages and rounds the rest


def start(gguf: str, port: int = 0, threads: int = 2):
    """Start the server in this process (background threads); returns (server, base URL ending in /v1)."""
    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = gguf
    params.model_alias = MODEL_NAME
    params.hostnames = ["127.0.0.1"]
    params.port = port
    params.n_ctx = CONTEXT
    params.n_parallel = 1
    params.use_jinja = True  # the model's own chat template renders the tools and parses its tool calls
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.sampling.temp = 0.0
    params.warmup = False
    server = xlc.Server(params)
    base = server.listening_address.rstrip("/")
    _wait_healthy(base)
    return server, base + "/v1"


def _wait_healthy(base: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(base + "/health", timeout=5) as r:
                if json.loads(r.read() or b"{}").get("status") == "ok":
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the local model server at {base} did not become healthy in {seconds:.0f} s")
        time.sleep(0.5)


if __name__ == "__main__":
    gguf, port, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    _server, url = start(gguf, port, threads)
    print(f"serving {gguf} as '{MODEL_NAME}' on {url} ({threads} threads); Ctrl-C stops it", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
