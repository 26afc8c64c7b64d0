"""The Streamlit app through streamlit.testing (AppTest): a real index built from corpus/, real rule tools.

Uploads go through the page's real st.file_uploader (AppTest can set its files) and the form's submit button;
the upload handler `assistant.ui.upload.handle_upload` is also tested on its own for the cases a browser
widget would stop first (over the size limit, a path as file name, a DOCX).
"""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
ASK_PAGE = "assistant/ui/pages/spoerg.py"
LIBRARY_PAGE = "assistant/ui/pages/dokumenter.py"
REGISTER_PAGE = "assistant/ui/pages/sager.py"
UPLOAD_PAGE = "assistant/ui/pages/tilfoej.py"
TIMEOUT = 300  # the first run of a process loads the embedding model

UNIQUE = "zebrafinkeprojektet"
AGENDA_TXT = f"""DASSOS dagsorden 12.6.2025

1. Beslutningspunkter

1.1 Etablering af botilbuddet Mejsehuset i Lemvig Kommune
Ved Anne Testesen, direktør Lemvig Kommune

Indstilling
At DASSOS:

• Godkender etableringen af {UNIQUE} med seks pladser i Lemvig Kommune

Sagsfremstilling
Lemvig Kommune ønsker at etablere {UNIQUE}, et nyt botilbud for unge voksne med autisme.
Botilbuddet får seks pladser og åbner den 1. januar 2026.
"""

pytestmark = pytest.mark.slow


# --- fixtures ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built_store(seed_store, tmp_path_factory) -> Path:
    """The session's seed index (tests/conftest.py), copied once for this module's read-only tests."""
    store = tmp_path_factory.mktemp("app") / "store"
    shutil.copytree(seed_store, store)
    return store


@pytest.fixture
def store(built_store, monkeypatch) -> Path:
    """The shared store, read-only use: the app reads ASSISTANT_STORE when it loads its settings."""
    monkeypatch.setenv("ASSISTANT_STORE", str(built_store))
    return built_store


# --- helpers -------------------------------------------------------------------------------------

def plain(markdown: str) -> str:
    """Markdown as the reader sees it: the app escapes every markup character of document text."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("**", "")


def start(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(page).run()
        assert not at.exception, at.exception
    return at


def ask(at: AppTest, question: str, as_of: date | None = None) -> AppTest:
    if as_of is not None:
        at.date_input(key="as_of").set_value(as_of)
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def last_reply(at: AppTest):
    return [m for m in at.chat_message if m.name == "assistant"][-1]


def reply_text(at: AppTest) -> str:
    return plain(last_reply(at).markdown[0].value)


def citation_labels(at: AppTest) -> list[str]:
    return [plain(e.label) for e in last_reply(at).expander if plain(e.label).startswith("[")]


def trace(at: AppTest, details: bool = False):
    """The last answer's 'Hvorfor dette svar'; with `details`, after turning on 'Detaljer for udviklere'."""
    why = next(e for e in last_reply(at).expander if e.label == "Hvorfor dette svar")
    if details:
        why.toggle[0].set_value(True).run()
        assert not at.exception, at.exception
        why = next(e for e in last_reply(at).expander if e.label == "Hvorfor dette svar")
    return why


def live(store: Path) -> tuple[str, int]:
    record = json.loads((store / "current.json").read_text(encoding="utf-8"))
    return record["build_id"], record["chunks"]


def upload(at: AppTest, filename: str, data: bytes, title: str = "", kind: str = "agenda",
           on: date = date(2025, 6, 12)) -> AppTest:
    at.file_uploader(key="upload_file").set_value((filename, data, "application/octet-stream"))
    at.text_input(key="upload_title").set_value(title)
    at.selectbox(key="upload_kind").set_value(kind)
    at.date_input(key="upload_date").set_value(on)
    next(b for b in at.button if b.label == "Tilføj og indeksér").click().run()
    assert not at.exception, at.exception
    return at


