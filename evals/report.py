"""The eval report: Markdown tables, a JSON file beside it, and the compact summary printed to stdout."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from evals import metrics

CUT = 160
DEFINITIONS = """\
- **rule_tool_exactness**: cases with `expected_fields`: the first call of the expected tool returned every listed
  field with the expected value (dates as ISO strings, strings case/whitespace-insensitive, lists as sets, null = null).
- **tool_selection_accuracy**: cases with `expected_tool`: the first tool call is that tool; cases without one in
  non-procedural categories: no rule tool was called (`find_decisions` is not a rule tool). Rule categories without
  `expected_tool` are not judged.
- **retrieval recall@k / MRR**: cases with `expected_sources` and not `abstain`, through `Assistant.search(question,
  k=5, as_of=case.as_of, mode=...)`. A chunk matches an expected source when it has the same document and the same
  agenda item number, or its `normalize_ws(text)` contains the `contains` string. Recall@k = share of cases with a
  match in the top k; MRR = mean of 1/rank of the first match (0 when none).
- **fact_accuracy**: share of all expected facts (non-abstain cases) found in the answer text only (plain string:
  case-insensitive substring; `{regex}`: `re.search` with IGNORECASE). `fact_case_accuracy`: share of cases with all
  facts found.
- **citation_precision**: share of the citations of non-abstain answers whose quote contains at least one expected
  fact of the case or whose cited chunk matches an expected source of the case.
- **citation_validity / citation_violations**: answers that pass `check_citations` against the index (every quote in
  its chunk, every [n] in the text a citation); violations must be 0.
