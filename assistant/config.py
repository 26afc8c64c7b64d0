"""Settings, read from environment variables (ASSISTANT_*) with safe defaults."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EMBEDDING = "e5-small"


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    store_dir: Path = PROJECT_ROOT / ".store"
    # "e5-small" (bundled multilingual-e5-small, 4-bit) or "sentence-transformers:<name or path>".
    embedding: str = DEFAULT_EMBEDDING
    # Language model for the agent planner: "none" (deterministic planner), "ollama" or "openai".
    llm_provider: str = "none"
    llm_model: str = ""
    llm_base_url: str = ""
    llm_api_key: str = ""
    llm_timeout: float = 60.0  # seconds per HTTP request to the model
    llm_retries: int = 1  # retries of a failed or timed-out request
    llm_budget: float = 120.0  # seconds per question, all model rounds together; then the deterministic answer
    # Chroma server mode: when chroma_host is set, the index lives in that server, not on disk.
    chroma_host: str = ""
    chroma_port: int = 8000
    upload_limit_mb: int = 20
    conversation_days: int = 30  # the app's conversations are deleted this many days after their last question
    extra: dict = field(default_factory=dict)

    def with_(self, **changes) -> "Settings":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _int_env(name: str, default: int, low: int, high: int) -> int:
    """A whole-number setting; a bad value is one sentence naming the variable (never a traceback)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise ValueError(f"The setting {name}={raw!r} is not a whole number from {low} to {high}: "
                         f"fix or unset it (default {default}).")
    return value


def load_settings(**overrides) -> Settings:
    env = os.environ
    s = Settings(
        corpus_dir=Path(env.get("ASSISTANT_CORPUS", Settings.corpus_dir)),
        store_dir=Path(env.get("ASSISTANT_STORE", Settings.store_dir)),
        embedding=env.get("ASSISTANT_EMBEDDING", DEFAULT_EMBEDDING),
        llm_provider=env.get("ASSISTANT_LLM_PROVIDER", "none").lower(),
        llm_model=env.get("ASSISTANT_LLM_MODEL", ""),
        llm_base_url=env.get("ASSISTANT_LLM_BASE_URL", ""),
        llm_api_key=env.get("ASSISTANT_LLM_API_KEY", ""),
        llm_timeout=_number(env, "ASSISTANT_LLM_TIMEOUT", 60.0, float),
        llm_retries=_number(env, "ASSISTANT_LLM_RETRIES", 1, int),
        llm_budget=_number(env, "ASSISTANT_LLM_BUDGET", 120.0, float),
        chroma_host=env.get("ASSISTANT_CHROMA_HOST", ""),
        chroma_port=_int_env("ASSISTANT_CHROMA_PORT", 8000, 1, 65535),
        upload_limit_mb=_int_env("ASSISTANT_UPLOAD_LIMIT_MB", 20, 1, 2000),
        conversation_days=_int_env("ASSISTANT_CONVERSATION_DAYS", 30, 1, 3650),
    )
    return s.with_(**overrides)


def _number(env, name: str, default, kind):
    """A non-negative number from the environment; a malformed one is a ValueError with one sentence."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise ValueError(f"{name} must be a non-negative {'whole ' if kind is int else ''}number, got '{raw}'.")
    return value
