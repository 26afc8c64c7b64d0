"""End to end: the real app (`streamlit run app.py`) in headless Chromium.

A conversation with a follow-up that survives a reload; a citation mark that opens its source with the quote
highlighted; thumbs-down stored and exported; axe-core (the npm package pinned in package.json, installed by
`npm ci`) on every page at desktop (1400x1000) and phone (420x900) width, failing on serious or critical
violations; a screenshot of each page at both widths under artifacts/.

Uses Debian's /usr/bin/chromium (never a downloaded browser). Skipped where Chromium, Playwright or axe-core is
missing, except in CI (CI=true), where that is a failure.

Other browser tests import the helpers: `streamlit_app`, `free_port`, `wait_healthy`, `require`, `check_axe`, `screenshot`,
`start_app`, and the fixtures `built_store`, `server` and `chromium`.
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "artifacts"
SCREENSHOT = ARTIFACTS / "app-browser.png"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
QUESTION = "Skal vi have godkendelse i DASSOS for at lukke 7 pladser?"
FOLLOW_UP = "Og hvis det er 12 pladser?"
SERVER_START_S = 90
ANSWER_S = 120
DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 420, "height": 900}
PAGES = {"spoerg": "", "dokumenter": "dokumenter", "sager": "sager", "tilfoej": "tilfoej"}  # name: URL path
BLOCKING = ("serious", "critical")

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def require(ok: bool, why: str) -> None:
    """Skip when a browser-test tool is missing; in CI (CI=true) that is a failure, never a silent skip."""
    if ok:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{why} (CI=true: the browser test must run)")
    pytest.skip(why)


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


@contextmanager
def streamlit_app(store: Path, log: Path) -> Iterator[str]:
    """`streamlit run app.py` over `store` on a free local port; yields its URL and always stops it."""
    port = free_port()
    env = os.environ | {"ASSISTANT_STORE": str(store)}
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


@pytest.fixture
def server(built_store, tmp_path):
    with streamlit_app(built_store, tmp_path / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    """Headless Debian Chromium driven by Playwright, shared by a module's tests."""
    require(Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "Playwright is not installed (pip install -r requirements.lock)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def start_app(page, url: str) -> None:
    """Open a page of the app and wait until Streamlit has drawn it."""
    page.set_default_timeout(ANSWER_S * 1000)
    page.goto(url, timeout=SERVER_START_S * 1000)
    page.locator("[data-testid='stSidebarNav'], [data-testid='stSidebarCollapsedControl'], "
                 "[data-testid='stExpandSidebarButton']").first.wait_for(state="attached")
    page.locator("h1").first.wait_for()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)


def check_axe(page, name: str) -> list[dict]:
    """Run axe-core on the page; write its violations to artifacts/axe-<name>.json; fail on serious or critical."""
    require(AXE_JS.exists(), f"axe-core is not installed ({AXE_JS}): run `npm ci` in the repository root")
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                   "nodes": [n["target"] for n in v["nodes"]][:10]} for v in result["violations"]]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(violations, ensure_ascii=False, indent=1),
                                                 encoding="utf-8")
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"axe-core on {name}: " + json.dumps(blocking, ensure_ascii=False, indent=1)
    return violations


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"app-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000
    return path


def ask(page, question: str, n: int):
    """Type a question in the chat box; the n-th answer (0-based) once its sources are shown."""
    box = page.locator("[data-testid='stChatInput'] textarea")
    box.wait_for(state="visible")
    box.fill(question)
    box.press("Enter")
    reply = page.locator("[data-testid='stChatMessage']").nth(2 * n + 1)
    reply.get_by_text("Kilder", exact=True).wait_for()
    reply.locator(f"#answer-t{n}").wait_for()  # the answer's text is drawn once Streamlit's HTML renderer loaded
    page.wait_for_load_state("networkidle")
    return reply


