"""`assistant doctor`: one line on whether the configured language model answers, how fast, and how it calls tools."""
from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass
class Health:
    ok: bool
    en: str
    da: str
    seconds: float | None = None
    native_tools: bool | None = None

    def line(self, lang: str = "en") -> str:
        return self.da if lang == "da" else self.en


def check(settings) -> Health:
    """Ask the model one question with one real rule tool; never raises."""
    from assistant.agent import chat_model_from_settings, server_of

    if settings.llm_provider in ("", "none"):
        return Health(True, "Language model: none configured (ASSISTANT_LLM_PROVIDER=none); the deterministic "
                            "planner answers.",
                      "Sprogmodel: ingen (ASSISTANT_LLM_PROVIDER=none); den deterministiske planlægger svarer.")
    try:
        model = chat_model_from_settings(settings)
    except ValueError as exc:
        return Health(False, f"Language model: {exc}", f"Sprogmodel: {exc}")
    where = f"{settings.llm_model or 'the model'} at {server_of(model, settings)}"
    where_da = f"{settings.llm_model or 'modellen'} på {server_of(model, settings)}"
    started = time.monotonic()
    try:
        msg = _ask(model)
    except Exception as exc:  # noqa: BLE001 - reported as one line
        from assistant.modelrun import explain

        reason = explain(exc, "", settings.llm_timeout)
        return Health(False, f"Language model {where}: not usable: {reason.en.replace('the language model ', '', 1)}.",
                      f"Sprogmodel {where_da}: kan ikke bruges: {reason.da.replace('sprogmodellen ', '', 1)}.")
    seconds = time.monotonic() - started
    return _verdict(msg, seconds, where, where_da)


def _ask(model):
    from langchain_core.messages import HumanMessage, SystemMessage
    from rules import langchain_tools
    from rules.scope import scope

    tool = next(t for t in langchain_tools() if t.name == "who_chairs")
    body = scope().steering_body
    return model.bind_tools([tool]).invoke([
        SystemMessage(content="Answer by calling a tool."),
        HumanMessage(content=f"Who chairs {body} on 2026-03-01?")])


def _verdict(msg, seconds: float, where: str, where_da: str) -> Health:
    from assistant.toolcalls import text_tool_calls

    if msg.tool_calls:
        how, how_da, native = "native tool calls: yes", "værktøjskald: ja, gennem API'et", True
    elif text_tool_calls(msg.text):
        how = "native tool calls: no (it writes them as JSON text, accepted as a fallback)"
        how_da = "værktøjskald: kun som JSON-tekst (tages imod som nødløsning)"
        native = False
    else:
        how, how_da, native = "native tool calls: no (no tool call at all)", "værktøjskald: nej", False
    return Health(True, f"Language model {where}: answers in {seconds:.1f} s; {how}.",
                  f"Sprogmodel {where_da}: svarer på {seconds:.1f} s; {how_da}.", round(seconds, 2), native)
