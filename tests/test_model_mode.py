"""Model mode against real HTTP servers on 127.0.0.1: timeouts, retries, budget, fallbacks, native tool calls, the
loop stops, `assistant doctor` and the model gate of `assistant eval`."""
from __future__ import annotations

import json
import shutil
import os
import subprocess
import sys
import time
from argparse import Namespace
from datetime import date
from pathlib import Path

import pytest

from assistant.agent import ModelPlanner, chat_model_from_settings
from assistant.api import Assistant
from assistant.planner import DeterministicPlanner, call_rule
from rules.scope import scope
from tests.llm_servers import ScriptedServer, SilentServer, closed_port, tool_call

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 3, 1)
CHAIR_Q = "Hvem er formand for {body}?"


@pytest.fixture(scope="module")
def evidence(seed_assistant):
    return seed_assistant.evidence()


def planner(seed_settings, evidence, url, **settings):
    s = seed_settings.with_(llm_provider="openai", llm_model="m", llm_base_url=url, **settings)
    return ModelPlanner(evidence, chat_model_from_settings(s), s)


def chair_question() -> tuple[str, dict]:
    body = scope().steering_body
    return CHAIR_Q.format(body=body), call_rule("who_chairs", {"body": body, "on": AS_OF.isoformat()})


# --- failures become one sentence and the deterministic answer ----------------------------------------------

def test_closed_port_falls_back_at_once_naming_the_server(seed_settings, evidence):
    url = f"http://127.0.0.1:{closed_port()}/v1"
    question, _ = chair_question()
    started = time.monotonic()
    out = planner(seed_settings, evidence, url).answer(question, AS_OF)
    assert time.monotonic() - started < 10
    assert out.planner == "deterministic"
    assert out.answer == DeterministicPlanner(evidence).answer(question, AS_OF).answer
    run = out.model_run
    assert run.outcome == "fallback" and run.reason.code == "unreachable" and url in run.reason.en
    assert run.rounds == 0


def test_server_that_never_answers_times_out_per_request_and_is_retried_once(seed_settings, evidence):
    silent = SilentServer()
    try:
        question, _ = chair_question()
        started = time.monotonic()
        out = planner(seed_settings, evidence, silent.url, llm_timeout=1.0, llm_retries=1,
                      llm_budget=30).answer(question, AS_OF)
        took = time.monotonic() - started
    finally:
        silent.close()
    assert 2.0 <= took < 8, took  # two attempts of one second each, then the deterministic answer
    assert out.planner == "deterministic" and out.model_run.reason.code == "timeout"
    assert len(silent.held) == 2
    assert "did not answer within 1 s" in out.model_run.reason.en


def test_question_budget_bounds_a_hung_request(seed_settings, evidence):
    silent = SilentServer()
    try:
        started = time.monotonic()
        out = planner(seed_settings, evidence, silent.url, llm_timeout=60, llm_retries=0,
                      llm_budget=1.5).answer(chair_question()[0], AS_OF)
        took = time.monotonic() - started
    finally:
        silent.close()
    assert took < 5, took
    assert out.model_run.reason.code == "budget" and "1.5 s" in out.model_run.reason.en
    assert out.planner == "deterministic" and out.answer


def test_server_error_is_retried_then_reported_with_its_status(seed_settings, evidence):
    server = ScriptedServer([500, 500, 500])
    try:
        out = planner(seed_settings, evidence, server.url, llm_retries=1).answer(chair_question()[0], AS_OF)
    finally:
        server.close()
    assert len(server.requests) == 2
    assert out.model_run.reason.code == "http_error" and "500" in out.model_run.reason.en
    assert "Svaret er lavet uden sprogmodellen, fordi sprogmodellen på" in _notice(out)


def _notice(answer) -> str:
    from assistant.modelrun import fallback_notice

    return fallback_notice(answer)


