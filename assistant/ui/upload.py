"""Adding an agenda or minutes: store the upload safely, rebuild the index, report in one sentence."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

import streamlit as st

from assistant.config import Settings
from assistant.ui import resources
from assistant.ui.text import date_dk, kind_label, md_escape
from ingest.loaders import SUPPORTED, LoadError

UPLOAD_KINDS = ("agenda", "minutes", "agreement", "organisation_note", "other")
TYPES_TEXT = "PDF, DOCX, TXT eller HTML"

# LoadError says why in English; the caseworker reads it in Danish. Unknown reasons are shown as they are.
_DANISH = (
    (re.compile(r"unsupported file type '([^']*)'"),
     lambda m: f"Filtypen '{m.group(1)}' kan ikke bruges. Upload en {TYPES_TEXT}-fil."),
    (re.compile(r"the file is empty"), lambda m: "Filen er tom."),
    (re.compile(r"the file is ([\d.]+) MB; the limit is (\d+) MB"),
     lambda m: f"Filen fylder {m.group(1).replace('.', ',')} MB; grænsen er {m.group(2)} MB."),
    (re.compile(r"cannot be read as (\w+)"),
     lambda m: f"Filen kan ikke læses som {m.group(1)}; den er måske beskadiget eller har den forkerte endelse."),
    (re.compile(r"no text could be extracted"),
     lambda m: "Der er ingen tekst at hente i filen (en scannet PDF skal først have tekstgenkendelse, OCR)."),
    (re.compile(r"looks like a binary file"), lambda m: "Filen ligner ikke tekst, men en binær fil."),
    (re.compile(r"neither UTF-8 nor Windows-1252"),
     lambda m: "Teksten er hverken i UTF-8 eller Windows-1252; gem den som UTF-8 og prøv igen."),
    (re.compile(r"no text left after cleaning"), lambda m: "Der er ingen tekst tilbage i filen efter rensning."),
)


@dataclass
class UploadOutcome:
    """What the page shows after an upload: success or a one-sentence reason, and the live build."""

    ok: bool
    message: str
    doc_id: str = ""
    build_id: str = ""


def danish_reason(exc: LoadError, filename: str) -> str:
    text = str(exc)
    for pattern, say in _DANISH:
        m = pattern.search(text)
        if m:
            return f"{Path(filename).name}: {say(m)}"
    return text


def limit_bytes(settings: Settings) -> int:
    return settings.upload_limit_mb * 1_000_000


def handle_upload(settings: Settings, filename: str, data: bytes, *, title: str, kind: str, body: str, on: date,
                  progress: Callable[[int, int], None] | None = None) -> UploadOutcome:
    """Add one uploaded file to the store and make a new live build with it.

    A bad file is refused before anything is written to the index, so the live build stays as it was.
    """
    from ingest.index import build_index, read_current
    from ingest.pipeline import add_upload

    before = (read_current(settings.store_dir) or {}).get("build_id", "")
    try:
        entry = add_upload(settings.store_dir, filename, data, title=title, kind=kind, body=body, on=on,
                           max_bytes=limit_bytes(settings))
    except LoadError as exc:
        return UploadOutcome(False, danish_reason(exc, filename), build_id=before)
    report = build_index(settings.corpus_dir, settings.store_dir, settings.embedding,
                         chroma_host=settings.chroma_host, chroma_port=settings.chroma_port, progress=progress)
    mine = [p for p in report.failed if entry.file in str(p) or entry.id in str(p)]
    if mine:
        return UploadOutcome(False, f"{Path(filename).name}: kunne ikke indekseres ({mine[0]}).",
                             build_id=report.build_id or before)
    if report.up_to_date:
        message = f"«{entry.title}» var allerede i indekset."
    else:
        message = (f"«{entry.title}» er tilføjet og kan nu søges i. Indekset har {report.docs} dokumenter "
                   f"og {report.chunks} tekststykker.")
    return UploadOutcome(True, message, doc_id=entry.id, build_id=report.build_id)


def render() -> None:
    st.title("Tilføj dokument")
    s = resources.settings()
    st.markdown(f"Tilføj en dagsorden, et referat eller et andet dokument som {TYPES_TEXT}. "
                "Det bliver søgbart i næste spørgsmål.")
    st.caption(f"Højst {s.upload_limit_mb} MB pr. fil. Filnavnet bruges kun som forslag til titlen.")
    known_bodies = sorted({d.get("body", "") for d in resources.assistant().index.documents.values()} - {""})
    with st.form("upload", clear_on_submit=False):
        file = st.file_uploader(f"Fil ({TYPES_TEXT}, højst {s.upload_limit_mb} MB)", key="upload_file", max_upload_size=s.upload_limit_mb,
                                help=f"Tilladte filtyper: {', '.join(SUPPORTED)}")
        title = st.text_input("Titel", key="upload_title", placeholder="fx DASSOS dagsorden 12.6.2026",
                              help="Tom titel: filnavnet bruges.")
        kind = st.selectbox("Dokumenttype", UPLOAD_KINDS, format_func=kind_label, key="upload_kind")
        body = st.selectbox("Organ", known_bodies or ["DASSOS"], key="upload_body",
                            index=(known_bodies.index("DASSOS") if "DASSOS" in known_bodies else 0),
                            accept_new_options=True, help="Vælg et organ, eller skriv et nyt navn.")
        on = st.date_input("Mødedato / dokumentets dato", value=date.today(), key="upload_date",
                           format="DD.MM.YYYY")
        submitted = st.form_submit_button("Tilføj og indeksér", type="primary", icon=":material/upload_file:")
    if submitted:
        if file is None:
            st.session_state.upload_outcome = UploadOutcome(False, "Vælg en fil først.")
        else:
            st.session_state.upload_outcome = _ingest(s, file.name, file.getvalue(), title, kind, body or "DASSOS", on)
    outcome: UploadOutcome | None = st.session_state.get("upload_outcome")
    if outcome is not None:
        (st.success if outcome.ok else st.error)(md_escape(outcome.message))
        if outcome.ok and outcome.doc_id:
            st.page_link("assistant/ui/pages/dokumenter.py", label="Læs dokumentet", icon=":material/description:",
                         query_params={"doc": outcome.doc_id})
    uploads = {k: v for k, v in resources.assistant().index.documents.items() if k.startswith("upload-")}
    if uploads:
        st.markdown("**Tilføjede dokumenter**")
        for doc_id, d in sorted(uploads.items(), key=lambda kv: kv[1].get("date", ""), reverse=True):
            st.markdown(md_escape(f"• {d.get('title', doc_id)} – {kind_label(d.get('kind', ''))}, "
                                  f"{d.get('body', '')}, {date_dk(d.get('date'))}"))


def _ingest(s: Settings, filename: str, data: bytes, title: str, kind: str, body: str, on: date) -> UploadOutcome:
    with st.status("Indlæser og indekserer …", expanded=True) as status:
        st.write("Læser filen og deler den i afsnit …")
        bar = st.progress(0.0, text="Beregner vektorer …")

        def progress(done: int, total: int) -> None:
            bar.progress(done / total if total else 1.0, text=f"Beregner vektorer: {done} af {total} tekststykker")

        outcome = handle_upload(s, filename, data, title=title, kind=kind, body=body, on=on, progress=progress)
        bar.progress(1.0, text="Færdig")
        status.update(label="Dokumentet er indekseret" if outcome.ok else "Dokumentet blev ikke tilføjet",
                      state="complete" if outcome.ok else "error", expanded=False)
    return outcome

