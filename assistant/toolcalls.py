"""Tool calls from a model, held to the tools: text-JSON calls parsed, unknown tools and bad arguments rejected."""
from __future__ import annotations

import json
import operator
import re
import uuid
from typing import Annotated

from langchain.agents.middleware import AgentMiddleware, AgentState, ExtendedModelResponse, ModelResponse
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.types import Command
from pydantic import BaseModel, ValidationError
from typing_extensions import NotRequired

MAX_REPAIRS = 2  # times the model is told its tool call was invalid before the run ends

class PlannerState(AgentState):
    notes: NotRequired[Annotated[list[str], operator.add]]


# --- text tool calls -----------------------------------------------------------------------------------------

_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.S)
_NAME_KEYS = ("name", "tool", "tool_name", "function", "action")
_ARG_KEYS = ("arguments", "args", "parameters", "input", "tool_input", "action_input")


def text_tool_calls(text: str) -> list[dict]:
    """Tool calls a model wrote as JSON text, as [{"name", "args"}]; [] when the text holds none."""
    blocks = [m.group(1) for m in _FENCE.finditer(text)] or [text]
    calls: list[dict] = []
    for block in blocks:
        for obj in _json_values(block):
            calls.extend(_as_calls(obj))
    return calls


def _json_values(text: str) -> list:
    decoder, out, i = json.JSONDecoder(), [], 0
    while True:
        starts = [p for p in (text.find("{", i), text.find("[", i)) if p >= 0]
        if not starts:
            return out
        i = min(starts)
        try:
            value, i = decoder.raw_decode(text, i)
            out.append(value)
        except ValueError:
            i += 1


def _as_calls(obj) -> list[dict]:
    if isinstance(obj, list):
        return [c for item in obj for c in _as_calls(item)]
    if not isinstance(obj, dict):
        return []
    if isinstance(obj.get("tool_calls"), list):
        return _as_calls(obj["tool_calls"])
    if isinstance(obj.get("function"), dict):
        return _as_calls(obj["function"])
    name = next((obj[k] for k in _NAME_KEYS if isinstance(obj.get(k), str)), None)
    arg_key = next((k for k in _ARG_KEYS if k in obj), None)
    if name is None or (arg_key is None and len(obj) > 1):
        return []
    args = obj.get(arg_key) if arg_key else {}
    if isinstance(args, str):
        try:
            args = json.loads(args)
        except ValueError:
            pass
    return [{"name": name.strip(), "args": {} if args is None else args}]


def _invalid_args(tool, args) -> str | None:
    """Why the arguments do not fit the tool's schema, or None when they do."""
    if not isinstance(args, dict):
        return "the arguments must be a JSON object"
    schema = tool.args_schema
    if isinstance(schema, type) and issubclass(schema, BaseModel):
        try:
            schema.model_validate(args)
        except ValidationError as exc:
            return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}" for e in exc.errors())
    return None


class ToolCallGuard(AgentMiddleware):
    """Turns text-JSON tool calls into real ones and rejects unknown tools or bad arguments, telling the model why."""

    state_schema = PlannerState

    def __init__(self, tools):
        super().__init__()
        self.by_name = {t.name: t for t in tools}

    def wrap_model_call(self, request, handler):
        notes: list[str] = []
        for attempt in range(MAX_REPAIRS + 1):
            response = handler(request)
            msg = next((m for m in response.result if isinstance(m, AIMessage)), None)
            if msg is None:
                return response
            native = bool(msg.tool_calls)
            wanted = msg.tool_calls if native else text_tool_calls(msg.text)
            if not wanted:
                break
            valid, problems = [], []
            for call in wanted:
                tool = self.by_name.get(call["name"])
                if tool is None:
                    problems.append(f"unknown tool '{call['name']}'")
                elif why := _invalid_args(tool, call["args"]):
                    problems.append(f"invalid arguments for {call['name']}: {why}")
                else:
                    valid.append({"name": call["name"], "args": call["args"], "type": "tool_call",
                                  "id": call.get("id") or f"call_{uuid.uuid4().hex[:12]}"})
            notes += [f"rejected tool call from the model: {p}" for p in problems]
            if valid:
                if not native or problems:
                    response = ModelResponse(result=[AIMessage(content="", tool_calls=valid, id=msg.id,
                                                               response_metadata=msg.response_metadata)])
                break
            if attempt == MAX_REPAIRS:
                notes.append("the model made no valid tool call after being told the valid tools; the run ended")
                response = ModelResponse(result=[AIMessage(content="", id=msg.id)])
                break
            shown = msg.text or json.dumps([{"name": c["name"], "arguments": c["args"]} for c in wanted],
                                           ensure_ascii=False)
            request = request.override(messages=[*request.messages, AIMessage(content=shown),
                                                 HumanMessage(content=self.correction(problems))])
        if notes:
            return ExtendedModelResponse(model_response=response, command=Command(update={"notes": notes}))
        return response

    def correction(self, problems: list[str]) -> str:
        return ("Dit værktøjskald blev afvist / your tool call was rejected: " + "; ".join(problems) + ". "
                "Gyldige værktøjer / valid tools: " + ", ".join(self.by_name) + ". Kald et af dem med gyldige "
                "argumenter, eller svar uden værktøj. / Call one of them with valid arguments, or answer without a tool.")

    def wrap_tool_call(self, request, handler):
        # Bad input a tool raises becomes an error result the model can read, not a crashed run.
        try:
            return handler(request)
        except (ValueError, TypeError) as exc:
            call = request.tool_call
            return ToolMessage(content=json.dumps({"error": str(exc)}, ensure_ascii=False),
                               tool_call_id=call["id"], name=call["name"], status="error")
