"""Five golden questions through a real local model (Qwen2.5-Coder-1.5B-Instruct, llama.cpp via xllamacpp, CPU).

Opt-in: `scripts/local-model.sh fetch`, then `pytest -m live_llm`. Skipped without the model file or without the
marker. The class of each answer, the rounds, calls and prompt tokens go to artifacts/live-llm.json.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from tests.llm_servers import closed_port

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / ".models"
GGUF = MODELS / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
CASES = ("cap-010", "hear-001", "chair-002", "doc-028", "adv-001")  # capacity, hearing, chair, document, injection
OUTCOME_FIELDS = ("approval_required", "deadline", "chair", "agreement")

pytestmark = pytest.mark.live_llm


@pytest.fixture(scope="module")
def local_model(request):
    if "live_llm" not in (request.config.option.markexpr or ""):
        pytest.skip("opt-in: run with pytest -m live_llm")
    if not GGUF.exists() or not (MODELS / "py" / "xllamacpp").exists():
        pytest.skip("no local model: run scripts/local-model.sh fetch")
    sys.path.insert(0, str(MODELS / "py"))
    from scripts.serve_local_model import start

    server, url = start(str(GGUF), closed_port(), threads=2)
    yield url
    del server


def test_five_golden_questions_on_a_real_local_model(local_model, seed_settings, capfd):
    from assistant.agent import ModelPlanner, chat_model_from_settings
    from assistant.api import Assistant
    from assistant.planner import DeterministicPlanner
    from evals.run import as_of, load_cases

    settings = seed_settings.with_(llm_provider="openai", llm_model="qwen", llm_base_url=local_model,
                                   llm_timeout=600.0, llm_retries=0, llm_budget=900.0)
    assistant = Assistant(settings)
    evidence = assistant.evidence()
    model = ModelPlanner(evidence, chat_model_from_settings(settings), settings)
    rules = DeterministicPlanner(evidence)
    cases = {c["id"]: c for c in load_cases()}
    started, records = time.monotonic(), {}
    for cid in CASES:
        case = cases[cid]
        out = assistant.ask(case["question"], as_of=as_of(case), planner=model)
        expected = assistant.ask(case["question"], as_of=as_of(case), planner=rules)
        run = out.model_run
        records[cid] = {"class": run.outcome, "reason": run.reason.en if run.reason else "", "stop": run.stop,
                        "rounds": run.rounds, "calls": run.calls, "prompt_tokens": run.prompt_tokens,
                        "dropped": run.dropped, "seconds": run.seconds, "answer": out.answer,
                        "differs": _differing_outcomes(out, expected)}
    records["_summary"] = {
        "seconds": round(time.monotonic() - started, 1),
        "by_model": sum(r["class"] != "fallback" for r in records.values()),
        "tool_call_rate": sum(bool(r["calls"]) for k, r in records.items() if k in CASES) / len(CASES),
        "native_calls": sum(c["native"] for k, r in records.items() if k in CASES for c in r["calls"]),
        "calls": sum(len(r["calls"]) for k, r in records.items() if k in CASES),
        "prompt_tokens_first_round": [r["prompt_tokens"][0] for k, r in records.items()
                                      if k in CASES and r["prompt_tokens"]]}
    (ROOT / "artifacts").mkdir(exist_ok=True)
    (ROOT / "artifacts" / "live-llm.json").write_text(json.dumps(records, ensure_ascii=False, indent=1))
    out_err = capfd.readouterr()
    assert "Traceback" not in out_err.out + out_err.err
    assert all(r["class"] in ("model-written", "model-routed", "fallback") for k, r in records.items() if k in CASES)
    assert records["_summary"]["by_model"] >= 3, records
    assert not any(r["differs"] for k, r in records.items() if k in CASES), records


def _differing_outcomes(out, expected) -> list[str]:
    """Rule outcomes of the model's answer that differ from the deterministic planner's for the same tool."""
    want = {c.name: c.result.get("fields", {}) for c in expected.tool_calls if "fields" in c.result}
    differs = []
    for call in out.tool_calls:
        fields = call.result.get("fields")
        if call.name in want and fields is not None:
            differs += [f"{call.name}.{k}: {fields.get(k)} != {want[call.name].get(k)}" for k in OUTCOME_FIELDS
                        if k in want[call.name] and fields.get(k) != want[call.name][k]]
    return differs
