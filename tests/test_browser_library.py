"""Document management and the register's charts in the real app (`streamlit run app.py`) in headless Chromium.

A re-upload with a new date asks before changing it; removing an uploaded document removes its answers. Screenshots
of the library, the register and the upload page at 1400x1000 and 420x900 land in artifacts/.
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from tests.conftest import committee_agenda
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, SERVER_START_S, streamlit_app

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
ANSWER_S = 180
UNIQUE = "vandstærhuset"
AGENDA = committee_agenda(UNIQUE, "ni", "1. marts 2027")
TITLE = "Socialudvalget dagsorden 4.5.2026"
SIZES = {"desktop": {"width": 1400, "height": 1000}, "phone": {"width": 420, "height": 900}}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def store(seed_store, tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("browser-library") / "store"
    shutil.copytree(seed_store, store)
    return store


@pytest.fixture(scope="module")
def server(store, tmp_path_factory):
    """The app over this module's own store, for all of its tests."""
    with streamlit_app(store, tmp_path_factory.mktemp("browser-library-log") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def agenda_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("browser-library-files") / "socialudvalget.txt"
    path.write_text(AGENDA, encoding="utf-8")
    return path


def open_page(browser, url: str, size: str = "desktop"):
    page = browser.new_page(viewport=SIZES[size])
    page.set_default_timeout(ANSWER_S * 1000 if size == 'desktop' else 60_000)
    page.goto(url, timeout=SERVER_START_S * 1000)
    page.locator("[data-testid='stApp']").wait_for()
    return page


def set_date(page, text: str) -> None:
    """The upload form's date field (not the sidebar's), typed as a caseworker would (DD.MM.YYYY) into its day, month
    and year parts."""
    field = page.locator("[data-testid='stForm'] [data-testid='stDateInput']").first
    for kind, value in zip(("day", "month", "year"), text.split(".")):
        field.locator(f"[role='spinbutton'][data-type='{kind}']").click()
        page.keyboard.type(value)
    page.keyboard.press("Tab")


def submit_upload(page, path: Path, on: str) -> None:
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
    page.get_by_text(path.name).first.wait_for()
    page.get_by_label("Titel", exact=True).fill(TITLE)
    set_date(page, on)
    page.get_by_role("button", name="Tilføj og indeksér").click()


def uploaded(store: Path) -> dict:
    from ingest.pipeline import recorded_uploads

    return recorded_uploads(store)


def ask(page, url: str, question: str):
    """Ask on the Spørg page; the reply is the new answer, not an earlier one of the kept conversation."""
    page.goto(url)  # the Spørg page is the app's root
    box = page.locator("[data-testid='stChatInput'] textarea")
    box.wait_for(state="visible")
    page.wait_for_load_state("networkidle")
    messages = page.locator("[data-testid='stChatMessage']")
    before = messages.count()
    box.fill(question)
    box.press("Enter")
    reply = messages.nth(before + 1)  # after the question itself
    reply.get_by_text("Hvorfor dette svar").last.wait_for()  # the trace expander (its heading is for screen readers)
    return reply


def shoot(browser, url: str, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for size in SIZES:
        page = open_page(browser, url, size)
        try:
            page.wait_for_timeout(1500)  # charts and tables finish drawing
            page.screenshot(path=str(ARTIFACTS / f"{name}-{size}.png"), full_page=True)
        finally:
            page.close()
        assert (ARTIFACTS / f"{name}-{size}.png").stat().st_size > 10_000


def test_reupload_with_a_new_date_asks_before_changing_it(server, browser, store, agenda_file):
    page = open_page(browser, server + "tilfoej")
    try:
        submit_upload(page, agenda_file, "04.05.2026")
        page.get_by_text("er tilføjet og kan nu søges i").first.wait_for()
        assert "3 dagsordenspunkter" in page.locator("[data-testid='stAlertContentSuccess']").first.inner_text()
        (doc_id, entry), = uploaded(store).items()
        assert entry.date.isoformat() == "2026-05-04"

        set_date(page, "01.06.2026")
        page.get_by_role("button", name="Tilføj og indeksér").click()
        page.get_by_text("er allerede tilføjet med andre oplysninger").wait_for()
        table = page.locator("[data-testid='stTable']").inner_text()
        assert "4.5.2026" in table and "1.6.2026" in table
        assert uploaded(store)[doc_id].date.isoformat() == "2026-05-04"  # nothing changed before the answer
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "upload-asks-desktop.png"), full_page=True)

        page.get_by_role("button", name="Ja, opdatér dokumentet").click()
        page.get_by_text("er allerede tilføjet med andre oplysninger").wait_for(state="detached")
        page.get_by_text("er tilføjet og kan nu søges i").first.wait_for()
        deadline = time.monotonic() + 30
        while uploaded(store)[doc_id].date.isoformat() != "2026-06-01" and time.monotonic() < deadline:
            time.sleep(0.5)
        assert uploaded(store)[doc_id].date.isoformat() == "2026-06-01"
    finally:
        page.close()
    shoot(browser, server + "dokumenter", "library")
    shoot(browser, server + "sager", "decisions")
    shoot(browser, server + "tilfoej", "upload")


def test_removing_an_upload_removes_its_answers(server, browser, store, agenda_file):
    if not uploaded(store):  # run alone: add the document first
        page = open_page(browser, server + "tilfoej")
        submit_upload(page, agenda_file, "04.05.2026")
        page.get_by_text("er tilføjet og kan nu søges i").first.wait_for()
        page.close()
    (doc_id, entry), = uploaded(store).items()
    page = open_page(browser, server)
    try:
        reply = ask(page, server, f"Hvornår åbner {UNIQUE}?")
        assert entry.title in reply.inner_text()

        page.goto(server + "tilfoej")
        page.get_by_role("button", name="Fjern").first.click()
        page.get_by_text(f"Fjern «{entry.title}» fra indekset?").wait_for()
        page.get_by_role("button", name="Ja, fjern det").click()
        page.get_by_text("er fjernet med sine tekststykker og punkter").wait_for()
        assert doc_id not in uploaded(store)

        reply = ask(page, server, f"Hvornår åbner {UNIQUE}?")
        assert entry.title not in reply.inner_text()
    finally:
        page.close()
