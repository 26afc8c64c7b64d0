"""Honest model evals: who answered each case (model-written, model-routed, fallback), the three rates, and the
model's metrics over the answers the model actually made (n/a when there are none)."""
from __future__ import annotations

import re

from evals import metrics

CLASSES = ("model-written", "model-routed", "fallback")


def select(cases: list[dict], ids: str | None = None, limit: int | None = None) -> list[dict]:
    """The cases --ids (a regular expression on the id) and --limit (the first N) pick."""
    if ids:
        try:
            pattern = re.compile(ids)
        except re.error as exc:
            raise ValueError(f"--ids is not a valid regular expression: {exc}.") from None
        cases = [c for c in cases if pattern.search(str(c["id"]))]
    if limit is not None:
        if limit < 1:
            raise ValueError("--limit must be at least 1.")
        cases = cases[:limit]
    if not cases:
        raise ValueError("No golden case matches --ids; nothing to evaluate.")
    return cases


def record_fields(answer) -> dict:
    """The model trace of one answer as plain data for the eval record (empty for the deterministic planner)."""
    from assistant.modelrun import answer_run

    run = answer_run(answer)
    if run is None:
        return {}
    return {"model_class": run.outcome, "fallback_reason": run.reason.en if run.reason else "",
            "loop_stop": run.stop, "model_rounds": run.rounds, "model_calls": run.calls,
            "prompt_tokens": run.prompt_tokens, "dropped_sentences": run.dropped}


def model_values(cases: list[dict], records: dict[str, dict]) -> dict:
    """The model planner's metrics: the class rates over all cases, answer metrics over the model's own answers."""
    classes = [r.get("model_class", "fallback") if r["error"] is None else "fallback" for r in records.values()]
    n = len(classes)
    rates = {f"{c.replace('-', '_')}_rate": (classes.count(c) / n if n else None) for c in CLASSES}
    by_model = {cid: r for cid, r in records.items() if r.get("model_class") in CLASSES[:2] and r["error"] is None}
    values = metrics.answer_metrics([c for c in cases if c["id"] in by_model], by_model)
    if not by_model:  # nothing the model answered: every answer metric is n/a, not the fallback's score
        values = {k: (0 if k == "n" else None) for k in values}
    rounds = [r.get("model_rounds", 0) for r in records.values()]
    calls = [c for r in records.values() for c in r.get("model_calls", [])]
    tokens = [t for r in records.values() for t in r.get("prompt_tokens", [])]
    return values | rates | {
        "answered_by_model": (len(by_model) / n) if n else None,  # 1 - fallback rate; gated in thresholds.yaml
        "ran_without_error": metrics.share(r["error"] is None for r in records.values()),
        "tool_call_rate": metrics.share(bool(r.get("model_calls")) for r in records.values()),
        "native_call_share": metrics.share(bool(c.get("native")) for c in calls),
        "model_rounds_mean": (sum(rounds) / n) if n else None,
        "prompt_tokens_mean": (sum(tokens) / len(tokens)) if tokens else None,
    }


def markdown(cases: list[dict], run: dict) -> list[str]:
    """Per case: who answered, and why the model's answer was not used."""
    lines = ["", "### Who answered", "", "| case | class | rounds | model calls | why |", "|---|---|---|---|---|"]
    for case in cases:
        r = run["records"].get(case["id"])
        if r is None:
            continue
        calls = ", ".join(c["name"] for c in r.get("model_calls", [])) or "–"
        why = (r.get("error") or r.get("fallback_reason") or r.get("loop_stop") or "").replace("|", "\\|")
        lines.append(f"| {case['id']} | {r.get('model_class', 'fallback')} | {r.get('model_rounds', 0)} | {calls} | "
                     f"{why[:160]} |")
    return lines