@pytest.mark.parametrize("kind", ["closed", "silent"])
def test_ollama_gets_the_same_timeout_and_one_sentence(seed_settings, evidence, kind):
    silent = SilentServer() if kind == "silent" else None
    url = f"http://127.0.0.1:{silent.port if silent else closed_port()}"
    s = seed_settings.with_(llm_provider="ollama", llm_model="m", llm_base_url=url, llm_timeout=1.0, llm_retries=0)
    try:
        started = time.monotonic()
        out = ModelPlanner(evidence, chat_model_from_settings(s), s).answer(chair_question()[0], AS_OF)
        took = time.monotonic() - started
    finally:
        if silent:
            silent.close()
    assert took < 5 and out.planner == "deterministic"
    assert out.model_run.reason.code == ("timeout" if silent else "unreachable") and url in out.model_run.reason.en


# --- native tool calls over HTTP, and the loop stops ----------------------------------------------------------

def test_tools_go_through_the_api_and_a_native_call_is_used(seed_settings, evidence):
    question, result = chair_question()
    chair = result["fields"]["chair"]
    server = ScriptedServer([tool_call("who_chairs", {"body": scope().steering_body, "on": "2026-03-01"}),
                             {"content": f"{chair} er formand for {scope().steering_body}."}])
    try:
        out = planner(seed_settings, evidence, server.url).answer(question, AS_OF)
    finally:
        server.close()
    first = server.requests[0]
    assert len(first["tools"]) == 9 and {t["function"]["name"] for t in first["tools"]} >= {"who_chairs",
                                                                                           "search_documents"}
    system = first["messages"][0]["content"]
    assert scope().region_da in system and "JSON" not in system
    assert "2026-03-01" in first["messages"][1]["content"]  # the as-of date travels with the question
    assert out.planner == "model" and out.model_run.outcome == "model-written"
    assert out.answer.startswith(f"{chair} er formand") and out.citations
    assert out.model_run.calls == [{"name": "who_chairs", "args": {"body": scope().steering_body,
                                                                   "on": "2026-03-01"}, "native": True}]
    assert out.model_run.rounds == 2 and out.model_run.prompt_tokens == [1000, 1000]


def test_identical_repeated_call_stops_the_loop_and_the_tools_word_the_answer(seed_settings, evidence):
    search = {"query": "ledsageraftalen"}
    server = ScriptedServer([tool_call("search_documents", search, 1), tool_call("search_documents", search, 2),
                             {"content": "never asked"}])
    try:
        out = planner(seed_settings, evidence, server.url).answer("Hvad siger dokumenterne om ledsageraftalen?",
                                                                 AS_OF)
    finally:
        server.close()
    assert len(server.requests) == 2
    assert out.model_run.outcome == "model-routed" and "repeated an identical call" in out.model_run.stop
    assert out.planner == "model" and out.citations and "never asked" not in out.answer


def test_more_tools_after_a_rule_answer_stop_with_the_rule_wording(seed_settings, evidence):
    question, result = chair_question()
    server = ScriptedServer([tool_call("who_chairs", {"body": scope().steering_body, "on": "2026-03-01"}),
                             tool_call("search_documents", {"query": "formand"}, 2)])
    try:
        out = planner(seed_settings, evidence, server.url).answer(question, AS_OF)
    finally:
        server.close()
    assert out.model_run.outcome == "model-routed" and "who_chairs had answered" in out.model_run.stop
    assert out.answer.startswith(result["answer_da"])


def test_rounds_are_capped(seed_settings, evidence):
    from assistant.toolcalls import MAX_ROUNDS

    server = ScriptedServer([tool_call("search_documents", {"query": f"emne {n}"}, n) for n in range(10)])
    try:
        out = planner(seed_settings, evidence, server.url).answer("Hvad siger dokumenterne om herberger?", AS_OF)
    finally:
        server.close()
    assert len(server.requests) == MAX_ROUNDS == out.model_run.rounds
    assert out.model_run.outcome == "model-routed" and f"{MAX_ROUNDS} rounds" in out.model_run.stop


# --- the command line ---------------------------------------------------------------------------------------

def cli(seed_store, *args, **env) -> subprocess.CompletedProcess:
    full = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True,
                          env=full, cwd=ROOT, timeout=120)


def test_ask_with_unreachable_model_prints_the_answer_and_one_stderr_line(seed_store, seed_assistant):
    url = f"http://127.0.0.1:{closed_port()}/v1"
    question = f"Who chairs {scope().bodies[-1]}?"
    expected = seed_assistant.ask(question).answer
    done = cli(seed_store, "ask", question, "--store", str(seed_store), ASSISTANT_LLM_PROVIDER="openai",
               ASSISTANT_LLM_BASE_URL=url, ASSISTANT_LLM_TIMEOUT="5")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(expected)
    assert "This answer was made without the language model, because" in done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and url in lines[0] and "could not be reached" in lines[0], done.stderr


