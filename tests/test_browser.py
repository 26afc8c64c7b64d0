"""End to end: the real app (`streamlit run app.py`) in headless Chromium, one question, its answer and citation.

Uses Debian's /usr/bin/chromium (never a downloaded browser); skipped where it is missing.
The screenshot lands in artifacts/app-browser.png.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = ROOT / "artifacts" / "app-browser.png"
QUESTION = "Skal vi have godkendelse i DASSOS for at lukke 7 pladser?"
SERVER_START_S = 90
ANSWER_S = 120

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def built_store(seed_store, tmp_path_factory) -> Path:
    """The session's seed index (tests/conftest.py), copied for the server this module starts."""
    store = tmp_path_factory.mktemp("browser") / "store"
    shutil.copytree(seed_store, store)
    return store


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, log: Path, limit_s: float) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url + "_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"streamlit did not answer within {limit_s:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture
def server(built_store, tmp_path):
    """`streamlit run app.py` on a free local port; always stopped afterwards."""
    port = free_port()
    log = tmp_path / "streamlit.log"
    env = os.environ | {"ASSISTANT_STORE": str(built_store)}
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
           "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_healthy(url, proc, log, SERVER_START_S)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def test_question_in_the_browser_shows_answer_and_citation(server):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1600})
            page.set_default_timeout(ANSWER_S * 1000)
            page.goto(server, timeout=SERVER_START_S * 1000)
            box = page.locator("[data-testid='stChatInput'] textarea")
            box.wait_for(state="visible")
            box.fill(QUESTION)
            box.press("Enter")

            reply = page.locator("[data-testid='stChatMessage']").nth(1)
            reply.get_by_text("Kilder", exact=True).wait_for()
            assert "10 pladser" in reply.inner_text()
            first = reply.locator("[data-testid='stExpander'] summary").first
            assert "[1] Organisering af det fælleskommunale samarbejde" in first.inner_text()
            first.click()
            quote = reply.locator("blockquote").first
            quote.wait_for()
            assert "10 pladser" in quote.inner_text()
            reply.get_by_text("Hvorfor dette svar").wait_for()

            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.wait_for_timeout(500)  # let the expander finish opening
            page.screenshot(path=str(SCREENSHOT), full_page=True)
        finally:
            browser.close()
    assert SCREENSHOT.stat().st_size > 10_000
