"""Deterministic eval metrics: pure functions over golden cases (dicts) and plain answer/passage records.

An answer record is a dict: {"answer": str, "abstained": bool, "tool_calls": [{"name", "args", "result"}],
"citations": [{"quote", "doc_id", "section", "text"}], "citation_error": str | None, "ms": float}, where a
citation's "section"/"text" are those of the chunk it cites. A passage is {"doc_id", "section", "text"}.
"""
from __future__ import annotations

import math
import re
from datetime import date

from ingest.clean import normalize_ws

RULE_TOOLS = ("capacity_adjustment", "hearing_deadline", "who_chairs", "body_facts", "meeting_calendar",
              "framework_period", "tariff_agreement")
KS = (1, 3, 5)


# --- matching ------------------------------------------------------------------------------------

def fact_found(fact, text: str) -> bool:
    """A plain fact is a case-insensitive substring; {regex: ...} is re.search with IGNORECASE."""
    if isinstance(fact, dict):
        return re.search(fact["regex"], text, re.IGNORECASE) is not None
    return str(fact).lower() in text.lower()


def _section_key(section: str) -> str:
    return str(section).strip().rstrip(".")


def source_matches(source: dict, passage: dict) -> bool:
    """Same document and (same agenda item number, or the `contains` string in the passage text)."""
    if source["doc"] != passage["doc_id"]:
        return False
    if "section" in source and _section_key(source["section"]) == _section_key(passage.get("section", "")):
        return True
    return "contains" in source and source["contains"] in normalize_ws(passage.get("text", ""))


def first_relevant_rank(sources: list[dict], passages: list[dict]) -> int | None:
    """1-based rank of the first passage that matches any expected source; None when none does."""
    for rank, p in enumerate(passages, start=1):
        if any(source_matches(s, p) for s in sources):
            return rank
    return None


def _norm(value) -> object:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        return normalize_ws(value).lower()
    return value


def values_equal(expected, got) -> bool:
    """Dates as ISO strings, strings case/whitespace-insensitively, lists as sets, None only equals None."""
    if isinstance(expected, (list, tuple, set)):
        if not isinstance(got, (list, tuple, set)):
            return False
        return {_norm(v) for v in expected} == {_norm(v) for v in got}
    e, g = _norm(expected), _norm(got)
    if isinstance(e, bool) or isinstance(g, bool) or e is None or g is None:
        return e is g
    return e == g


def field_mismatches(expected: dict, got: dict) -> dict:
    """{field: (expected, got)} for every listed field whose value differs (a missing field counts as absent)."""
    missing = object()
    out = {}
    for name, want in expected.items():
        have = got.get(name, missing)
        if have is missing or not values_equal(want, have):
            out[name] = (want, None if have is missing else have)
    return out


# --- per case --------------------------------------------------------------------------------------

def expected_tool_call(case: dict, record: dict) -> dict | None:
    """The tool call the case is about: the first call of its expected tool."""
    return next((t for t in record["tool_calls"] if t["name"] == case.get("expected_tool")), None)


def tool_exact(case: dict, record: dict) -> bool | None:
    """Do the expected tool's result fields equal the expected values? None when the case lists no fields."""
    if not case.get("expected_fields"):
        return None
    call = expected_tool_call(case, record)
    if call is None or "error" in call["result"]:
        return False
    return not field_mismatches(case["expected_fields"], call["result"].get("fields", {}))


def tool_selected(case: dict, record: dict) -> bool | None:
    """First tool call is the expected tool; without one, no rule tool may be called (non-procedural only)."""
    first = record["tool_calls"][0]["name"] if record["tool_calls"] else None
    if case.get("expected_tool"):
        return first == case["expected_tool"]
    if case["category"].startswith("rule_"):
        return None  # a procedural question answered from the documents: tool choice is not judged
    return not any(t["name"] in RULE_TOOLS for t in record["tool_calls"])


def facts_found(case: dict, record: dict) -> list[bool]:
    return [fact_found(f, record["answer"]) for f in case.get("expected_facts") or []]


def citation_hits(case: dict, record: dict) -> list[bool]:
    """A citation is precise when its quote holds an expected fact or its chunk matches an expected source."""
    facts = case.get("expected_facts") or []
    sources = case.get("expected_sources") or []
    return [any(fact_found(f, c["quote"]) for f in facts) or any(source_matches(s, c) for s in sources)
            for c in record["citations"]]