def wait_for_upload(at: AppTest, seconds: float = 120) -> AppTest:
    """Uploads are indexed in the background: rerun the page until the outcome shows (or an error)."""
    import time

    deadline = time.monotonic() + seconds
    while not (at.success or at.error) and time.monotonic() < deadline:
        time.sleep(0.5)
        at.run()
    assert at.success or at.error, "the upload did not finish"
    return at


# --- questions -----------------------------------------------------------------------------------

def test_rule_question_shows_tool_trace_and_citation(store):
    at = ask(start(), "Skal vi have godkendelse i DASSOS for at lukke 7 pladser?")
    assert "10 pladser" in reply_text(at)
    labels = citation_labels(at)
    assert labels and labels[0].startswith("[1] Organisering af det fælleskommunale samarbejde")
    why = trace(at)
    shown = "\n".join(plain(m.value) for m in why.markdown)
    # In plain Danish: the rule, its version by document title, its validity and its source quote.
    assert re.search(r"Reglen «Kapacitetsjustering» er brugt i versionen fra Organisering af det fælleskommunale "
                     r"samarbejde.*, som gælder fra 1\.1\.2023", shown)
    assert "Kilde: «" in shown and "org-2023" not in shown and not why.json
    why = trace(at, details=True)  # the raw calls behind the developers' toggle
    assert "Værktøj: Kapacitetsjustering (capacity_adjustment)" in "\n".join(plain(m.value) for m in why.markdown)
    args = json.loads(why.json[0].value)
    assert args["change"] == -7
    # The cited passage opens with its document, body, date and section.
    first = next(e for e in last_reply(at).expander if plain(e.label) == labels[0])
    assert "Organ: DASSOS" in plain(first.caption[0].value) and "Dato: 1.1.2023" in plain(first.caption[0].value)


def test_document_question_shows_citations_and_scored_passages(store):
    at = ask(start(), "Hvad siger rammeaftalen om tilbudsportalen?")
    assert "[1]" in reply_text(at)
    assert citation_labels(at)
    assert "Svaret citerer disse passager fra dokumenterne:" in "\n".join(plain(m.value) for m in trace(at).markdown)
    passages = trace(at, details=True).dataframe[0].value
    assert list(passages.columns[:4]) == ["Passage", "Samlet score", "Semantisk", "Nøgleord"]
    assert len(passages) > 0 and passages["Samlet score"].iloc[0] > 0


def test_english_question_is_answered_with_citations(store):
    at = ask(start(), "What is the task of the joint secretariat?")
    assert "secretariat" in reply_text(at).lower() and "[1]" in reply_text(at)
    assert citation_labels(at)


def test_as_of_date_changes_the_capacity_answer(store):
    question = "Kræver en udvidelse med 15 pladser godkendelse?"
    at = ask(start(), question, as_of=date(2019, 6, 1))
    in_2019 = reply_text(at)
    assert "Forretningsudvalget" in in_2019
    assert "Pr. dato 1.6.2019" in plain(last_reply(at).caption[0].value)
    at = ask(at, question, as_of=date(2024, 6, 1))
    in_2024 = reply_text(at)
    assert "Forretningsudvalget" not in in_2024 and "DASSOS" in in_2024
    assert len([m for m in at.chat_message if m.name == "user"]) == 2  # the conversation is kept
    next(b for b in at.button if b.label == "Ny samtale").click().run()
    assert not at.chat_message


def test_filters_reach_the_assistant(store):
    at = start()
    at.multiselect(key="f_kinds").set_value(["agenda"])
    ask(at, "Hvad står der om Socialtilsynet?")
    labels = citation_labels(at)
    assert labels and all("dagsorden" in label for label in labels)
    assert "afgrænset: Dagsorden" in plain(last_reply(at).caption[0].value)


