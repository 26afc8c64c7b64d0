"""The eval report: Markdown tables per split, a JSON file beside it, and the side-by-side summary for stdout.

Failing cases are listed for `dev` only: for the held-out splits (test, ooc) the report gives aggregates, so
that nobody tunes the assistant on them.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from evals import metrics
from evals.gate import GATED_MODE, measured_split
from evals.splits import CASE_FILES, HELD_OUT

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
    """One row per metric: name, then (measured, minimum, ok/FAIL) for every split that ran."""
    splits = list(results["splits"])
    values = {split: measured_split(results["splits"][split]) for split in splits}
    names = list(dict.fromkeys(n for split in splits for n in values[split] if not n.endswith(".n")))
    rows = []
    for name in names:
        row: list = [name]
        for split in splits:
            value, minimum = values[split].get(name), thresholds.get(f"{split}.{name}")
            ok = "" if minimum is None else ("ok" if value is not None and value >= minimum - 1e-9 else "FAIL")
            row += [value, "" if minimum is None else f"{minimum:.2f}", ok]
        rows.append(row)
    return rows


def _split_header(results: dict) -> list[str]:
    return ["metric"] + [h for split in results["splits"] for h in (split, "min", "")]


def _split_section(split: str, result: dict, cases: list[dict], show_failing: bool) -> list[str]:
    lines = ["", f"## Split `{split}` ({result['cases']} cases, `{CASE_FILES[split].name}`, {result.get('seconds', '?')} s)",
             "", "### Retrieval baselines", ""]
    lines += _table(["mode", "cases", "recall@1", "recall@3", "recall@5", "MRR"],
                    [[mode, r["metrics"]["n"], r["metrics"]["recall@1"], r["metrics"]["recall@3"],
                      r["metrics"]["recall@5"], r["metrics"]["mrr"]] for mode, r in result["retrieval"].items()])
    if result.get("unreachable"):
        lines += ["", f"Cases whose expected sources no chunk of the index matches: {len(result['unreachable'])}."]
        if show_failing:
            lines += [""] + [f"- {cid}: {_cell(srcs)}" for cid, srcs in result["unreachable"].items()]
    for name, run in result["planners"].items():
        lines += ["", f"### Answers: {name} planner", ""]
        lines += _table(["metric", "value"], [[k, v] for k, v in run["metrics"].items()])
        if name == "model":
            from evals.model_eval import markdown

            lines += markdown(cases, run)
        lines += ["", "#### Per category", ""]
        lines += _table(["category", "n", "fact accuracy", "tool accuracy", "recall@5"],
                        [[cat, v["n"], v["fact_accuracy"], v["tool_selection_accuracy"], v["recall@5"]]
                         for cat, v in run["per_category"].items()])
        by_cause = failing_rows(cases, run, result["retrieval"][GATED_MODE])
        lines += ["", "#### Failing cases", ""]
        if not show_failing:
            counts = ", ".join(f"{cause}: {len(rows)}" for cause, rows in sorted(by_cause.items())) or "none"
            lines.append(f"Held-out split: only counts are shown ({counts}). Do not tune on these cases.")
            continue
        if not by_cause:
            lines.append("None.")
        for cause, rows in sorted(by_cause.items()):
            lines += ["", f"##### {cause} ({len(rows)})", "", *_table(["case", "category", "expected", "got"], rows)]
    return lines


def render_markdown(results: dict, thresholds: dict[str, float], failing: list[str], cases: dict[str, list[dict]],
                    show_held_out: bool = False) -> str:
    splits = list(results["splits"])
    store = results.get("store", {})
    sizes = ", ".join(f"{s} ({results['splits'][s]['cases']} cases)" for s in splits)
    lines = [f"# Evaluation report ({date.today().isoformat()})", "",
             f"Splits: {sizes}; planners: "
             f"{', '.join(next(iter(results['splits'].values()))['planners'])}; store `{store.get('path', '?')}` "
             f"({store.get('documents', '?')} documents, {store.get('chunks', '?')} chunks: seeds + out-of-corpus "
             f"stand-ins); {results.get('seconds', '?')} s. Rerun: `assistant eval --report artifacts/eval-report.md`.", "",
             "**Gate: " + ("passed**" if not failing else "FAILED** on " + ", ".join(failing))
             + " (minimums per split in `evals/thresholds.yaml`; minimums just under this run are in the JSON report as "
             "`suggested_thresholds`).", "",
             "`dev` has been tuned on; `test` and `ooc` are held out and never tuned on (evals/GOLDEN.md).", "",
             "## Summary", "", *_table(_split_header(results), summary_rows(results, thresholds))]
    for split in splits:
        show = show_held_out or split not in HELD_OUT
        lines += _split_section(split, results["splits"][split], cases[split], show)
    lines += ["", "## Definitions", "", DEFINITIONS]
    return "\n".join(lines)


def _json_safe(results: dict, show_held_out: bool) -> dict:
    """The JSON report leaves out the cited chunks' full texts, and per-case records of held-out splits."""
    slim = json.loads(json.dumps(results, ensure_ascii=False, default=str))
    for split, result in slim["splits"].items():
        held_out = split in HELD_OUT and not show_held_out
        if held_out:
            result["unreachable"] = len(result["unreachable"])
        for mode in result["retrieval"].values():
            if held_out:
                mode.pop("ranks"), mode.pop("top")
        for run in result["planners"].values():
            if held_out:
                run.pop("records")
                continue
            for record in run["records"].values():
                for c in record["citations"]:
                    c.pop("text", None)
    return slim


def write_reports(results: dict, thresholds: dict[str, float], failing: list[str], path: Path,
                  cases: dict[str, list[dict]], show_held_out: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(results, thresholds, failing, cases, show_held_out), encoding="utf-8")
    payload = {"date": date.today().isoformat(), "thresholds": thresholds, "failing": failing} | _json_safe(results, show_held_out)
    path.with_suffix(".json").write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")


def summary_table(results: dict, thresholds: dict[str, float]) -> str:
    """The stdout summary: every gated metric for every split side by side, then the retrieval baselines."""
    rows = summary_rows(results, thresholds)
    width = max(len(r[0]) for r in rows)
    splits = list(results["splits"])
    out = [f"{'metric':<{width}}" + "".join(f"  {s:>8} {'min':>5} {'':4}" for s in splits)]
    for r in rows:
        cells = "".join(f"  {_fmt(r[1 + 3 * i]):>8} {r[2 + 3 * i]:>5} {r[3 + 3 * i]:4}" for i in range(len(splits)))
        out.append(f"{r[0]:<{width}}{cells}".rstrip())
    for split in splits:
        out.append(f"{split} baselines (recall@5 / MRR): " + ", ".join(
            f"{mode} {_fmt(r['metrics']['recall@5'])} / {_fmt(r['metrics']['mrr'])}"
            for mode, r in results["splits"][split]["retrieval"].items()))
    return "\n".join(out)
