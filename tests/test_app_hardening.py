"""The app against hostile uploads (issue 14): markup in free-text fields never renders; the limit is the server's."""
from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest

from tests.test_app import AGENDA_TXT, ASK_PAGE, UNIQUE, UPLOAD_PAGE, ask, built_store, start  # noqa: F401

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
BEACON = '<img src="http://127.0.0.1:9/beacon.png">'
LINK = "[klik her](http://127.0.0.1:9/phish)"


def rendered_markdown(at) -> list[str]:
    """The Markdown source of every element that Streamlit renders as Markdown (text, captions, labels)."""
    out = []
    for kind in ("markdown", "caption", "success", "error", "warning", "info"):
        out += [e.value for e in getattr(at, kind)]
    out += [e.label for e in at.expander]
    return out


def unescaped_markup(text: str) -> list[str]:
    """Raw HTML tags or Markdown links/images that would render: '<' or '](' not escaped by a backslash."""
    return re.findall(r"(?<!\\)<\s*img|(?<!\\)\]\((?=http)", text)


def test_markup_in_organ_and_title_never_renders(own_store):
    from assistant.config import load_settings
    from assistant.ui.upload import handle_upload

    outcome = handle_upload(load_settings(), "dagsorden.txt", AGENDA_TXT.encode("utf-8"),
                            title=f"Dagsorden {LINK}", kind="agenda", body=f"Organ {BEACON}", on=date(2025, 6, 12))
    assert outcome.ok, outcome.message
    at = start(ASK_PAGE)
    at.multiselect(key="f_bodies").set_value([f"Organ {BEACON}"]).run()
    ask(at, f"Hvad er {UNIQUE}?")
    texts = rendered_markdown(at)
    assert any("beacon" in t for t in texts), "the body should be shown, escaped"
    assert not [t for t in texts if unescaped_markup(t)], [t for t in texts if unescaped_markup(t)]
    at.switch_page(UPLOAD_PAGE).run()
    texts = rendered_markdown(at)
    assert any("beacon" in t for t in texts) and not [t for t in texts if unescaped_markup(t)]


def test_upload_limit_is_the_servers_own(monkeypatch):
    """run.sh hands ASSISTANT_UPLOAD_LIMIT_MB to Streamlit as server.maxUploadSize; a bad value stops it in one line."""
    script = (ROOT / "run.sh").read_text(encoding="utf-8")
    assert '--server.maxUploadSize "$limit_mb"' in script
    block = script[script.index("limit_mb=$("):script.index("exec ")]
    for value, expect_rc, expect in (("7", 0, "7"), ("abc", 2, "ASSISTANT_UPLOAD_LIMIT_MB='abc'")):
        out = subprocess.run(["bash", "-c", block.replace(".venv/bin/python", "python") + 'echo "$limit_mb"'],
                             capture_output=True, text=True, cwd=ROOT,
                             env={"PATH": str(Path(__import__("sys").executable).parent) + ":/usr/bin:/bin",
                                  "PYTHONPATH": str(ROOT), "ASSISTANT_UPLOAD_LIMIT_MB": value})
        assert out.returncode == expect_rc and expect in out.stdout + out.stderr, out
        assert "Traceback" not in out.stderr
    from streamlit import config as st_config

    from assistant.config import load_settings
    from assistant.ui.upload import limit_bytes, limit_mb

    old = st_config.get_option("server.maxUploadSize")
    try:
        st_config.set_option("server.maxUploadSize", 3)  # as `--server.maxUploadSize 3` would
        monkeypatch.setenv("ASSISTANT_UPLOAD_LIMIT_MB", "500")
        assert limit_mb(load_settings()) == 3 and limit_bytes(load_settings()) == 3 * 1024 * 1024
        monkeypatch.setenv("ASSISTANT_UPLOAD_LIMIT_MB", "2")
        assert limit_mb(load_settings()) == 2
    finally:
        st_config.set_option("server.maxUploadSize", old)
