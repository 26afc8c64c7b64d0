"""Per-split metric names, minimums and the gate; shared by the runner and the report (no cycle between them).

A flat metric name is "<split>.<section>.<metric>", e.g. "test.retrieval.recall@5" or "ooc.deterministic.fact_accuracy";
sections are "retrieval" (hybrid, planner-independent) and one per planner ("deterministic", "model").
"""
from __future__ import annotations

from pathlib import Path

import yaml

from evals import metrics
from evals.splits import EVALS_DIR

THRESHOLDS = EVALS_DIR / "thresholds.yaml"
MODES = ("keyword", "dense", "hybrid")
GATED_MODE = "hybrid"
GATED_RETRIEVAL = ("recall@1", "recall@3", "recall@5", "mrr")
GATED_ANSWERS = ("rule_tool_exactness", "tool_selection_accuracy", "fact_accuracy", "citation_precision",
                 "citation_validity", "abstention_precision", "abstention_recall", "ran_without_error")
MUST_BE_PERFECT = ("rule_tool_exactness", "citation_validity", "ran_without_error")


def load_thresholds(path: Path = THRESHOLDS) -> dict[str, float]:
    """Flat {"<split>.<section>.<metric>": minimum} from the nested YAML (split → section → metric)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {f"{split}.{section}.{name}": float(v)
            for split, sections in data.items() for section, values in (sections or {}).items()
            for name, v in (values or {}).items()}


def measured_split(result: dict) -> dict[str, float | None]:
    """One split's metrics as {"<section>.<metric>": value}."""
    flat = {f"retrieval.{k}": v for k, v in result["retrieval"][GATED_MODE]["metrics"].items()}
    for name, run in result["planners"].items():
        flat |= {f"{name}.{k}": v for k, v in run["metrics"].items()}
    return flat


def measured(results: dict) -> dict[str, float | None]:
    """Every split's metrics as {"<split>.<section>.<metric>": value}: the view the thresholds are written against."""
    return {f"{split}.{name}": v for split, result in results["splits"].items()
            for name, v in measured_split(result).items()}


def suggested_thresholds(results: dict, perfect: tuple[str, ...] = MUST_BE_PERFECT) -> dict[str, float]:
    """Minimums just under this run (metrics.suggest_threshold); the `perfect` ones stay at 1.0.
    A metric this run could not measure (no cases for it) gets no suggestion."""
    values = measured(results)
    out = {}
    for split, result in results["splits"].items():
        names = [f"retrieval.{m}" for m in GATED_RETRIEVAL]
        names += [f"{p}.{m}" for p in result["planners"] for m in GATED_ANSWERS]
        for n in names:
            value = values.get(f"{split}.{n}")
            if value is not None:
                out[f"{split}.{n}"] = 1.0 if n.split(".")[1] in perfect else metrics.suggest_threshold(value)
    return out


def gate(results: dict, thresholds: dict[str, float]) -> list[str]:
    """Failing metric names; splits that did not run and planners that did not run are skipped."""
    ran = {(split, section) for split, result in results["splits"].items()
           for section in ("retrieval", *result["planners"])}
    applicable = {k: v for k, v in thresholds.items() if tuple(k.split(".")[:2]) in ran}
    return metrics.gate(measured(results), applicable)
