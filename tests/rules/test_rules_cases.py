"""Runs the YAML case files in tests/rules/cases: one case per entry, readable without Python.

A case has: name, tool, inputs, and either expect (known, version, fields subset, answer
snippets, cited doc ids) or error (RuleInputError) with error_contains snippets.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import rules
from rules.tools import call_tool
from ingest.clean import normalize_ws
from rules.loader import load_yaml

CASES_DIR = Path(__file__).parent / "cases"
_CASE_KEYS = {"name", "tool", "inputs", "expect", "error", "error_contains"}
_EXPECT_KEYS = {"known", "version", "fields", "answer_da_contains", "answer_en_contains", "cites"}


def _load_cases() -> list:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for n, case in enumerate(load_yaml(path.read_text(encoding="utf-8")) or [], start=1):
            unknown = set(case) - _CASE_KEYS | set(case.get("expect") or {}) - _EXPECT_KEYS
            assert not unknown, f"{path.name} case {n}: unknown keys {unknown}"
            cases.append(pytest.param(case, id=f"{path.stem}:{n}:{case['name']}"))
    return cases


CASES = _load_cases()


def _plain(value):
    """Expected values as the result dicts hold them: dates as ISO strings."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def test_there_are_enough_cases():
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", CASES)
def test_case(case, corpus_texts):
    func = rules.TOOL_FUNCTIONS[case["tool"]]
    inputs = case.get("inputs") or {}
    if "error" in case:
        assert case["error"] == "RuleInputError"
        with pytest.raises(rules.RuleInputError) as exc:
            func(**inputs)
        message = str(exc.value)
        for snippet in case.get("error_contains", []):
            assert snippet in message
        # The same input through the tool layer gives an error result, not a traceback.
        assert call_tool(case["tool"], **inputs) == {"error": message}
        return
    result = func(**inputs).to_dict()
    expect = case["expect"]
    assert result["tool"] == case["tool"]
    if "known" in expect:
        assert result["known"] is expect["known"], result["answer_en"]
    if "version" in expect:
        assert result["version"] == expect["version"]
    for key, value in _plain(expect.get("fields", {})).items():
        assert key in result["fields"], f"missing field {key}"
        assert result["fields"][key] == value, f"{key}: {result['fields'][key]!r} != {value!r}"
    for snippet in expect.get("answer_da_contains", []):
        assert snippet in result["answer_da"], result["answer_da"]
    for snippet in expect.get("answer_en_contains", []):
        assert snippet in result["answer_en"], result["answer_en"]
    cited = {c["doc_id"] for c in result["citations"]}
    for doc in expect.get("cites", []):
        assert doc in cited, f"{doc} not cited: {cited}"
    if result["known"]:
        assert result["citations"], "a known answer must cite its source"
    for c in result["citations"]:
        assert normalize_ws(c["quote"]) in corpus_texts[c["doc_id"]]
