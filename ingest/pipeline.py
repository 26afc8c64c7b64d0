"""Ingest steps before the index: find sources → load → clean → chunk, each failure reported, none fatal."""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from ingest.chunk import Chunk, chunk_document, place_on_pages
from ingest.clean import clean_text
from ingest.loaders import SUPPORTED, LoadError, load_file
from ingest.manifest import DocumentEntry, ManifestError, load_manifest

UPLOADS = "uploads"


@dataclass
class LoadedDocument:
    entry: DocumentEntry
    path: Path
    sha256: str
    cleaned: str
    chunks: list[Chunk]


@dataclass
class Problem:
    file: str
    reason: str

    def __str__(self) -> str:
        return self.reason if self.reason.startswith(self.file) else f"{self.file}: {self.reason}"


@dataclass
class Sources:
    """The documents an index should hold: the corpus manifest plus uploaded documents."""

    entries: list[tuple[DocumentEntry, Path]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # A corpus folder or manifest that cannot be read: building now would drop its documents, so no build.
    fatal: list[str] = field(default_factory=list)
    roots: tuple[Path, ...] = ()


def uploads_dir(store_dir: Path) -> Path:
    return Path(store_dir) / UPLOADS


def find_sources(corpus_dir: Path, store_dir: Path, add: list[DocumentEntry] = ()) -> Sources:
    """Entries of the corpus manifest, of the uploads manifest and the staged uploads `add`, with their paths."""
    corpus_dir, uploads = Path(corpus_dir), uploads_dir(store_dir)
    out = Sources(roots=(corpus_dir.resolve(), uploads.resolve()))
    if not corpus_dir.is_dir():
        out.fatal.append(f"the corpus folder {corpus_dir} does not exist or is not a folder")
        return out
    for manifest in (corpus_dir / "manifest.yaml", uploads / "manifest.yaml"):
        if not os.path.lexists(manifest):
            if manifest.parent == corpus_dir:
                out.fatal.append(f"there is no manifest.yaml in the corpus folder {corpus_dir}")
            continue
        try:
            entries = load_manifest(manifest)
        except ManifestError as exc:
            out.fatal.append(str(exc))
            continue
        if manifest.parent == uploads:  # a re-upload replaces its recorded entry
            entries = [e for e in entries if e.id not in {a.id for a in add}] + list(add)
        _extend(out, entries, manifest.parent)
    if add and not os.path.lexists(uploads / "manifest.yaml"):
        _extend(out, list(add), uploads)
    return out


def _extend(out: Sources, entries: list[DocumentEntry], folder: Path) -> None:
    known = {e.id for e, _ in out.entries}
    for e in entries:
        if e.id in known:
            out.problems.append(Problem(e.file, f"{e.file}: document id '{e.id}' is already in the corpus"))
            continue
        out.entries.append((e, folder / e.file))


def load_document(entry: DocumentEntry, path: Path, roots: tuple[Path, ...] = (),
                  data: bytes | None = None) -> LoadedDocument:
    """Load, clean and chunk one document; raises LoadError with a one-line reason.

    With `roots`, the file must lie inside one of them (links and "../" out of the corpus are refused)."""
    raw, data = load_file(path, roots, confine=bool(roots), data=data)
    cleaned = clean_text(raw)
    chunks = chunk_document(entry, cleaned, source=str(path.name))
    chunks = place_on_pages(chunks, raw)
    if not chunks:
        raise LoadError(f"{path.name}: no text left after cleaning")
    sha = hashlib.sha256(data).hexdigest()
    return LoadedDocument(entry, path, sha, cleaned, chunks)


def slugify(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-._").lower()
    return stem[:60] or "dokument"


def stage_upload(store_dir: Path, filename: str, data: bytes, *, title: str, kind: str, body: str,
                 on: date, max_bytes: int | None = None) -> DocumentEntry:
    """Check an uploaded file and store it under a safe generated name; `build_index(add=[entry])` indexes it.

    The entry is written to the uploads manifest only once a build holding it is live, so a file that cannot
    be indexed (or an ingest killed on the way) never makes later ingests fail again. The given file name is
    only used for its extension and a slug; it never becomes a path. Raises LoadError for a bad file.
    """
    name = Path(filename).name
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED:
        raise LoadError(f"{name}: unsupported file type '{suffix or 'none'}' (accepted: {', '.join(SUPPORTED)})")
    if not data:
        raise LoadError(f"{name}: the file is empty")
    if max_bytes is not None and len(data) > max_bytes:
        mib = 1024 * 1024  # as Streamlit counts an upload's megabytes
        raise LoadError(f"{name}: the file is {len(data) / mib:.1f} MB; the limit is {max_bytes / mib:.0f} MB")
    folder = uploads_dir(store_dir)
    folder.mkdir(parents=True, exist_ok=True)
    doc_id = upload_id(filename, data)
    target = folder / f"{doc_id}{suffix}"
    # No default body: a document whose body is not given says so by an empty body, never by an invented one.
    entry = DocumentEntry(id=doc_id, title=title.strip() or Path(filename).stem, kind=kind, body=(body or "").strip(),
                          date=on, file=target.name)
    load_document(entry, Path(name), data=data)
    _write_atomic(target, data)
    return entry


def upload_id(filename: str, data: bytes) -> str:
    """The id an uploaded file gets: the same file (name and content) always gets the same id."""
    return f"upload-{slugify(Path(filename).stem)}-{hashlib.sha256(data).hexdigest()[:10]}"


def recorded_uploads(store_dir: Path) -> dict[str, DocumentEntry]:
    """The uploads manifest by id ({} when there is none or it cannot be read: the build reports that)."""
    manifest = uploads_dir(store_dir) / "manifest.yaml"
    if not manifest.exists():
        return {}
    try:
        return {e.id: e for e in load_manifest(manifest)}
    except ManifestError:
        return {}


METADATA_FIELDS = ("title", "kind", "body", "date")


def metadata_changes(old: DocumentEntry, new: DocumentEntry) -> list[tuple[str, str, str]]:
    """(field, old value, new value) for each of title, kind, body and date that differs."""
    out = []
    for name in METADATA_FIELDS:
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            out.append((name, a.isoformat() if isinstance(a, date) else str(a or ""),
                        b.isoformat() if isinstance(b, date) else str(b or "")))
    return out


def drop_uploads(sources: Sources, store_dir: Path, ids: list[str]) -> str | None:
    """Take uploaded documents out of the sources of a build; one line saying why not, or None.

    Only uploads can be removed: a corpus document is listed in the corpus manifest, which is the user's file."""
    uploads = uploads_dir(store_dir).resolve()
    where = {e.id: path for e, path in sources.entries}
    for doc_id in ids:
        if doc_id not in where:
            known = sorted(i for i, p in where.items() if p.parent.resolve() == uploads)
            hint = f" (uploaded documents: {', '.join(known[:5])}{' …' if len(known) > 5 else ''})" if known else ""
            return f"Not removing: there is no document '{doc_id}' in the index{hint}; the live index is unchanged."
        if where[doc_id].parent.resolve() != uploads:
            return (f"Not removing: '{doc_id}' is a corpus document; take it out of the corpus manifest and run "
                    "`assistant ingest`; the live index is unchanged.")
    sources.entries = [(e, p) for e, p in sources.entries if e.id not in set(ids)]
    return None


def forget_uploads(store_dir: Path, ids: list[str], delete_files: bool = False) -> None:
    """Take entries out of the uploads manifest (under the store lock), or delete their files once unused."""
    if not ids:
        return
    manifest = uploads_dir(store_dir) / "manifest.yaml"
    if not manifest.exists():
        return
    data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {"documents": []}
    docs = data.get("documents", [])
    if delete_files:
        still = {d.get("file") for d in docs}
        for d in recorded_files_of(store_dir, ids):
            if d not in still:
                (uploads_dir(store_dir) / d).unlink(missing_ok=True)
        return
    kept = [d for d in docs if d.get("id") not in set(ids)]
    text = yaml.safe_dump({"documents": kept}, allow_unicode=True, sort_keys=False)
    _write_atomic(manifest, text.encode("utf-8"))


def recorded_files_of(store_dir: Path, ids: list[str]) -> list[str]:
    """The stored file names of upload ids (the id is the file's stem: stage_upload names them so)."""
    folder = uploads_dir(store_dir)
    return [p.name for doc_id in ids for p in folder.glob(f"{glob_escape(doc_id)}.*") if p.is_file()]


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _write_atomic(target: Path, data: bytes) -> None:
    """Write through a unique temp file and rename: two writers never share a temp name."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def record_uploads(store_dir: Path, entries: list[DocumentEntry]) -> None:
    """Add (or replace) entries in the uploads manifest. Call only under the store lock (`build_index` does)."""
    if not entries:
        return
    manifest = uploads_dir(store_dir) / "manifest.yaml"
    data = {"documents": []}
    if manifest.exists():
        data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {"documents": []}
    ids = {e.id for e in entries}
    docs = [d for d in data.get("documents", []) if d.get("id") not in ids]
    for entry in entries:
        docs.append({k: (v.isoformat() if isinstance(v, date) else v)
                     for k, v in entry.model_dump().items() if v is not None})
    text = yaml.safe_dump({"documents": docs}, allow_unicode=True, sort_keys=False)
    _write_atomic(manifest, text.encode("utf-8"))
