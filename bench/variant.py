"""Before/after of a speed change: cold `assistant ask` from two copies of the code, runs interleaved.

    .venv/bin/python -m bench.variant --patch bench/proposals/01-read-path-chromadb-only.patch
    .venv/bin/python -m bench.variant --revert bench/proposals/00-applied-ingest-index.patch
    .venv/bin/python -m bench.variant --patch bench/proposals/04-keyword-stemmer-per-thread.patch --concurrency 30

"before" is the working tree (with --revert patches undone), "after" is the working tree with --patch
patches applied. Both copies answer the same questions from the same store; the answers must be identical.
With --concurrency S, each copy instead runs the 8-thread concurrency benchmark for S seconds (bench/child.py).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.child import DOCUMENT_QUESTION, RULE_QUESTION

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("assistant", "ingest", "rules", "evals", "bench")


def copy_tree(dst: Path, patches: list[Path], reverse: bool = False) -> Path:
    for name in PACKAGES:
        shutil.copytree(ROOT / name, dst / name, ignore=shutil.ignore_patterns("__pycache__"))
    for p in patches:
        cmd = ["patch", "-p1", "--batch", "--forward", "-d", str(dst), "-i", str(Path(p).resolve())]
        res = subprocess.run(cmd + (["-R"] if reverse else []), capture_output=True, text=True)
        if res.returncode != 0:
            raise SystemExit(f"{p} does not apply to the working tree:\n{res.stdout}{res.stderr}")
    # Bytecode compiled up front, so neither copy pays for compiling its sources on each cold start.
    subprocess.run([sys.executable, "-m", "compileall", "-q", *PACKAGES], cwd=dst, check=True, capture_output=True)
    return dst


def cold_ask(tree: Path, question: str, store: Path) -> tuple[float, dict]:
    env = os.environ | {"PYTHONPATH": str(tree), "ANONYMIZED_TELEMETRY": "False"}
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "assistant.cli", "ask", question, "--json", "--store", str(store),
                          "--as-of", "2026-03-01"], cwd=tree, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if res.returncode != 0:
        raise SystemExit(f"ask failed in {tree}:\n{res.stderr[-2000:]}")
    return wall, json.loads(res.stdout)


def concurrency(tree: Path, store: Path, seconds: float, threads: int, switch: float) -> dict:
    env = os.environ | {"PYTHONPATH": str(tree), "ANONYMIZED_TELEMETRY": "False"}
    res = subprocess.run([sys.executable, "-m", "bench.child", "questions", "--store", str(store), "--corpus",
                          str(ROOT / "corpus"), "--only-concurrency", "--concurrency-seconds", str(seconds),
                          "--threads", str(threads), "--switch-interval", str(switch)],
                         cwd=tree, env=env, capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"concurrency run failed in {tree}:\n{res.stderr[-2000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])["concurrency"]


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--patch", action="append", default=[], help="applied to the 'after' copy")
    p.add_argument("--revert", action="append", default=[], help="undone in the 'before' copy (a change already made)")
    p.add_argument("--store", type=Path, help="index to ask (default: bench/.work/store-1x, else .store)")
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--question", action="append")
    p.add_argument("--concurrency", type=float, default=0, help="seconds of the concurrency benchmark per copy")
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--switch-interval", type=float, default=0,
                   help="with --concurrency: thread switch interval in seconds (small values expose races)")
    args = p.parse_args(argv)
    store = args.store or next((s for s in (ROOT / "bench/.work/store-1x", ROOT / ".store") if (s / "current.json").exists()), None)
    if store is None:
        raise SystemExit("no index found: give --store or run `assistant ingest` first")
    store = Path(store).resolve()
    questions = args.question or [RULE_QUESTION, DOCUMENT_QUESTION]
    with tempfile.TemporaryDirectory() as tmp:
        before = copy_tree(Path(tmp) / "before", [Path(x) for x in args.revert], reverse=True)
        after = copy_tree(Path(tmp) / "after", [Path(x) for x in args.patch])
        if args.concurrency:
            print(f"store {store}; {args.threads} threads for {args.concurrency:g} s per copy"
                  + (f", switch interval {args.switch_interval:g} s" if args.switch_interval else "") + "\n")
            print("| copy | questions/s | p50 | p95 | errors | answers unlike the same question asked alone |")
            print("|---|---|---|---|---|---|")
            for name, tree in (("before", before), ("after", after)):
                c = concurrency(tree, store, args.concurrency, args.threads, args.switch_interval)
                print(f"| {name} | {c['qps']:.1f} | {c['p50_ms']:.0f} ms | {c['p95_ms']:.0f} ms | {c['errors']} | "
                      f"{c['mismatches']} {c['mismatch_samples'][:5]} |")
                for e in c["error_samples"][:1]:
                    print("    first error:", e.replace("\n", "\n    "))
            return
        cold_ask(before, questions[0], store)  # warm the OS file cache once for both
        print(f"store {store}; {args.repeats} interleaved runs per question; medians\n")
        print("| question | before | after | saved |\n|---|---|---|---|")
        for q in questions:
            times: dict[str, list[float]] = {"before": [], "after": []}
            answers = {}
            for _ in range(args.repeats):
                for name, tree in (("before", before), ("after", after)):
                    wall, answer = cold_ask(tree, q, store)
                    times[name].append(wall)
                    answers[name] = (answer["answer"], [c["chunk_id"] for c in answer["citations"]])
            if answers["before"] != answers["after"]:
                raise SystemExit(f"the change alters the answer to {q!r}")
            b, a = statistics.median(times["before"]), statistics.median(times["after"])
            print(f"| {q} | {b:.2f} s | {a:.2f} s | {b - a:.2f} s ({(b - a) / b:.0%}) |")


if __name__ == "__main__":
    main()