- **abstention precision / recall**: positive = `abstain: true`, predicted = `Answer.abstained`.
- **abstain_cases_citing**: abstain cases whose answer still lists citations (GOLDEN.md: they must cite nothing).
- **latency**: wall time of `Assistant.ask` per question (nearest-rank p50/p95), after the index is warm.
"""


def _fmt(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _cell(value, cut: int = CUT) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= cut else text[: cut - 1] + "…"


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(_fmt(v), 400) for v in row) + " |" for row in rows]
    return lines


# --- failing cases ---------------------------------------------------------------------------------

def failures(case: dict, record: dict, rank: int | None, top: list[str] | None) -> list[tuple[str, str, str]]:
    """(cause, expected, got) for every check the case fails."""
    out = []
    if record.get("error"):
        out.append(("error", "an answer", record["error"]))
    tools = [t["name"] for t in record["tool_calls"]]
    if metrics.tool_selected(case, record) is False:
        out.append(("tool selection", case.get("expected_tool") or "no rule tool", ", ".join(tools) or "none"))
    if metrics.tool_exact(case, record) is False:
        call = metrics.expected_tool_call(case, record)
        if call is None:
            got = "tool not called"
        elif "error" in call["result"]:
            got = call["result"]["error"]
        else:
            got = metrics.field_mismatches(case["expected_fields"], call["result"].get("fields", {}))
            got = {k: v[1] for k, v in got.items()}
            got = f"{got} (args {call['args']})"
        out.append(("rule fields", case["expected_fields"], got))
    if bool(case.get("abstain")) != bool(record["abstained"]):
        out.append(("abstention", "abstain" if case.get("abstain") else "an answer",
                    ("abstained: " if record["abstained"] else "answered: ") + record["answer"]))
    elif not case.get("abstain"):
        missing = [f for f, ok in zip(case.get("expected_facts") or [], metrics.facts_found(case, record)) if not ok]
        if missing:
            out.append(("missing facts", missing, record["answer"]))
    if record.get("citation_error"):
        out.append(("citation check", "valid citations", record["citation_error"]))
    if top is not None and rank is None:
        expected = [s.get("section") or s.get("contains") for s in case["expected_sources"]]
        out.append(("retrieval miss@5", [f"{s['doc']} {e}" for s, e in zip(case["expected_sources"], expected)],
                    top))
    return out


def failing_rows(cases: list[dict], run: dict, retrieval: dict) -> dict[str, list[list]]:
    by_cause: dict[str, list[list]] = {}
    for case in cases:
        record = run["records"].get(case["id"])
        if record is None:
            continue
        rank = retrieval["ranks"].get(case["id"])
        for cause, expected, got in failures(case, record, rank, retrieval["top"].get(case["id"])):
            by_cause.setdefault(cause, []).append([case["id"], case["category"], _cell(expected), _cell(got)])
    return by_cause


# --- rendering -------------------------------------------------------------------------------------

def summary_rows(results: dict, thresholds: dict[str, float]) -> list[list]:
    from evals.run import measured

    values = measured(results)
    rows = []
    for name, value in values.items():
        if name.endswith(".n"):
            continue
        minimum = thresholds.get(name)
        ok = "" if minimum is None else ("ok" if value is not None and value >= minimum - 1e-9 else "FAIL")
        rows.append([name, value, "" if minimum is None else f"{minimum:.2f}", ok])
    return rows


def render_markdown(results: dict, thresholds: dict[str, float], failing: list[str], cases: list[dict]) -> str:
    lines = [f"# Evaluation report ({date.today().isoformat()})", "",
             f"{results['cases']} golden cases (`evals/golden.yaml`), planners: {', '.join(results['planners'])}, "
             f"{results.get('seconds', '?')} s. Rerun: `assistant eval --report artifacts/eval-report.md`.", "",
             "**Gate: " + ("passed**" if not failing else "FAILED** on " + ", ".join(failing))
             + " (minimums in `evals/thresholds.yaml`; minimums just under this run are in the JSON report as "
             "`suggested_thresholds`).", "",
             "## Summary", "", *_table(["metric", "measured", "minimum", ""], summary_rows(results, thresholds)),
             "", "## Retrieval baselines", ""]
    lines += _table(["mode", "cases", "recall@1", "recall@3", "recall@5", "MRR"],
                    [[mode, r["metrics"]["n"], r["metrics"]["recall@1"], r["metrics"]["recall@3"],
                      r["metrics"]["recall@5"], r["metrics"]["mrr"]] for mode, r in results["retrieval"].items()])
    if results.get("unreachable"):
        lines += ["", "Expected sources that no chunk of the index matches (these cases cannot be retrieved):", ""]
        lines += [f"- {cid}: {_cell(srcs)}" for cid, srcs in results["unreachable"].items()]
    for name, run in results["planners"].items():
        m = run["metrics"]
        lines += ["", f"## Answers: {name} planner", ""]
        lines += _table(["metric", "value"], [[k, v] for k, v in m.items()])
        if name == "model":
            from evals.model_eval import markdown

            lines += markdown(cases, run)
        lines += ["", "### Per category", ""]
        lines += _table(["category", "n", "fact accuracy", "tool accuracy", "recall@5"],
                        [[cat, v["n"], v["fact_accuracy"], v["tool_selection_accuracy"], v["recall@5"]]
                         for cat, v in run["per_category"].items()])
        lines += ["", "### Failing cases", ""]
        by_cause = failing_rows(cases, run, results["retrieval"]["hybrid"])
        if not by_cause:
            lines.append("None.")
        for cause, rows in sorted(by_cause.items()):
            lines += ["", f"#### {cause} ({len(rows)})", "", *_table(["case", "category", "expected", "got"], rows)]
    lines += ["", "## Definitions", "", DEFINITIONS]
    return "\n".join(lines)


def _json_safe(results: dict) -> dict:
    """The JSON report leaves out the cited chunks' full texts."""
    slim = json.loads(json.dumps(results, ensure_ascii=False, default=str))
    for run in slim["planners"].values():
        for record in run["records"].values():
            for c in record["citations"]:
                c.pop("text", None)
    return slim


def write_reports(results: dict, thresholds: dict[str, float], failing: list[str], path: Path,
                  cases: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(results, thresholds, failing, cases), encoding="utf-8")
    payload = {"date": date.today().isoformat(), "thresholds": thresholds, "failing": failing} | _json_safe(results)
    path.with_suffix(".json").write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")


def summary_table(results: dict, thresholds: dict[str, float]) -> str:
    rows = summary_rows(results, thresholds)
    width = max(len(r[0]) for r in rows)
    out = [f"{'metric':<{width}}  {'measured':>8}  {'min':>5}"]
    out += [f"{r[0]:<{width}}  {_fmt(r[1]):>8}  {r[2]:>5}  {r[3]}" for r in rows]
    out.append("baselines (recall@5 / MRR): " + ", ".join(
        f"{mode} {_fmt(r['metrics']['recall@5'])} / {_fmt(r['metrics']['mrr'])}"
        for mode, r in results["retrieval"].items()))
    return "\n".join(out)
