"""Chroma server mode: ingest into a local `chroma run` server and answer a cited question from it."""
from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest

CHROMA = Path(sys.executable).parent / "chroma"
STARTUP_SECONDS = 60

AGENDA_A = """\
 1.    Beslutningspunkter

1.1     Pilotprojekt om hundeterapi på Botilbuddet Lærkely

Ved Anne Holm, direktør Odder Kommune

Indstilling
At DASSOS:
• Drøfter erfaringerne fra pilotprojektet

Sagsfremstilling
I pilotprojektet om hundeterapi indgår 12 hunde og 40 beboere fra tre kommuner.
Projektet er finansieret af en pulje på 2,4 mio. kr. og løber til udgangen af 2027.
"""

AGENDA_B = """\
 1.    Beslutningspunkter

1.1     Budget for fælles kursusforløb om medicinhåndtering

Ved Bo Dahl, kontorchef Struer Kommune

Indstilling
At DASSOS:
• Godkender budgettet for kursusforløbet

Sagsfremstilling
Kursusforløbet om medicinhåndtering for medarbejdere på botilbud koster 310.000 kr.
Undervisningen foregår i Viborg over fire dage i efteråret.
"""

MANIFEST = """\
documents:
  - id: tiny-a
    title: "Testdagsorden A"
    kind: agenda
    body: DASSOS
    date: 2025-03-14
    file: a.txt
  - id: tiny-b
    title: "Testdagsorden B"
    kind: agenda
    body: DASSOS
    date: 2025-06-20
    file: b.txt
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int) -> bool:
    for path in ("/api/v2/heartbeat", "/api/v1/heartbeat"):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            continue
    return False


@pytest.fixture
def chroma_servers(tmp_path):
    """Starts `chroma run` servers on free ports (start() -> port); every one is stopped whatever happens."""
    if not CHROMA.exists():
        pytest.skip("the chroma CLI is not installed in this environment")
    running: list[tuple[subprocess.Popen, object]] = []

    def start() -> int:
        port = _free_port()
        log_path = tmp_path / f"chroma-{port}.log"
        log = open(log_path, "wb")
        proc = subprocess.Popen([str(CHROMA), "run", "--host", "127.0.0.1", "--port", str(port),
                                 "--path", str(tmp_path / f"chroma-data-{port}")], stdout=log, stderr=subprocess.STDOUT)
        running.append((proc, log))
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answers(port):
            if proc.poll() is not None:
                pytest.fail(f"chroma run exited with {proc.returncode}: {log_path.read_text()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"chroma run did not answer within {STARTUP_SECONDS} s")
            time.sleep(0.2)
        return port

    try:
        yield start
    finally:
        for proc, log in running:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
            log.close()


def test_ingest_and_cited_answer_through_a_chroma_server(chroma_servers, tmp_path):
    from assistant.api import Assistant
    from assistant.config import load_settings
    from ingest.index import build_index, read_current

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(textwrap.dedent(AGENDA_A), encoding="utf-8")
    (corpus / "b.txt").write_text(textwrap.dedent(AGENDA_B), encoding="utf-8")
    (corpus / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")
    store = tmp_path / "store"
    chroma_server = chroma_servers()

    report = build_index(corpus, store, "e5-small", chroma_host="127.0.0.1", chroma_port=chroma_server)
    assert not report.failed and report.docs == 2 and report.chunks >= 2
    current = read_current(store)
    assert current["chroma_host"] == "127.0.0.1" and current["chroma_port"] == chroma_server
    assert not (store / "builds" / current["build_id"] / "chroma").exists()  # vectors live in the server

    settings = load_settings(store_dir=store, corpus_dir=corpus, chroma_host="127.0.0.1",
                             chroma_port=chroma_server).with_(llm_provider="none")
    assistant = Assistant(settings)
    dense = assistant.search("Hvor mange hunde indgår i pilotprojektet om hundeterapi?", k=2, mode="dense")
    assert dense and dense[0].chunk.doc_id == "tiny-a" and dense[0].dense_score is not None

    answer = assistant.ask("Hvor mange hunde indgår i pilotprojektet om hundeterapi?", as_of=date(2025, 12, 1))
    assert not answer.abstained, answer.answer
    assert answer.citations and answer.citations[0].doc_id == "tiny-a"
    assert "12 hunde" in answer.citations[0].quote
    assert "pkt. 1.1" in answer.citations[0].section

    # The same host on another port is another server: ingest fills it (vectors from the cache), queries follow.
    moved = chroma_servers()
    again = build_index(corpus, store, "e5-small", chroma_host="127.0.0.1", chroma_port=moved)
    assert not again.up_to_date and again.embedded == 0
    assert read_current(store)["chroma_port"] == moved
    hits = Assistant(settings.with_(chroma_port=moved)).search("kursus i medicinhåndtering", k=1, mode="dense")
    assert hits[0].chunk.doc_id == "tiny-b"
