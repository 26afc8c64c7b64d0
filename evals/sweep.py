"""Sweep the abstention's dense bar on one split: `python -m evals.sweep --split dev 0.85 0.86 0.87`.

Runs the deterministic planner over the split's cases on the eval store (`assistant eval` builds it) once per value
of `assistant.abstention.MIN_DENSE` and prints the answer metrics. Tune on dev only: test and ooc are held out.
"""
from __future__ import annotations

import argparse
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    import assistant.abstention as abstention
    from assistant.api import Assistant
    from assistant.config import load_settings
    from evals.gate import GATED_MODE
    from evals.run import run_planner, run_retrieval
    from evals.splits import load_cases
    from evals.store import eval_store_dir

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("values", nargs="+", type=float, help="values of MIN_DENSE to try")
    p.add_argument("--split", default="dev")
    p.add_argument("--store", help="the eval store (default: the one `assistant eval` builds)")
    args = p.parse_args(argv)
    app = load_settings()
    store = eval_store_dir(args.store, app.store_dir)
    if not (store / "current.json").exists():
        print(f"No eval store in {store}: run `assistant eval` once first.")
        return 1
    assistant = Assistant(app.with_(store_dir=store, corpus_dir=store / "corpus", llm_provider="none"))
    cases = load_cases(args.split)
    ranks = run_retrieval(assistant, cases, GATED_MODE)["ranks"]
    shown = ("fact_accuracy", "abstention_precision", "abstention_recall", "citation_precision")
    print("MIN_DENSE  " + "  ".join(shown))
    for value in args.values:
        abstention.MIN_DENSE = value
        metrics = run_planner(assistant, cases, "deterministic", ranks)["metrics"]
        print(f"{value:<9}  " + "  ".join(f"{metrics[k]:>{len(k)}.3f}" for k in shown), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
