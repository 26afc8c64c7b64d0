"""The public API: acceptance checks, result shape, and the LangChain tools."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import rules

ROOT = Path(__file__).resolve().parents[2]
TOOL_NAMES = ["capacity_adjustment", "hearing_deadline", "who_chairs", "body_facts", "meeting_calendar",
              "framework_period", "tariff_agreement"]


def test_public_names():
    for name in ["capacity_adjustment", "hearing_deadline", "who_chairs", "body_facts", "meeting_calendar",
                 "framework_period", "tariff_agreement", "RuleResult", "RuleCitation", "RuleInputError",
                 "langchain_tools", "resolve_body", "known_bodies", "TOOL_FUNCTIONS"]:
        assert hasattr(rules, name), name
    assert sorted(rules.TOOL_FUNCTIONS) == sorted(TOOL_NAMES)
    assert issubclass(rules.RuleInputError, ValueError)


def test_acceptance():
    r = rules.capacity_adjustment(-7, whole_offer_closes=False, on=date(2026, 3, 1))
    assert r.fields["approval_required"] is False and r.fields["must_contact_affected_municipalities"] is True
    r = rules.capacity_adjustment(offer_size=7, whole_offer_closes=True, on=date(2026, 3, 1))
    assert r.fields["approval_required"] is True
    assert "DASSOS-møde" in r.fields["routes"] and "mailhøring med 14 dages høringsfrist" in r.fields["routes"]
    r = rules.capacity_adjustment(15, on=date(2019, 6, 1))
    assert r.fields["approvers"] == ["DASSOS", "Forretningsudvalget"] and "Forretningsudvalg" in r.answer_en
    assert rules.hearing_deadline(date(2026, 3, 3)).fields["deadline"] == "2026-03-17"
    assert rules.who_chairs("DASSOS", date(2026, 3, 1)).fields["chair"] == "Jesper Thyrring Møller"
    r = rules.meeting_calendar("DASSOS", after=date(2026, 2, 27))
    assert (r.fields["next_meeting"], r.fields["item_deadline"]) == ("2026-05-18", "2026-05-01")
    for res in (r, rules.who_chairs("DASSOS", "2026-03-01")):
        assert res.citations and all(c.quote and c.doc_id and c.section for c in res.citations)


def test_result_is_json_safe():
    r = rules.capacity_adjustment(-7, on="2026-03-01")
    d = r.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert set(d) == {"tool", "known", "answer_da", "answer_en", "fields", "rule_id", "version", "valid_from",
                      "valid_to", "citations"}
    assert set(d["citations"][0]) == {"doc_id", "section", "quote"}


def test_resolve_body_and_known_bodies():
    names = {"takstgruppen": "Takstgruppen", "KD-net": "KD-net", "Kommunaldirektørnetværket": "KD-net",
             "DASSOS": "DASSOS", "FU": "Forretningsudvalget", "forretningsudvalget": "Forretningsudvalget",
             "KKR": "KKR Midtjylland", "Kontaktudvalget": "Kontaktudvalget", "hjerneskadesamråd": "Hjerneskadesamråd",
             "kd net": "KD-net", "Dasos": "DASSOS", "Forretningsudvalgets": "Forretningsudvalget"}
    for given, expected in names.items():
        assert rules.resolve_body(given) == expected
    for body in ["KKR Midtjylland", "Kontaktudvalget", "Dialogforum", "Brugerorganisationer", "KD-net", "DASSOS",
                 "Forretningsudvalget", "Takstgruppen", "Ad hoc grupper", "Hjerneskadesamråd"]:
        assert body in rules.known_bodies()
    with pytest.raises(rules.RuleInputError, match="closest known: Takstgruppen"):
        rules.resolve_body("Takstrådet")


def test_importing_rules_does_not_import_langchain():
    code = "import sys, rules; rules.capacity_adjustment(-3, on='2026-03-01'); print('langchain_core' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.fixture(scope="module")
def tools():
    pytest.importorskip("langchain_core")
    return {t.name: t for t in rules.langchain_tools()}


def test_langchain_tools_names_and_descriptions(tools):
    from langchain_core.tools import StructuredTool

    assert list(tools) == TOOL_NAMES
    for t in tools.values():
        assert isinstance(t, StructuredTool)
        assert "DA:" in t.description and "EN:" in t.description
        assert t.args_schema is not None


def test_langchain_tool_returns_the_result_dict(tools):
    out = tools["capacity_adjustment"].invoke({"change": -7, "whole_offer_closes": False, "on": "2026-03-01"})
    assert out == rules.capacity_adjustment(-7, whole_offer_closes=False, on=date(2026, 3, 1)).to_dict()
    out = tools["meeting_calendar"].invoke({"after": "2026-02-27"})
    assert out["fields"]["next_meeting"] == "2026-05-18"
    out = tools["framework_period"].invoke({"agreement": "2027-28"})
    assert out["fields"]["period_from"] == "2027-01-01"


@pytest.mark.parametrize("name,args,snippet", [
    ("who_chairs", {"body": "Borgerrådet", "on": "2026-03-01"}, "Unknown body 'Borgerrådet'"),
    ("capacity_adjustment", {"change": 7.5, "on": "2026-03-01"}, "whole number"),
    ("capacity_adjustment", {"change": "seven", "on": "2026-03-01"}, "'seven'"),
    ("hearing_deadline", {"sent": "2026-02-30"}, "'2026-02-30'"),
    ("body_facts", {"on": "2026-03-01"}, "'body' is missing"),
    ("tariff_agreement", {"on": "2026-03-01", "extra": 1}, "Unknown input 'extra'"),
    ("framework_period", {}, "Give a date"),
    ("meeting_calendar", {"after": "1.3.2026"}, "YYYY-MM-DD"),
])
def test_langchain_tools_turn_bad_input_into_an_error_result(tools, name, args, snippet):
    out = tools[name].invoke(args)
    assert set(out) == {"error"} and snippet in out["error"]


def test_langchain_tool_call_gives_a_tool_message(tools):
    call = {"type": "tool_call", "name": "who_chairs", "id": "c1", "args": {"body": "DASSOS", "on": "2026-13-01"}}
    msg = tools["who_chairs"].invoke(call)
    assert msg.status == "error" and "2026-13-01" in str(msg.content)
    call["args"]["on"] = "2026-03-01"
    assert "Jesper Thyrring Møller" in str(tools["who_chairs"].invoke(call).content)


def test_tool_schemas_are_typed_for_the_model(tools):
    from langchain_core.utils.function_calling import convert_to_openai_tool

    params = convert_to_openai_tool(tools["capacity_adjustment"])["function"]["parameters"]
    assert params["required"] == ["on"]
    assert params["properties"]["on"]["format"] == "date"
    params = convert_to_openai_tool(tools["who_chairs"])["function"]["parameters"]
    assert sorted(params["required"]) == ["body", "on"]
