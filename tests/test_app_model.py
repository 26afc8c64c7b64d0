"""The app with a configured language model that cannot be reached: the sidebar says so, the answer says it was made
without the model, and no traceback shows."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.llm_servers import closed_port

APP = str(Path(__file__).resolve().parent.parent / "app.py")

pytestmark = pytest.mark.slow


def test_unreachable_model_shows_a_health_line_and_a_fallback_notice(seed_store, tmp_path, monkeypatch):
    store = tmp_path / "store"  # its own path: the app caches one Assistant (and its settings) per store
    shutil.copytree(seed_store, store)
    url = f"http://127.0.0.1:{closed_port()}/v1"
    monkeypatch.setenv("ASSISTANT_STORE", str(store))
    monkeypatch.setenv("ASSISTANT_LLM_PROVIDER", "openai")
    monkeypatch.setenv("ASSISTANT_LLM_BASE_URL", url)
    monkeypatch.setenv("ASSISTANT_LLM_MODEL", "m")
    at = AppTest.from_file(APP, default_timeout=300).run()
    assert not at.exception, at.exception
    health = [c.value for c in at.sidebar.caption if "Sprogmodel" in c.value]
    assert len(health) == 1 and "kan ikke bruges" in health[0] and "ikke kunne nås" in health[0]
    at.chat_input[0].set_value("Hvem er formand for DASSOS?").run()
    assert not at.exception, at.exception
    reply = [m for m in at.chat_message if m.name == "assistant"][-1]
    notice = [i.value for i in reply.info]
    assert len(notice) == 1 and notice[0].startswith("Svaret er lavet uden sprogmodellen, fordi sprogmodellen på")
    assert "ikke kunne nås" in notice[0]
