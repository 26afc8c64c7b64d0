"""`assistant eval`: build the eval store, run each split through retrieval and the planners, report, gate."""
from __future__ import annotations

import sys
import time
import traceback
from datetime import date
from pathlib import Path

from evals import metrics, model_eval
from evals.gate import (GATED_MODE, MODES, gate, load_thresholds, measured, suggested_thresholds)
from evals.splits import chosen, load_cases

K = max(metrics.KS)


# --- inputs ----------------------------------------------------------------------------------------

def as_of(case: dict) -> date | None:
    """The day the question is asked; a case without one is asked today."""
    value = case.get("as_of")
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


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

    return ModelPlanner(assistant.evidence(), chat_model_from_settings(assistant.settings))


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
    """Every metric of one split, as plain data."""
    started = time.perf_counter()
    # Retrieval first: it loads the embedding model, so the timed questions run warm.
    retrieval = {mode: run_retrieval(assistant, cases, mode) for mode in MODES}
    ranks = retrieval[GATED_MODE]["ranks"]
    result = {"cases": len(cases), "retrieval": retrieval, "unreachable": unreachable(assistant, cases),
              "planners": {name: run_planner(assistant, cases, name, ranks) for name in planners}}
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def run_splits(assistant, cases: dict[str, list[dict]], planners: list[str]) -> dict:
    """Every split on the same store: {"splits": {split: run_suite(...)}}."""
    return {"splits": {split: run_suite(assistant, split_cases, planners) for split, split_cases in cases.items()}}


# --- entry point -----------------------------------------------------------------------------------

def main(args) -> int:
    from assistant.api import Assistant
    from assistant.config import load_settings
    from evals.report import summary_table, write_reports
    from evals.store import build_eval_store, eval_store_dir

    app = load_settings()
    store = eval_store_dir(getattr(args, "store", None), app.store_dir)
    splits = chosen(getattr(args, "split", None))
    planners = planner_names(app, getattr(args, "planner", None))
    started = time.perf_counter()
    corpus, ingest = build_eval_store(store, app.corpus_dir, app.embedding, app_store=app.store_dir,
                                      chroma_host=app.chroma_host, chroma_port=app.chroma_port)
    print(f"eval: store {store}: {ingest.summary()}", file=sys.stderr)
    for problem in ingest.failed:
        print(f"eval: failed to ingest {problem}", file=sys.stderr)
    ids, limit = getattr(args, "ids", None), getattr(args, "limit", None)
    cases = {split: model_eval.select(load_cases(split), ids, limit) for split in splits}
    results = run_splits(Assistant(app.with_(store_dir=store, corpus_dir=corpus)), cases, planners)
    results["store"] = {"path": str(store), "documents": ingest.docs, "chunks": ingest.chunks,
                        "failed": [str(p) for p in ingest.failed]}
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["suggested_thresholds"] = suggested_thresholds(results)
    thresholds = load_thresholds()
    if ids or limit:  # a few cases say nothing about retrieval
        thresholds = {k: v for k, v in thresholds.items() if k.split(".")[1] != "retrieval"}
    failing = gate(results, thresholds)
    if ingest.failed:  # a stand-in or seed that did not index makes every split's figures wrong
        failing.append("store.ingest")
    report = Path(getattr(args, "report", None) or "artifacts/eval-report.md")
    write_reports(results, thresholds, failing, report, cases, show_held_out=getattr(args, "show_held_out", False))
    print(summary_table(results, thresholds))
    print(f"report: {report} and {report.with_suffix('.json')}")
    if failing and not getattr(args, "no_gate", False):
        values = measured(results)
        for name in failing:
            if name in thresholds:
                print(f"GATE FAILED: {name} = {_fmt(values.get(name))} < {thresholds[name]:.2f}", file=sys.stderr)
            else:
                print(f"GATE FAILED: {name}", file=sys.stderr)
        return 1
    return 0


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"
