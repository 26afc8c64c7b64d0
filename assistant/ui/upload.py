"""Adding an agenda or minutes: check and store the upload, index it in the background, report in one sentence."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

import streamlit as st

from assistant.config import Settings
from assistant.ui import jobs, resources
from assistant.ui.text import date_dk, kind_label, md_escape
from ingest.loaders import SUPPORTED, LoadError
from ingest.manifest import DocumentEntry

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
    (re.compile(r"the text is ([\d,]+) characters; the limit is ([\d,]+)"),
     lambda m: f"Teksten er på {m.group(1).replace(',', '.')} tegn; grænsen er {m.group(2).replace(',', '.')}. "
               "Del dokumentet i flere filer."),
    (re.compile(r"the DOCX unpacks to (\d+) MB; the limit is (\d+) MB"),
     lambda m: f"DOCX-filen fylder {m.group(1)} MB udpakket; grænsen er {m.group(2)} MB."),
    (re.compile(r"the PDF has (\d+) pages; the limit is (\d+)"),
     lambda m: f"PDF-filen har {m.group(1)} sider; grænsen er {m.group(2)}."),
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


def limit_mb(settings: Settings) -> int:
    """The upload limit: the setting, and never more than the server itself accepts (server.maxUploadSize)."""
    try:
        server = int(st.get_option("server.maxUploadSize"))
    except Exception:  # noqa: BLE001 - outside a Streamlit server (tests, scripts) there is no server limit
        server = settings.upload_limit_mb
    return max(1, min(settings.upload_limit_mb, server))


def limit_bytes(settings: Settings) -> int:
    # Streamlit counts megabytes as MiB; so do we, so the app and the server refuse the same files.
    return limit_mb(settings) * 1024 * 1024


def stage(settings: Settings, filename: str, data: bytes, *, title: str, kind: str, body: str,
          on: date) -> tuple[DocumentEntry | None, UploadOutcome | None]:
    """Check the file and store it (not yet indexed): (entry, None), or (None, the reason it was refused)."""
    from ingest.pipeline import stage_upload

    try:
        return stage_upload(settings.store_dir, filename, data, title=title, kind=kind, body=body, on=on,
                            max_bytes=limit_bytes(settings)), None
    except LoadError as exc:
        return None, UploadOutcome(False, danish_reason(exc, filename), build_id=_live(settings))
    except OSError as exc:
        return None, UploadOutcome(False, f"Filen kan ikke gemmes i indeksets mappe ({exc.strerror or exc}).",
                                   build_id=_live(settings))


def index_staged(settings: Settings, entry: DocumentEntry, filename: str,
                 progress: Callable[[int, int], None] | None = None, replaces: str = "") -> UploadOutcome:
    """Make a new live build holding the staged upload (in place of `replaces`); a refused build changes nothing."""
    from ingest.index import IndexError_, build_index

    before = _live(settings)
    replaced = _title_of(settings, replaces) if replaces and replaces != entry.id else ""
    try:
        report = build_index(settings.corpus_dir, settings.store_dir, settings.embedding,
                             chroma_host=settings.chroma_host, chroma_port=settings.chroma_port, progress=progress,
                             add=[entry], remove=[replaces] if replaced else [])
    except IndexError_ as exc:
        return UploadOutcome(False, f"{Path(filename).name}: kunne ikke indekseres ({refusal_da(exc)})",
                             build_id=before)
    mine = [p for p in report.failed if entry.file in str(p) or entry.id in str(p)]
    if mine or entry.id not in report.added:
        reason = mine[0] if mine else "ukendt årsag"
        return UploadOutcome(False, f"{Path(filename).name}: kunne ikke indekseres ({reason}).",
                             build_id=report.build_id or before)
    if report.up_to_date:
        message = f"«{entry.title}» var allerede i indekset med de samme oplysninger."
    else:
        message = (f"«{entry.title}» er tilføjet og kan nu søges i" + (f" (i stedet for «{replaced}»)" if replaced else "")
                   + f". {read_as(settings, entry)} Indekset har {report.docs} dokumenter og {report.chunks} "
                   "tekststykker.")
    return UploadOutcome(True, message, doc_id=entry.id, build_id=report.build_id)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def read_as(settings: Settings, entry: DocumentEntry) -> str:
    """What the document was read as: its kind, its sections and (agendas and minutes) its agenda items."""
    from ingest.pipeline import load_document, uploads_dir
    from ingest.register import extract_items

    folder = uploads_dir(settings.store_dir)
    try:
        doc = load_document(entry, folder / entry.file, (folder.resolve(),))
    except (LoadError, OSError):
        return ""
    sections = _count(len({(c.section, c.section_title) for c in doc.chunks}), "afsnit", "afsnit")
    kind = kind_label(entry.kind).lower()
    if entry.kind not in ("agenda", "minutes"):
        return (f"Det er læst som {kind} og delt ved overskrifter i {sections}; dagsordenspunkter læses kun i "
                "dagsordener og referater.")
    items = extract_items(entry, doc.cleaned)
    found = (f"{_count(len(items), 'dagsordenspunkt', 'dagsordenspunkter')}, som nu står under Sager og beslutninger"
             if items else "ingen nummererede dagsordenspunkter (de kendes på linjer som «1. …» eller «Punkt 1 …»)")
    return f"Det er læst som {kind} med {sections} og {found}."


# Why a build was refused, in Danish (BuildRefused says it in English for the command line).
_REFUSALS = (
    ("it is the last document", "det er det sidste dokument i indekset, og et indeks uden dokumenter kan ikke "
                                "svare på noget"),
    ("there is no document", "dokumentet er ikke længere i indekset"),
    ("is a corpus document", "dokumentet hører til de faste dokumenter i corpus/manifest.yaml og kan kun fjernes "
                             "derfra"),
)


def refusal_da(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return next((da for en, da in _REFUSALS if en in text), text)


def remove_document(settings: Settings, doc_id: str) -> UploadOutcome:
    """Take an uploaded document out of the index in a new build; a refused removal changes nothing."""
    from ingest.index import IndexError_, build_index

    title = _title_of(settings, doc_id) or doc_id
    try:
        report = build_index(settings.corpus_dir, settings.store_dir, settings.embedding,
                             chroma_host=settings.chroma_host, chroma_port=settings.chroma_port, remove=[doc_id])
    except IndexError_ as exc:
        return UploadOutcome(False, f"«{title}» kan ikke fjernes: {refusal_da(exc)}.", build_id=_live(settings))
    return UploadOutcome(True, f"«{title}» er fjernet med sine tekststykker og punkter. Indekset har {report.docs} "
                               f"dokumenter og {report.chunks} tekststykker.", build_id=report.build_id)


FIELD_LABELS = {"title": "Titel", "kind": "Dokumenttype", "body": "Organ", "date": "Dato"}


def _shown(field_name: str, value: str) -> str:
    if field_name == "kind":
        return kind_label(value)
    if field_name == "date":
        return date_dk(value)
    return value or ("intet organ" if field_name == "body" else "")


def update_changes(settings: Settings, filename: str, data: bytes, *, title: str, kind: str, body: str,
                   on: date) -> list[tuple[str, str, str]]:
    """(field, now, new) that uploading this file would change, when the same file was uploaded before."""
    from ingest.pipeline import metadata_changes, recorded_uploads, upload_id

    recorded = recorded_uploads(settings.store_dir).get(upload_id(filename, data))
    if recorded is None:
        return []
    new = recorded.model_copy(update={"title": title.strip() or Path(filename).stem, "kind": kind,
                                      "body": (body or "").strip(), "date": on})
    return [(FIELD_LABELS[f], _shown(f, a), _shown(f, b)) for f, a, b in metadata_changes(recorded, new)]


def _title_of(settings: Settings, doc_id: str) -> str:
    from ingest.index import IndexError_, read_current

    try:
        return ((read_current(settings.store_dir) or {}).get("documents", {}).get(doc_id) or {}).get("title", "")
    except IndexError_:
        return ""


def handle_upload(settings: Settings, filename: str, data: bytes, *, title: str, kind: str, body: str, on: date,
                  progress: Callable[[int, int], None] | None = None) -> UploadOutcome:
    """Add one uploaded file to the store and make a new live build with it (in the caller's thread).

    A bad file is refused before anything is written to the index, so the live build stays as it was.
    """
    entry, refused = stage(settings, filename, data, title=title, kind=kind, body=body, on=on)
    if refused is not None:
        return refused
    return index_staged(settings, entry, filename, progress)


def _live(settings: Settings) -> str:
    from ingest.layout import IndexError_, read_current

    try:
        return (read_current(settings.store_dir) or {}).get("build_id", "")
    except IndexError_:
        return ""


def render() -> None:
    st.title("Tilføj dokument")
    s = resources.settings()
    mb = limit_mb(s)
    st.markdown(f"Tilføj en dagsorden, et referat eller et andet dokument som {TYPES_TEXT}. "
                "Det bliver søgbart, så snart indekseringen er færdig; du kan stille spørgsmål imens.")
    st.caption(f"Højst {mb} MB pr. fil. Filnavnet bruges kun som forslag til titlen.")
    documents = resources.assistant().index.documents
    known_bodies = sorted({d.get("body", "") for d in documents.values()} - {""})
    uploads = {k: v for k, v in documents.items() if k.startswith("upload-")}
    with st.form("upload", clear_on_submit=False):
        file = st.file_uploader(f"Fil ({TYPES_TEXT}, højst {mb} MB)", key="upload_file", max_upload_size=mb,
                                help=f"Tilladte filtyper: {', '.join(SUPPORTED)}")
        title = st.text_input("Titel", key="upload_title", placeholder="fx Dagsorden 12.6.2026",
                              help="Tom titel: filnavnet bruges.")
        kind = st.selectbox("Dokumenttype", UPLOAD_KINDS, format_func=kind_label, key="upload_kind")
        # No default body: an upload without one says so, instead of being filed under a body it may not be from.
        body = st.selectbox("Organ", known_bodies, key="upload_body", index=None, placeholder="Intet organ (valgfrit)",
                            accept_new_options=True, help="Vælg et organ, eller skriv et nyt navn.")
        on = st.date_input("Mødedato / dokumentets dato", value=date.today(), key="upload_date",
                           format="DD.MM.YYYY")
        replaces = st.selectbox("Erstatter (valgfrit)", sorted(uploads), index=None, key="upload_replaces",
                                placeholder="Et nyt dokument", format_func=lambda i: f"{uploads[i].get('title', i)} "
                                                                                     f"({date_dk(uploads[i].get('date'))})",
                                help="Vælg et tilføjet dokument, som den nye fil skal træde i stedet for.")
        submitted = st.form_submit_button("Tilføj og indeksér", type="primary", icon=":material/upload_file:")
    if submitted:
        st.session_state.upload_outcome = None
        st.session_state.upload_pending = None
        if file is None:
            st.session_state.upload_outcome = UploadOutcome(False, "Vælg en fil først.")
        else:
            request = {"filename": file.name, "data": file.getvalue(), "title": title, "kind": kind,
                       "body": body or "", "on": on, "replaces": replaces or ""}
            changes = update_changes(s, file.name, request["data"], title=title, kind=kind, body=body or "", on=on)
            if changes:  # the same file with other details: ask before changing the indexed document
                st.session_state.upload_pending = request | {"changes": changes}
            else:
                start_upload(s, request)
    ask_before_update(s)
    outcome: UploadOutcome | None = st.session_state.get("upload_outcome")
    if outcome is not None:
        show_outcome(outcome)
    show_jobs()
    manage_uploads(s, uploads)


def start_upload(s: Settings, request: dict) -> None:
    """Stage the file and index it in the background (the page shows the job's progress and outcome)."""
    name = request["filename"]
    entry, refused = stage(s, name, request["data"], title=request["title"], kind=request["kind"],
                           body=request["body"], on=request["on"])
    if refused is not None:
        st.session_state.upload_outcome = refused
        return
    job = jobs.start(name, lambda progress: index_staged(s, entry, name, progress, replaces=request["replaces"]),
                     lambda exc: UploadOutcome(False, f"{Path(name).name}: kunne ikke indekseres "
                                                      f"({' '.join(str(exc).split())})."))
    st.session_state.setdefault("upload_jobs", []).append(job.id)


def ask_before_update(s: Settings) -> None:
    """The same file uploaded again with another title, type, body or date: show old and new, change only on yes."""
    pending = st.session_state.get("upload_pending")
    if not pending:
        return
    with st.container(border=True, key="upload_confirm_box"):
        st.warning(md_escape(f"{Path(pending['filename']).name} er allerede tilføjet med andre oplysninger. "
                             "Vil du opdatere dokumentet?"), icon=":material/help:")
        st.table([{"Felt": f, "Nu": a, "Nyt": b} for f, a, b in pending["changes"]])
        yes, no = st.columns(2)
        if yes.button("Ja, opdatér dokumentet", key="upload_update_yes", type="primary"):
            st.session_state.upload_pending = None
            start_upload(s, pending)
            st.rerun()
        if no.button("Nej, behold det som det er", key="upload_update_no"):
            st.session_state.upload_pending = None
            st.session_state.upload_outcome = UploadOutcome(True, "Intet er ændret; dokumentet har sine gamle "
                                                                  "oplysninger.")
            st.rerun()


def manage_uploads(s: Settings, uploads: dict[str, dict]) -> None:
    """The uploaded documents, each with a button that removes it (after a yes)."""
    if not uploads:
        return
    st.subheader("Tilføjede dokumenter")
    st.caption("Et tilføjet dokument kan erstattes (vælg det under «Erstatter» ovenfor) eller fjernes. Når det "
               "fjernes, forsvinder dets tekststykker og punkter fra søgning og Sager og beslutninger.")
    confirm = st.session_state.get("upload_remove")
    for doc_id, d in sorted(uploads.items(), key=lambda kv: kv[1].get("date", ""), reverse=True):
        row = st.container(border=True, key=f"upload_row_{doc_id}")
        text, button = row.columns([5, 1], vertical_alignment="center")
        text.markdown(md_escape(f"{d.get('title', doc_id)} – {kind_label(d.get('kind', ''))}, "
                                f"{d.get('body', '') or 'intet organ'}, {date_dk(d.get('date'))}"))
        if button.button("Fjern", key=f"remove_{doc_id}", icon=":material/delete:"):
            st.session_state.upload_remove = confirm = doc_id
        if confirm == doc_id:
            row.warning(md_escape(f"Fjern «{d.get('title', doc_id)}» fra indekset? Svar kan så ikke længere "
                                  "bygge på det."))
            yes, no = row.columns(2)
            if yes.button("Ja, fjern det", key=f"remove_yes_{doc_id}", type="primary"):
                st.session_state.upload_remove = None
                with st.spinner("Fjerner dokumentet og bygger indekset uden det …"):
                    st.session_state.upload_outcome = remove_document(s, doc_id)
                st.rerun()
            if no.button("Annullér", key=f"remove_no_{doc_id}"):
                st.session_state.upload_remove = None
                st.rerun()


def show_outcome(outcome: UploadOutcome) -> None:
    (st.success if outcome.ok else st.error)(md_escape(outcome.message))
    if outcome.ok and outcome.doc_id:
        st.page_link("assistant/ui/pages/dokumenter.py", label="Læs dokumentet", icon=":material/description:",
                     query_params={"doc": outcome.doc_id})


def show_jobs() -> None:
    """This session's uploads: a progress bar while indexing (refreshed each second), then the outcome."""
    ids = st.session_state.get("upload_jobs", [])
    running = any((j := jobs.get(i)) is not None and j.running for i in ids)
    st.fragment(run_every=1.0 if running else None)(_job_panel)()


def _job_panel() -> None:
    ids = st.session_state.get("upload_jobs", [])[-5:]
    seen = st.session_state.setdefault("upload_seen", set())
    newly_finished = []
    for job_id in ids:
        job = jobs.get(job_id)
        if job is None:
            continue
        if job.running:
            share = min(1.0, job.done / job.total) if job.total else 0.0
            text = (f"{job.filename}: beregner vektorer, {job.done} af {job.total} tekststykker" if job.total
                    else f"{job.filename}: læser, deler i afsnit og venter på indekset …")
            st.progress(share, text=md_escape(text))
        else:
            show_outcome(job.outcome)
            if job_id not in seen:
                newly_finished.append(job_id)
    if newly_finished:
        # A finished build changes the document list and the body choices: draw the whole page again once.
        seen.update(newly_finished)
        st.rerun()
