"""What the app loads once per server process: the Assistant with its index and embedding model."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from assistant.api import Assistant
from assistant.config import Settings, load_settings


def settings() -> Settings:
    """Read per run, so a test can point ASSISTANT_STORE at its own store."""
    return load_settings()


@st.cache_resource(show_spinner="Indlæser indeks og sprogmodel …")
def _assistant(store_dir: str, embedding: str) -> Assistant:
    # Keyed by store and model: one Assistant per index folder, shared by all sessions.
    assistant = Assistant(load_settings(store_dir=Path(store_dir), embedding=embedding))
    assistant.index  # noqa: B018 - open the live build now, not at the first question
    from ingest.embeddings import get_embeddings

    get_embeddings(embedding)  # the model is cached process-wide by ingest.embeddings
    return assistant


def assistant() -> Assistant:
    """The shared Assistant; its `.index` re-opens by itself when an upload made a new build live."""
    s = settings()
    return _assistant(str(s.store_dir), s.embedding)


def index_problem() -> str | None:
    """A one-sentence reason the index cannot be opened, or None when it can."""
    from ingest.embeddings import EmbeddingConfigError
    from ingest.layout import IndexError_, IndexMissing, ModelMismatch

    try:
        assistant()
    except IndexMissing:
        return ("Der er endnu intet indeks over dokumenterne. "
                "Kør `assistant ingest` (eller `./run.sh`) og genindlæs siden.")
    except ModelMismatch as exc:
        return f"Indekset passer ikke til den valgte sprogmodel: {exc}"
    except EmbeddingConfigError as exc:
        return f"Sprogmodellen er ikke sat rigtigt op: {exc}"
    except IndexError_ as exc:  # a store that is a file, unreadable, corrupt or incomplete: its own sentence
        return f"Indekset kan ikke bruges: {exc}"
    except ValueError as exc:  # a bad ASSISTANT_* setting
        return f"En indstilling er forkert: {exc}"
    return None


@st.cache_data(ttl=300, show_spinner=False)
def _model_health(provider: str, model: str, base_url: str) -> str:
    from assistant.doctor import check

    return check(load_settings()).line("da")


def model_health() -> str:
    """One line on the configured language model (asked at most every five minutes)."""
    s = settings()
    return _model_health(s.llm_provider, s.llm_model, s.llm_base_url)