def test_missing_index_is_one_clear_sentence(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_STORE", str(tmp_path / "tom"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert plain(at.error[0].value).startswith("Der er endnu intet indeks over dokumenterne.")
    assert not at.chat_input


def test_document_text_is_never_rendered_as_html():
    from assistant.ui.text import answer_markdown, md_escape, passage_with_quote

    escaped = md_escape('<img src=x onerror="alert(1)"> **fed** [link](http://x) :red[farve] $x$')
    assert re.search(r"(?<!\\)[<>]", escaped) is None and "\\<img" in escaped
    assert "\\*\\*fed\\*\\*" in escaped and "\\[link\\]\\(http" in escaped and "\\:red" in escaped
    assert answer_markdown("Ja [1][2]") == "Ja **\\[1\\]****\\[2\\]**"
    # The only tags in an answer are its citation links, and in a passage the <mark> around the quote.
    linked = answer_markdown('<img src=x onerror="alert(1)"> Ja [1][2] <script>x</script>', "src-t0")
    assert linked.count('<a class="cite" href="#src-t0-1"') == 1 and 'href="#src-t0-2"' in linked
    assert re.search(r"(?<!\\)[<>]", re.sub(r'<a class="cite" [^<>]*>\[\d+\]</a>', "", linked)) is None
    marked = passage_with_quote("før <b>fed</b> og\nciteret <i>tekst</i> her", "og citeret <i>tekst</i>")
    assert marked.count("<mark>") == 2 and "\\<i\\>tekst" in marked
    assert re.search(r"(?<!\\)[<>]", re.sub(r"</?mark>", "", marked)) is None
    # Raw HTML reaches the page only from the modules that build it out of escaped text.
    raw_html = {p.name for p in [ROOT / "app.py", *(ROOT / "assistant/ui").rglob("*.py")]
                if re.search(r"unsafe_allow_html|st\.html", p.read_text(encoding="utf-8"))}
    assert raw_html <= {"page.py", "chat.py", "sources.py", "trace.py", "text.py"}, raw_html


# --- library and register ------------------------------------------------------------------------

def test_library_lists_documents_and_opens_an_agenda_item(store):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page(LIBRARY_PAGE)
    at.query_params["doc"] = "dassos-2026-02-27"
    at.query_params["pkt"] = "1.8"
    at.run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert {"Titel", "Type", "Organ", "Dato", "Gælder fra", "Gælder til"} <= set(table.columns)
    assert len(table) == 5 and "DASSOS dagsorden 27.2.2026" in set(table["Titel"])
    shown = [plain(m.value) for m in at.markdown]
    assert "Valgt punkt: pkt. 1.8 Godkendelse af lukning af botilbuddet Kollegiet (Syddjurs Kommune)" in shown
    assert any("Botilbuddet Kollegiet består af i alt 11 pladser." in m for m in shown)
    assert "pkt. 1.1 Konstituering DASSOS" in [plain(e.label) for e in at.expander]


def test_decision_register_filters_and_exports_csv(store):
    at = start(REGISTER_PAGE)
    everything = at.dataframe[0].value
    assert len(everything) > 10
    at.selectbox(key="reg_type").set_value("decision").run()
    decisions = at.dataframe[0].value
    assert 0 < len(decisions) < len(everything) and set(decisions["Punkttype"]) == {"Beslutningspunkt"}
    at.text_input(key="reg_query").set_value("lukning Kollegiet").run()
    found = at.dataframe[0].value
    assert found["Punkt"].iloc[0] == "1.8"
    assert found["Passage"].iloc[0] == "dokumenter?doc=dassos-2026-02-27&pkt=1.8"
    assert at.get("download_button")[0].label == "Hent som CSV"

    from assistant.ui import resources
    from assistant.ui.decisions import to_csv

    rows = resources.assistant().decisions(query="lukning Kollegiet", item_type="decision")
    data = to_csv(rows).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(data), delimiter=";"))
    assert table[0][:4] == ["Mødedato", "Organ", "Punkt", "Titel"] and table[1][2] == "1.8"


