"""Ingest steps before the index: find sources → load → clean → chunk, each failure reported, none fatal."""
from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from ingest.chunk import Chunk, chunk_document
from ingest.clean import clean_text
from ingest.loaders import SUPPORTED, LoadError, load_text
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


def uploads_dir(store_dir: Path) -> Path:
    return Path(store_dir) / UPLOADS


def find_sources(corpus_dir: Path, store_dir: Path) -> Sources:
    """Entries of the corpus manifest and of the uploads manifest, with their file paths."""
    out = Sources()
    for manifest in (Path(corpus_dir) / "manifest.yaml", uploads_dir(store_dir) / "manifest.yaml"):
        if not manifest.exists():
            if manifest.parent == Path(corpus_dir):
                out.problems.append(Problem(str(manifest), f"{manifest}: no manifest.yaml in the corpus folder"))
            continue
        try:
            entries = load_manifest(manifest)
        except ManifestError as exc:
            out.problems.append(Problem(str(manifest), str(exc)))
            continue
        known = {e.id for e, _ in out.entries}
        for e in entries:
            if e.id in known:
                out.problems.append(Problem(e.file, f"{e.file}: document id '{e.id}' is already in the corpus"))
                continue
            out.entries.append((e, manifest.parent / e.file))
    return out


def load_document(entry: DocumentEntry, path: Path) -> LoadedDocument:
    """Load, clean and chunk one document; raises LoadError with a one-line reason."""
    raw = load_text(path)
    cleaned = clean_text(raw)
    chunks = chunk_document(entry, cleaned, source=str(path.name))
    if not chunks:
        raise LoadError(f"{path.name}: no text left after cleaning")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return LoadedDocument(entry, path, sha, cleaned, chunks)


def slugify(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-._").lower()
    return stem[:60] or "dokument"


def add_upload(store_dir: Path, filename: str, data: bytes, *, title: str, kind: str, body: str,
               on: date, max_bytes: int | None = None) -> DocumentEntry:
    """Store an uploaded file under a safe generated name and describe it in the uploads manifest.

    The given file name is only used for its extension and a slug; it never becomes a path.
    Raises LoadError when the file is empty, too large, of an unsupported type or unreadable.
    """
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED:
        raise LoadError(f"{Path(filename).name}: unsupported file type '{suffix or 'none'}' (accepted: {', '.join(SUPPORTED)})")
    if not data:
        raise LoadError(f"{Path(filename).name}: the file is empty")
    if max_bytes is not None and len(data) > max_bytes:
        raise LoadError(f"{Path(filename).name}: the file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB")
    folder = uploads_dir(store_dir)
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()[:10]
    doc_id = f"upload-{slugify(Path(filename).stem)}-{digest}"
    target = folder / f"{doc_id}{suffix}"
    tmp = folder / f".{doc_id}.partial{suffix}"  # keeps the real extension: loaders pick the parser by it
    tmp.write_bytes(data)
    entry = DocumentEntry(id=doc_id, title=title.strip() or Path(filename).stem, kind=kind, body=body.strip() or "DASSOS",
                          date=on, file=target.name)
    try:
        load_document(entry, tmp)
    except LoadError as exc:
        tmp.unlink(missing_ok=True)
        raise LoadError(str(exc).replace(tmp.name, Path(filename).name)) from None
    shutil.move(str(tmp), str(target))
    _append_upload_entry(folder / "manifest.yaml", entry)
    return entry


def _append_upload_entry(manifest: Path, entry: DocumentEntry) -> None:
    data = {"documents": []}
    if manifest.exists():
        data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {"documents": []}
    docs = [d for d in data.get("documents", []) if d.get("id") != entry.id]
    docs.append({k: (v.isoformat() if isinstance(v, date) else v) for k, v in entry.model_dump().items() if v is not None})
    tmp = manifest.with_suffix(".tmp")
    tmp.write_text(yaml.safe_dump({"documents": docs}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    tmp.replace(manifest)