def test_ask_json_records_the_fallback(seed_store):
    url = f"http://127.0.0.1:{closed_port()}/v1"
    done = cli(seed_store, "ask", "Hvem er formand for DASSOS?", "--json", "--store", str(seed_store),
               ASSISTANT_LLM_PROVIDER="openai", ASSISTANT_LLM_BASE_URL=url)
    data = json.loads(done.stdout)
    assert data["planner"] == "deterministic"
    assert data["model_run"]["outcome"] == "fallback" and data["model_run"]["reason"]["code"] == "unreachable"


def test_malformed_timeout_setting_is_one_line(seed_store):
    done = cli(seed_store, "ask", "Hvem er formand?", "--store", str(seed_store), ASSISTANT_LLM_TIMEOUT="soon")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip() == "error: ASSISTANT_LLM_TIMEOUT must be a non-negative number, got 'soon'."


@pytest.mark.parametrize("reply, rc, says", [
    ("closed", 1, "not usable: could not be reached"),
    (tool_call("who_chairs", {"body": "x", "on": "2026-03-01"}), 0, "native tool calls: yes"),
    ({"content": '```json\n{"name": "who_chairs", "arguments": {"body": "x", "on": "2026-03-01"}}\n```'}, 0,
     "writes them as JSON text"),
    ({"content": "I do not know."}, 0, "no tool call at all"),
])
def test_doctor_says_in_one_line_whether_the_model_answers(seed_store, reply, rc, says):
    server = None if reply == "closed" else ScriptedServer([reply])
    url = server.url if server else f"http://127.0.0.1:{closed_port()}/v1"
    try:
        done = cli(seed_store, "doctor", ASSISTANT_LLM_PROVIDER="openai", ASSISTANT_LLM_BASE_URL=url,
                   ASSISTANT_LLM_MODEL="m")
    finally:
        if server:
            server.close()
    assert done.returncode == rc and says in done.stdout and url in done.stdout
    assert len(done.stdout.strip().splitlines()) == 1 and not done.stderr


def test_doctor_without_a_model():
    from assistant.config import Settings
    from assistant.doctor import check

    assert check(Settings(llm_provider="none")).ok


# --- the eval gate ------------------------------------------------------------------------------------------

def test_eval_of_a_dead_model_fails_the_gate_with_fallback_rate_one(seed_store, tmp_path, monkeypatch, capsys):
    from evals.run import main

    monkeypatch.setenv("ASSISTANT_LLM_PROVIDER", "openai")
    monkeypatch.setenv("ASSISTANT_LLM_BASE_URL", f"http://127.0.0.1:{closed_port()}/v1")
    report = tmp_path / "r.md"
    store = tmp_path / "eval-store"  # the eval adds its stand-ins: never to the session's shared seed store
    shutil.copytree(seed_store, store)
    rc = main(Namespace(store=str(store), planner="model", report=str(report), no_gate=False, ids=None,
                        limit=3))
    assert rc == 1
    model = json.loads(report.with_suffix(".json").read_text())["splits"]["dev"]["planners"]["model"]
    assert model["metrics"]["fallback_rate"] == 1.0 and model["metrics"]["answered_by_model"] == 0.0
    assert model["metrics"]["fact_accuracy"] is None and model["metrics"]["n"] == 0
    assert {r["model_class"] for r in model["records"].values()} == {"fallback"}
    assert "GATE FAILED: dev.model.answered_by_model = 0.000 < 0.80" in capsys.readouterr().err
    assert "| fallback |" in report.read_text()


def test_eval_case_selection():
    from evals.model_eval import select

    cases = [{"id": f"c{n}"} for n in range(5)] + [{"id": "rx1"}]
    assert [c["id"] for c in select(cases, "^rx")] == ["rx1"]
    assert [c["id"] for c in select(cases, None, 2)] == ["c0", "c1"]
    with pytest.raises(ValueError, match="No golden case"):
        select(cases, "nothing")