# --- aggregates ------------------------------------------------------------------------------------

def share(flags) -> float | None:
    flags = [bool(f) for f in flags if f is not None]
    return sum(flags) / len(flags) if flags else None


def recall_at_k(ranks: list[int | None], k: int) -> float | None:
    return share([r is not None and r <= k for r in ranks]) if ranks else None


def mrr(ranks: list[int | None]) -> float | None:
    return sum(1.0 / r for r in ranks if r) / len(ranks) if ranks else None


def precision_recall(pairs: list[tuple[bool, bool]]) -> tuple[float | None, float | None]:
    """(precision, recall) of predicted against actual positives; None where the denominator is 0."""
    tp = sum(1 for actual, pred in pairs if actual and pred)
    predicted = sum(1 for _, pred in pairs if pred)
    actual = sum(1 for a, _ in pairs if a)
    return (tp / predicted if predicted else None, tp / actual if actual else None)


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def retrieval_metrics(ranks: list[int | None]) -> dict:
    out = {f"recall@{k}": recall_at_k(ranks, k) for k in KS}
    out["mrr"] = mrr(ranks)
    out["n"] = len(ranks)
    return out


def retrieval_cases(cases: list[dict]) -> list[dict]:
    return [c for c in cases if c.get("expected_sources") and not c.get("abstain")]


def answer_metrics(cases: list[dict], records: dict[str, dict]) -> dict:
    """Answer-level metrics of one planner's run (records keyed by case id)."""
    pairs = [(c, records[c["id"]]) for c in cases if c["id"] in records]
    answered = [(c, r) for c, r in pairs if not c.get("abstain")]
    facts = [f for c, r in answered for f in facts_found(c, r)]
    cites = [h for c, r in answered for h in citation_hits(c, r)]
    precision, recall = precision_recall([(bool(c.get("abstain")), bool(r["abstained"])) for c, r in pairs])
    ms = [r["ms"] for _, r in pairs]
    return {
        "rule_tool_exactness": share(tool_exact(c, r) for c, r in pairs),
        "tool_selection_accuracy": share(tool_selected(c, r) for c, r in pairs),
        "fact_accuracy": share(facts),
        "fact_case_accuracy": share(all(facts_found(c, r)) for c, r in answered if c.get("expected_facts")),
        "citation_precision": share(cites),
        "citation_validity": share(r["citation_error"] is None for _, r in pairs),
        "citation_violations": sum(1 for _, r in pairs if r["citation_error"]),
        "abstention_precision": precision,
        "abstention_recall": recall,
        "abstain_cases_citing": sum(1 for c, r in pairs if c.get("abstain") and r["citations"]),
        "latency_p50_ms": percentile(ms, 50),
        "latency_p95_ms": percentile(ms, 95),
        "n": len(pairs),
    }


def per_category(cases: list[dict], records: dict[str, dict], ranks: dict[str, int | None]) -> dict:
    """Fact accuracy, tool accuracy and hybrid recall@5 per category."""
    out = {}
    for cat in sorted({c["category"] for c in cases}):
        group = [c for c in cases if c["category"] == cat and c["id"] in records]
        out[cat] = {
            "n": len(group),
            "fact_accuracy": share(f for c in group if not c.get("abstain")
                                   for f in facts_found(c, records[c["id"]])),
            "tool_selection_accuracy": share(tool_selected(c, records[c["id"]]) for c in group),
            "recall@5": recall_at_k([ranks[c["id"]] for c in group if c["id"] in ranks], 5),
        }
    return out


# --- thresholds ------------------------------------------------------------------------------------

def gate(measured: dict[str, float | None], thresholds: dict[str, float]) -> list[str]:
    """Names of the gated metrics below their minimum (a metric that could not be measured fails too)."""
    failing = []
    for name, minimum in thresholds.items():
        value = measured.get(name)
        if value is None or value < minimum - 1e-9:
            failing.append(name)
    return failing


def suggest_threshold(value: float | None, margin: float = 0.02) -> float:
    """Just under a measurement: round down to the hundredth, then 0.02 below (never under 0)."""
    if value is None:
        return 0.0
    return max(0.0, round(math.floor(value * 100 + 1e-9) / 100 - margin, 2))
