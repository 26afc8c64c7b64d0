"""What happened when the language model was asked: who answered, the model's own calls, rounds, why it fell back."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

MODEL_WRITTEN = "model-written"  # the final text is the model's and passed the fact check
MODEL_ROUTED = "model-routed"  # the model chose the tool calls; the text is composed from the tools' wording
FALLBACK = "fallback"  # the deterministic planner answered
OUTCOMES = (MODEL_WRITTEN, MODEL_ROUTED, FALLBACK)


@dataclass
class Reason:
    """Why the model's answer was not used, in both languages, as the end of one sentence."""

    code: str  # unreachable, timeout, http_error, budget, no_answer, no_tool, failed
    en: str
    da: str


@dataclass
class ModelRun:
    """The trace of one question through the model planner (Answer.model_run; see answer_run)."""

    server: str = ""
    outcome: str = FALLBACK
    reason: Reason | None = None  # why it fell back
    stop: str = ""  # why the loop stopped early (repeated call, rule answered, round limit)
    rounds: int = 0  # model calls made
    calls: list[dict] = field(default_factory=list)  # the model's own tool calls: name, args, native
    prompt_tokens: list[int] = field(default_factory=list)  # per round, as the server counted them
    dropped: list[str] = field(default_factory=list)  # model sentences the fact check removed
    seconds: float = 0.0

    @property
    def native_calls(self) -> int:
        return sum(1 for c in self.calls if c.get("native"))

    def to_dict(self) -> dict:
        d = asdict(self)
        d["native_calls"] = self.native_calls
        return d


def answer_run(answer) -> ModelRun | None:
    """The model trace an Answer carries, if the model planner made it."""
    return getattr(answer, "model_run", None)


def fallback_notice(answer) -> str:
    """'Svaret er lavet uden sprogmodellen, fordi …' when the model was asked and the deterministic planner answered."""
    run = answer_run(answer)
    if run is None or run.outcome != FALLBACK or run.reason is None:
        return ""
    if answer.language == "da":
        return f"Svaret er lavet uden sprogmodellen, fordi {run.reason.da}."
    return f"This answer was made without the language model, because {run.reason.en}."


def explain(exc: BaseException, server: str, timeout: float) -> Reason:
    """One sentence's worth for a failed model call; never the traceback."""
    where_en = f"the language model at {server}" if server else "the language model"
    where_da = f"sprogmodellen på {server}" if server else "sprogmodellen"
    name = type(exc).__name__
    status = _status(exc)
    chain = _chain(exc)
    if any("Timeout" in type(e).__name__ or isinstance(e, TimeoutError) for e in chain):
        return Reason("timeout", f"{where_en} did not answer within {timeout:g} s",
                      f"{where_da} ikke svarede inden for {timeout:g} s")
    if any(_is_connection(e) for e in chain):
        cause = _short(chain[-1])
        return Reason("unreachable", f"{where_en} could not be reached ({cause})",
                      f"{where_da} ikke kunne nås ({cause})")
    if status:
        return Reason("http_error", f"{where_en} answered with HTTP error {status}",
                      f"{where_da} svarede med HTTP-fejl {status}")
    return Reason("failed", f"{where_en} failed ({name}: {_short(exc)})",
                  f"{where_da} fejlede ({name}: {_short(exc)})")


def retryable(exc: BaseException) -> bool:
    """A failure worth one more try: no connection, a timeout, or a server error (5xx)."""
    code = explain(exc, "", 0).code
    return code in ("unreachable", "timeout") or (code == "http_error" and _status(exc) >= 500)


def _status(exc: BaseException) -> int:
    status = getattr(exc, "status_code", None) or getattr(getattr(exc, "response", None), "status_code", None)
    return status if isinstance(status, int) else 0


def _chain(exc: BaseException) -> list[BaseException]:
    seen = [exc]
    while (nxt := seen[-1].__cause__ or seen[-1].__context__) is not None and nxt not in seen and len(seen) < 8:
        seen.append(nxt)
    return seen


def _is_connection(exc: BaseException) -> bool:
    return isinstance(exc, ConnectionError) or "Connect" in type(exc).__name__ or "connection" in str(exc).lower()


def _short(exc: BaseException, limit: int = 120) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"