def test_assistant_is_loaded_once_per_process(store):
    from assistant.ui import resources

    start()
    assert resources.assistant() is resources.assistant()


# --- uploads -------------------------------------------------------------------------------------

def test_upload_becomes_searchable_in_the_next_question(own_store):
    from assistant.ui import resources

    cached = resources.assistant()
    before, chunks_before = live(own_store)
    at = start(UPLOAD_PAGE)
    upload(at, "dagsorden 12.6.2025.txt", AGENDA_TXT.encode("utf-8"), title="DASSOS dagsorden 12.6.2025")
    wait_for_upload(at)
    assert not at.error, [e.value for e in at.error]
    assert "er tilføjet og kan nu søges i" in plain(at.success[0].value)
    after, chunks_after = live(own_store)
    assert after != before and chunks_after > chunks_before
    # The cached Assistant re-opens the new build by itself.
    assert resources.assistant() is cached and cached.index.build_id == after

    at.switch_page(ASK_PAGE).run()
    ask(at, f"Hvad er {UNIQUE}?")
    assert UNIQUE in reply_text(at)
    assert any(label.startswith("[1] DASSOS dagsorden 12.6.2025") for label in citation_labels(at))


@pytest.mark.parametrize("filename, data, reason", [
    ("program.exe", b"MZ\x90\x00\x03\x00\x00\x00" * 64, "Filtypen '.exe' kan ikke bruges"),
    ("tom.txt", b"", "Filen er tom"),
    ("beskadiget.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 8, "kan ikke læses som PDF"),
    ("billede.txt", b"\x00\x01\x02binary" * 100, "binær fil"),
])
def test_bad_upload_shows_an_error_and_keeps_the_index(own_store, filename, data, reason):
    before = live(own_store)
    at = start(UPLOAD_PAGE)
    upload(at, filename, data, title="Skal ikke med")
    assert not at.success
    assert len(at.error) == 1 and reason in plain(at.error[0].value)
    assert live(own_store) == before
    assert not (own_store / "uploads" / "manifest.yaml").exists()


def test_upload_over_the_limit_names_the_limit(own_store, monkeypatch):
    monkeypatch.setenv("ASSISTANT_UPLOAD_LIMIT_MB", "1")
    before = live(own_store)
    at = start(UPLOAD_PAGE)
    assert any("Højst 1 MB pr. fil" in plain(c.value) for c in at.caption)
    upload(at, "stor.txt", ("Dagsorden " * 200_000).encode("utf-8"))
    assert "grænsen er 1 MB" in plain(at.error[0].value)
    assert live(own_store) == before


def test_upload_without_a_file_asks_for_one(store):
    at = start(UPLOAD_PAGE)
    next(b for b in at.button if b.label == "Tilføj og indeksér").click().run()
    assert plain(at.error[0].value) == "Vælg en fil først."


def test_handle_upload_of_a_docx_with_a_path_as_name(own_store, tmp_path):
    import docx

    from assistant.config import load_settings
    from assistant.ui.upload import handle_upload

    doc = docx.Document()
    for line in AGENDA_TXT.replace(UNIQUE, "kolibrihuset").splitlines():
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    s = load_settings()
    outcome = handle_upload(s, "../../../../tmp/ond.docx", buf.getvalue(), title="", kind="minutes", body="DASSOS",
                            on=date(2025, 6, 12))
    assert outcome.ok, outcome.message
    stored = list((own_store / "uploads").glob("*.docx"))
    assert len(stored) == 1 and stored[0].name.startswith("upload-ond-")
    assert not Path("/tmp/ond.docx").exists()
    from assistant.api import Assistant

    hits = Assistant(s).search("kolibrihuset Lemvig", k=3)
    assert hits and hits[0].chunk.doc_id == outcome.doc_id
