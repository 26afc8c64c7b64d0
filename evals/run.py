"""`assistant eval`: run the golden set through retrieval and the planners, write the report, apply the gate."""
from __future__ import annotations

import sys
import time
import traceback
from datetime import date
from pathlib import Path

import yaml

from evals import metrics, model_eval

EVALS_DIR = Path(__file__).resolve().parent
GOLDEN = EVALS_DIR / "golden.yaml"
THRESHOLDS = EVALS_DIR / "thresholds.yaml"
MODES = ("keyword", "dense", "hybrid")
GATED_MODE = "hybrid"
K = max(metrics.KS)
GATED_RETRIEVAL = ("recall@1", "recall@3", "recall@5", "mrr")
GATED_ANSWERS = ("rule_tool_exactness", "tool_selection_accuracy", "fact_accuracy", "citation_precision",
                 "citation_validity", "abstention_precision", "abstention_recall", "ran_without_error")
MUST_BE_PERFECT = ("rule_tool_exactness", "citation_validity", "ran_without_error")


# --- inputs ----------------------------------------------------------------------------------------

def load_cases(path: Path = GOLDEN) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]


def load_thresholds(path: Path = THRESHOLDS) -> dict[str, float]:
    """Flat {"<section>.<metric>": minimum}, e.g. "retrieval.recall@5" or "deterministic.fact_accuracy"."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {f"{section}.{name}": float(v) for section, values in data.items() for name, v in (values or {}).items()}


def as_of(case: dict) -> date | None:
    """The day the question is asked; a case without one is asked today."""
    value = case.get("as_of")
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def ensure_index(settings) -> None:
    """Build or update the index from corpus/ (returns at once when it is up to date)."""
    from ingest.index import build_index

    report = build_index(settings.corpus_dir, settings.store_dir, settings.embedding,
                         chroma_host=settings.chroma_host, chroma_port=settings.chroma_port)
    print(f"eval: {report.summary()}", file=sys.stderr)
    for problem in report.failed:
        print(f"eval: failed to ingest {problem}", file=sys.stderr)


def planner_names(settings, choice: str | None) -> list[str]:
    has_model = settings.llm_provider not in ("", "none")
    if choice in ("model", "both") and not has_model:
        raise ValueError("--planner model needs a language model: set ASSISTANT_LLM_PROVIDER (ollama or openai).")
    if choice == "model":
        return ["model"]
    if choice == "both" or (choice is None and has_model):
        return ["deterministic", "model"]
    return ["deterministic"]


def make_planner(assistant, name: str):
    if name == "deterministic":
        from assistant.planner import DeterministicPlanner

        return DeterministicPlanner(assistant.evidence())
    from assistant.agent import ModelPlanner, chat_model_from_settings

    return ModelPlanner(assistant.evidence(), chat_model_from_settings(assistant.settings), assistant.settings)


# --- running ---------------------------------------------------------------------------------------

def _passage(chunk) -> dict:
    return {"doc_id": chunk.doc_id, "section": chunk.section, "text": chunk.text}


def run_retrieval(assistant, cases: list[dict], mode: str) -> dict:
    """Rank of the first expected source in the top K, per case, through Assistant.search."""
    ranks, top = {}, {}
    for case in metrics.retrieval_cases(cases):
        hits = assistant.search(case["question"], k=K, as_of=as_of(case), mode=mode)
        passages = [_passage(h.chunk) for h in hits]
        ranks[case["id"]] = metrics.first_relevant_rank(case["expected_sources"], passages)
        top[case["id"]] = [f"{p['doc_id']} {p['section'] or '-'}" for p in passages[:3]]
    return {"metrics": metrics.retrieval_metrics(list(ranks.values())), "ranks": ranks, "top": top}


def unreachable(assistant, cases: list[dict]) -> dict[str, list[dict]]:
    """Cases whose expected sources match no chunk of the index at all (a chunking problem, not retrieval)."""
    passages = [_passage(c) for c in assistant.index.chunks.values()]
    return {case["id"]: case["expected_sources"] for case in metrics.retrieval_cases(cases)
            if metrics.first_relevant_rank(case["expected_sources"], passages) is None}


def answer_record(assistant, planner, case: dict) -> dict:
    """One question through Assistant.ask, as plain data; an exception is recorded, not hidden."""
    from assistant.answer import CitationError, check_citations

    started = time.perf_counter()
    try:
        answer = assistant.ask(case["question"], as_of=as_of(case), planner=planner)
    except Exception as exc:  # noqa: BLE001 - reported per case and failed by the gate
        print(f"eval: {case['id']} raised {exc!r}\n{traceback.format_exc(limit=-3)}", file=sys.stderr)
        return {"answer": "", "abstained": False, "tool_calls": [], "citations": [], "citation_error": None,
                "error": f"{type(exc).__name__}: {exc}", "ms": (time.perf_counter() - started) * 1000}
    ms = (time.perf_counter() - started) * 1000
    chunks = assistant.index.chunks
    try:
        check_citations(answer, {cid: c.text for cid, c in chunks.items()})
        citation_error = None
    except CitationError as exc:
        citation_error = str(exc)
    citations = []
    for c in answer.citations:
        chunk = chunks.get(c.chunk_id)
        citations.append({"quote": c.quote, "doc_id": c.doc_id, "section": chunk.section if chunk else "",
                          "text": chunk.text if chunk else "", "chunk_id": c.chunk_id})
    return {"answer": answer.answer, "abstained": answer.abstained,
            "tool_calls": [{"name": t.name, "args": t.args, "result": t.result} for t in answer.tool_calls],
            "citations": citations, "citation_error": citation_error, "error": None, "ms": ms,
            **model_eval.record_fields(answer)}


def run_planner(assistant, cases: list[dict], name: str, ranks: dict) -> dict:
    planner = make_planner(assistant, name)
    records = {case["id"]: answer_record(assistant, planner, case) for case in cases}
    if name == "model":  # metrics over the model's own answers only; fallbacks are counted, not scored
        values = model_eval.model_values(cases, records)
    else:
        values = metrics.answer_metrics(cases, records)
        values["ran_without_error"] = metrics.share(r["error"] is None for r in records.values())
    return {"metrics": values, "per_category": metrics.per_category(cases, records, ranks), "records": records}


def run_suite(assistant, cases: list[dict], planners: list[str]) -> dict:
    """Every metric of one run, as plain data (the JSON report)."""
    # Retrieval first: it loads the embedding model, so the timed questions run warm.
    retrieval = {mode: run_retrieval(assistant, cases, mode) for mode in MODES}
    ranks = retrieval[GATED_MODE]["ranks"]
    return {"cases": len(cases), "retrieval": retrieval, "unreachable": unreachable(assistant, cases),
            "planners": {name: run_planner(assistant, cases, name, ranks) for name in planners}}


def measured(results: dict) -> dict[str, float | None]:
    """The flat view the thresholds are written against."""
    flat = {f"retrieval.{k}": v for k, v in results["retrieval"][GATED_MODE]["metrics"].items()}
    for name, run in results["planners"].items():
        flat |= {f"{name}.{k}": v for k, v in run["metrics"].items()}
    return flat


def suggested_thresholds(results: dict, perfect: tuple[str, ...] = MUST_BE_PERFECT) -> dict[str, float]:
    """Minimums just under this run (see metrics.suggest_threshold); the `perfect` ones stay at 1.0.
    A metric this run could not measure (no cases for it) gets no suggestion."""
    values = measured(results)
    names = [f"retrieval.{m}" for m in GATED_RETRIEVAL]
    names += [f"{p}.{m}" for p in results["planners"] for m in GATED_ANSWERS]
    return {n: 1.0 if n.split(".")[1] in perfect else metrics.suggest_threshold(values[n])
            for n in names if values.get(n) is not None}


def gate(results: dict, thresholds: dict[str, float]) -> list[str]:
    """Failing metric names; sections for planners that did not run are skipped."""
    ran = {"retrieval", *results["planners"]}
    return metrics.gate(measured(results), {k: v for k, v in thresholds.items() if k.split(".")[0] in ran})


# --- entry point -----------------------------------------------------------------------------------

def main(args) -> int:
    from assistant.api import Assistant
    from assistant.config import load_settings
    from evals.report import summary_table, write_reports

    settings = load_settings(store_dir=Path(args.store) if getattr(args, "store", None) else None)
    planners = planner_names(settings, getattr(args, "planner", None))
    ensure_index(settings)
    cases = model_eval.select(load_cases(), getattr(args, "ids", None), getattr(args, "limit", None))
    started = time.perf_counter()
    results = run_suite(Assistant(settings), cases, planners)
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["suggested_thresholds"] = suggested_thresholds(results)
    thresholds = load_thresholds()
    if getattr(args, "ids", None) or getattr(args, "limit", None):  # a few cases say nothing about retrieval
        thresholds = {k: v for k, v in thresholds.items() if not k.startswith("retrieval.")}
    failing = gate(results, thresholds)
    report = Path(getattr(args, "report", None) or "artifacts/eval-report.md")
    write_reports(results, thresholds, failing, report, cases)
    print(summary_table(results, thresholds))
    print(f"report: {report} and {report.with_suffix('.json')}")
    if failing and not getattr(args, "no_gate", False):
        values = measured(results)
        for name in failing:
            print(f"GATE FAILED: {name} = {_fmt(values.get(name))} < {thresholds[name]:.2f}", file=sys.stderr)
        return 1
    return 0


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"
