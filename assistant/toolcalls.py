"""Tool calls from a model, held to the tools: text-JSON calls parsed, unknown tools and bad arguments rejected."""
from __future__ import annotations

import json
import operator
import re
import time
import uuid
from typing import Annotated

from langchain.agents.middleware import AgentMiddleware, AgentState, ExtendedModelResponse, ModelResponse
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.types import Command
from pydantic import BaseModel, ValidationError
from typing_extensions import NotRequired

MAX_REPAIRS = 2  # times the model is told its tool call was invalid before the run ends
MAX_ROUNDS = 4  # model rounds per question: a tool call or two and the answer; more means it is looping


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


class BudgetExceeded(Exception):
    """The question's time budget for the model ran out."""


class ToolCallGuard(AgentMiddleware):
    """Holds the model to the tools: text-JSON calls become real ones, unknown tools and bad arguments are rejected
    with the reason told to the model, failed requests are retried within the budget, and the loop stops when the
    model repeats a call, asks for more after a rule tool has answered, or reaches MAX_ROUNDS."""

    state_schema = PlannerState

    def __init__(self, tools, run=None, rule_names=(), deadline: float | None = None, retries: int = 0):
        super().__init__()
        from assistant.modelrun import ModelRun

        self.by_name = {t.name: t for t in tools}
        self.run = run if run is not None else ModelRun()
        self.rule_names = set(rule_names)
        self.deadline, self.retries = deadline, retries

    def wrap_model_call(self, request, handler):
        notes: list[str] = []
        if self.run.rounds >= MAX_ROUNDS:
            return self._stop(f"the model reached {MAX_ROUNDS} rounds")
        for attempt in range(MAX_REPAIRS + 1):
            response = self._ask(handler, request)
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
                if stop := self._loop_stop(request.messages, valid):
                    return self._stop(stop, notes)
                self.run.calls += [{"name": c["name"], "args": c["args"], "native": native} for c in valid]
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
        return self._with_notes(response, notes)

    def _ask(self, handler, request):
        """One model round, retried on a failed request while retries and the budget last."""
        from assistant.modelrun import retryable

        for attempt in range(self.retries + 1):
            if self.deadline is not None and time.monotonic() >= self.deadline:
                raise BudgetExceeded("the time budget for the language model ran out")
            try:
                response = handler(request)
            except Exception as exc:  # noqa: BLE001 - the planner turns the last failure into one sentence
                if attempt == self.retries or not retryable(exc):
                    raise
                continue
            self.run.rounds += 1
            msg = next((m for m in response.result if isinstance(m, AIMessage)), None)
            tokens = _prompt_tokens(msg) if msg is not None else None
            if tokens:
                self.run.prompt_tokens.append(tokens)
            return response
        raise AssertionError("unreachable")

    def _loop_stop(self, messages, calls: list[dict]) -> str:
        """Why the loop should end before running these calls; '' to go on."""
        before = {_key(c["name"], c["args"]) for m in messages if isinstance(m, AIMessage) for c in m.tool_calls}
        repeated = [c["name"] for c in calls if _key(c["name"], c["args"]) in before]
        if repeated:
            return f"the model repeated an identical call to {repeated[0]}"
        answered = [m.name for m in messages if isinstance(m, ToolMessage) and m.name in self.rule_names
                    and m.status != "error" and '"error"' not in m.text[:20]]
        if answered:
            return f"{answered[-1]} had answered and the model asked for more tools"
        return ""

    def _stop(self, why: str, notes: list[str] | None = None):
        self.run.stop = why
        return self._with_notes(ModelResponse(result=[AIMessage(content="")]),
                                [*(notes or []), f"the loop stopped: {why}"])

    @staticmethod
    def _with_notes(response, notes: list[str]):
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


def _key(name: str, args) -> str:
    return name + json.dumps(args, sort_keys=True, default=str)


def _prompt_tokens(msg: AIMessage) -> int | None:
    usage = getattr(msg, "usage_metadata", None) or {}
    if usage.get("input_tokens"):
        return int(usage["input_tokens"])
    meta = msg.response_metadata or {}
    count = (meta.get("token_usage") or {}).get("prompt_tokens") or meta.get("prompt_eval_count")
    return int(count) if count else None