def test_conversation_follow_up_reload_sources_and_feedback(server, chromium, built_store):
    context = chromium.new_context(viewport=DESKTOP, locale="da-DK")
    page = context.new_page()
    try:
        start_app(page, server)
        assert page.evaluate("document.documentElement.lang") == "da"
        # The skip link is the first Tab stop and puts the cursor in the chat box.
        page.locator("[data-testid='stChatInput'] textarea").wait_for()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"

        reply = ask(page, QUESTION, 0)
        assert "10 pladser" in reply.inner_text()
        first = reply.locator("[data-testid='stExpander'] summary").first
        assert "[1] Organisering af det fælleskommunale samarbejde" in first.inner_text()
        assert reply.get_by_role("heading", name="Kilder").count() == 1
        assert reply.get_by_role("heading", name="Hvorfor dette svar").count() == 1

        # [1] in the answer opens source 1 and shows the quote highlighted inside the whole passage.
        reply.locator("a.cite").first.click()
        details = reply.locator("[data-testid='stExpander'] details").first
        page.wait_for_function("(d) => d.open", arg=details.element_handle())
        quote = reply.locator("blockquote").first.inner_text()
        marked = details.locator("mark")
        marked.first.wait_for()
        assert " ".join(" ".join(m.inner_text() for m in marked.all()).split()) == " ".join(quote.split())
        page.wait_for_timeout(400)
        screenshot(page, "spoerg-kilde-desktop")

        follow = ask(page, FOLLOW_UP, 1)
        assert "12 pladser kræver forudgående godkendelse" in follow.inner_text()

        # Thumbs down with a comment on the follow-up's answer.
        follow.get_by_role("button", name="Ikke nyttigt").click()
        comment = page.locator("[data-testid='stChatMessage']").nth(3).get_by_label("Kommentar (valgfri)")
        comment.fill("Svaret burde nævne høringsfristen først.")
        page.locator("[data-testid='stChatMessage']").nth(3).get_by_role("button", name="Gem kommentar").click()
        page.get_by_text("Kommentaren er gemt.").wait_for()

        # A reload (the same browser, by its cookie) shows the whole conversation again.
        page.reload()
        start_app(page, page.url)
        messages = page.locator("[data-testid='stChatMessage']")
        messages.nth(3).locator("#answer-t1").wait_for()
        assert QUESTION in messages.nth(0).inner_text() and FOLLOW_UP in messages.nth(2).inner_text()
        assert "12 pladser kræver forudgående godkendelse" in messages.nth(3).inner_text()
        page.wait_for_timeout(300)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
    finally:
        context.close()

    from assistant.cli import main

    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["feedback", "--csv", "--store", str(built_store)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["rating"], r["question"], r["comment"]) for r in rows] == [
        ("down", FOLLOW_UP, "Svaret burde nævne høringsfristen først.")]
    assert "12 pladser" in rows[0]["answer"] and rows[0]["citations"].startswith("[1] ")


def test_every_page_is_accessible_at_desktop_and_phone_width(server, chromium):
    for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = chromium.new_context(viewport=viewport, locale="da-DK")
        page = context.new_page()
        try:
            for name, path in PAGES.items():
                start_app(page, server + path)
                assert page.evaluate("document.documentElement.lang") == "da"
                assert not page.get_by_role("dialog").count(), f"{name}: {page.get_by_role('dialog').inner_text()}"
                check_axe(page, f"{name}-{width}")
                screenshot(page, f"{name}-{width}")
            # The start page with an answer: its sources, trace and feedback buttons are checked too.
            start_app(page, server)
            ask(page, QUESTION, 0)
            check_axe(page, f"spoerg-svar-{width}")
            screenshot(page, f"spoerg-svar-{width}")
        finally:
            context.close()


def test_sidebar_closes_after_navigation_on_a_phone(server, chromium):
    context = chromium.new_context(viewport=PHONE, locale="da-DK")
    page = context.new_page()
    try:
        start_app(page, server)
        shown = "() => { const b = document.querySelector('[data-testid=stSidebar]').getBoundingClientRect(); " \
                "return b.width > 0 && b.right > 0; }"
        page.locator("[data-testid='stExpandSidebarButton']").click()  # on a phone it starts closed
        page.wait_for_function(shown)
        page.locator("[data-testid='stSidebarNav'] a", has_text="Dokumenter").click()
        page.wait_for_function(f"() => !({shown})()", timeout=10_000)
        page.locator("h1", has_text="Dokumenter").first.wait_for()
        assert "dokumenter" in page.url
    finally:
        context.close()
