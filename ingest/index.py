"""The index writer: Chroma vectors + Danish keyword index + decision register, built aside and swapped in.

Where each part of a build lives is `ingest/layout.py`'s business; this module builds a new build there and
makes it live by one atomic rename of current.json, so a crash or kill mid-ingest leaves the previous index usable.
Unchanged text is never re-embedded: vectors are cached by model and content hash in embeddings.sqlite.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import sqlite3
import time
import uuid
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from ingest import layout
from ingest.layout import (CURRENT, IndexError_, IndexMissing, ModelMismatch,  # noqa: F401 - kept importable here
                           StoreUnusable, check_store_dir, chroma_client, open_collection, read_current)
from ingest.loaders import LoadError
from ingest.manifest import DocumentEntry
from ingest.pipeline import (LoadedDocument, Problem, drop_uploads, find_sources, forget_uploads, load_document,
                             record_uploads)
from ingest.text import Chunk

if TYPE_CHECKING:
    import numpy as np

EMBED_BATCH = 32


class BuildRefused(IndexError_):
    """A build that would drop documents it cannot see; the live index stays as it was."""


@dataclass
class IngestReport:
    docs: int = 0
    chunks: int = 0
    embedded: int = 0
    skipped: int = 0  # documents unchanged since the live build
    removed: int = 0  # documents no longer in the sources
    failed: list[Problem] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # failed now, previous chunks kept
    added: list[str] = field(default_factory=list)  # staged uploads now in the index and the uploads manifest
    up_to_date: bool = False
    build_id: str = ""
    seconds: float = 0.0
    embed_seconds: float = 0.0

    def summary(self) -> str:
        state = "index up to date" if self.up_to_date else f"build {self.build_id}"
        return (f"{state}: {self.docs} documents, {self.chunks} chunks, {self.embedded} embedded, "
                f"{self.skipped} unchanged, {self.removed} removed, {len(self.failed)} failed")


# --- embedding cache -----------------------------------------------------------------------------

class EmbeddingCache:
    """Vectors by (model, sha256 of the embedded text) in SQLite."""

    def __init__(self, path: Path):
        self.path = path
        with self._db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS vec (model TEXT, hash TEXT, v BLOB, PRIMARY KEY (model, hash))")

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30)
        try:
            with db:
                yield db
        finally:
            db.close()

    def get_many(self, model: str, hashes: list[str]) -> dict[str, np.ndarray]:
        import numpy as np  # here, not at the top: the read side imports this module for rule questions too

        out: dict[str, np.ndarray] = {}
        with self._db() as db:
            for i in range(0, len(hashes), 500):
                part = hashes[i : i + 500]
                q = f"SELECT hash, v FROM vec WHERE model=? AND hash IN ({','.join('?' * len(part))})"
                for h, v in db.execute(q, [model, *part]):
                    out[h] = np.frombuffer(v, dtype=np.float32)
        return out

    def put_many(self, model: str, items: dict[str, np.ndarray]) -> None:
        import numpy as np

        with self._db() as db:
            db.executemany("INSERT OR REPLACE INTO vec VALUES (?,?,?)",
                           [(model, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items.items()])


def pipeline_version() -> str:
    """A hash of the code that turns documents into indexed chunks: a change to it makes the index stale."""
    import ingest.agenda
    import ingest.capacity
    import ingest.chunk
    import ingest.clean
    import ingest.keyword
    import ingest.register
    import ingest.text

    h = hashlib.sha256()
    for module in (ingest.clean, ingest.chunk, ingest.text, ingest.keyword, ingest.agenda, ingest.register,
                   ingest.capacity, layout):
        h.update(Path(module.__file__).read_bytes())
    return h.hexdigest()[:16]


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- vector store ----------------------------------------------------------------------------------

def chunk_metadata(c: Chunk) -> dict:
    return {
        "doc_id": c.doc_id, "title": c.title, "kind": c.kind, "body": c.body, "date": c.date,
        "date_ord": int(c.date.replace("-", "")), "valid_from": c.valid_from, "valid_to": c.valid_to,
        "section": c.section, "section_title": c.section_title, "position": c.position, "source": c.source,
    }


# --- build -----------------------------------------------------------------------------------------

@contextmanager
def store_lock(store_dir: Path) -> Iterator[None]:
    """One writer at a time (CLI ingest and an app upload may race)."""
    check_store_dir(store_dir)
    try:
        Path(store_dir).mkdir(parents=True, exist_ok=True)
        fh = open(Path(store_dir) / ".lock", "a")
    except OSError as exc:
        raise StoreUnusable(f"Cannot write to the index folder {store_dir} ({exc.strerror or exc}): "
                            "ingest needs write access; fix the permissions or give another --store.") from None
    with fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _previous_chunks(store_dir: Path, current: dict | None) -> dict[str, list[Chunk]]:
    if not current:
        return {}
    out: dict[str, list[Chunk]] = {}
    try:
        for c in layout.read_chunks(store_dir, current["build_id"]):
            out.setdefault(c.doc_id, []).append(c)
    except (OSError, ValueError, TypeError, sqlite3.Error):
        return {}  # a damaged build: its documents are read again from their files
    return out


def build_index(corpus_dir: Path, store_dir: Path, embedding_spec: str, *, chroma_host: str = "",
                chroma_port: int = 8000, force: bool = False,
                progress: Callable[[int, int], None] | None = None,
                add: list[DocumentEntry] = (), remove: list[str] = ()) -> IngestReport:
    """Sync the index with the sources (corpus + uploads + staged uploads `add`). Unchanged text is never re-embedded.

    `remove` takes uploaded documents out (their chunks, vectors and register items go with them): a replaced
    document is `add=[new], remove=[old]` in one build. Removing an unknown id, a corpus document or the last
    document is refused with one line.

    Staged uploads are recorded in the uploads manifest once embedded and stored, under the same lock.
    Raises BuildRefused when a source cannot be read or no document would be left; the live index then stays.
    """
    import numpy as np

    from ingest.embeddings import get_embeddings

    started = time.perf_counter()
    store_dir = Path(store_dir)
    embeddings = get_embeddings(embedding_spec)
    model = embeddings.model_id  # type: ignore[attr-defined]
    report = IngestReport()
    with store_lock(store_dir):
        current = read_current(store_dir, strict=False)
        sources = find_sources(corpus_dir, store_dir, list(add))
        if sources.fatal:
            raise BuildRefused(f"Not indexing: {sources.fatal[0]}; the live index is unchanged.")
        remove = [r for r in remove if r not in {e.id for e in add}]  # re-adding an id keeps it
        refused = drop_uploads(sources, store_dir, remove)
        if refused:
            raise BuildRefused(refused)
        if remove and not sources.entries:
            raise BuildRefused(f"Not removing {', '.join(remove)}: it is the last document, and an index without "
                               "documents answers nothing; the live index is unchanged.")
        report.failed.extend(sources.problems)
        previous = _previous_chunks(store_dir, current)
        prev_docs = (current or {}).get("documents", {})
        docs: list[LoadedDocument] = []
        carried: dict[str, dict] = {}
        for entry, path in sources.entries:
            try:
                docs.append(load_document(entry, path, sources.roots))
            except LoadError as exc:
                report.failed.append(Problem(path.name, str(exc)))
                if entry.id in previous and entry.id in prev_docs:  # nothing already stored is lost
                    report.kept.append(entry.id)
                    carried[entry.id] = prev_docs[entry.id]
        chunks = [c for d in docs for c in d.chunks] + [c for doc_id in carried for c in previous[doc_id]]
        doc_table = {d.entry.id: _doc_record(d) for d in docs} | carried
        if not doc_table:
            raise BuildRefused("Not indexing: no document could be read, and an index without documents answers "
                               "nothing; the live index is unchanged." if current else
                               "Not indexing: no document could be read; fix the files listed above and run "
                               "`assistant ingest` again.")
        indexed_adds = [e for e in add if any(d.entry.id == e.id for d in docs)]
        report.added = [e.id for e in indexed_adds]
        report.docs = len(doc_table)
        report.chunks = len(chunks)
        report.skipped = sum(1 for d in docs if prev_docs.get(d.entry.id, {}).get("sha256") == d.sha256)
        report.removed = len(set(prev_docs) - set(doc_table))
        # A server on another port is another backend: its collections are not there.
        same_backend = current and current.get("chroma_host", "") == chroma_host
        same_backend = same_backend and current.get("pipeline") == pipeline_version() and (
            current.get("format") == layout.FORMAT) and (
            not chroma_host or current.get("chroma_port") == chroma_port)
        if (not force and current and current.get("embedding_model") == model and same_backend
                and prev_docs == doc_table):  # same content and same details (a new date must reach the chunks)
            report.up_to_date = True
            report.build_id = current["build_id"]
            record_uploads(store_dir, indexed_adds)
            report.seconds = time.perf_counter() - started
            return report

        # embed what the cache does not know
        cache = EmbeddingCache(store_dir / "embeddings.sqlite")
        texts = [c.embedding_text() for c in chunks]
        hashes = [text_hash(t) for t in texts]
        vectors = cache.get_many(model, list(set(hashes)))
        missing = [i for i, h in enumerate(hashes) if h not in vectors]
        # Longest first, so each engine call holds texts of about one length: the engine splits a call's attention
        # statically by token over its threads, and a call mixing long and short texts leaves a core idle
        # (bench/README.md, "Ingest against the recipe"). A vector does not depend on its batch mates.
        missing_unique = sorted({hashes[i]: i for i in missing}.values(), key=lambda i: -len(texts[i]))

        build_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        build_dir = layout.build_dir(store_dir, build_id)
        build_dir.mkdir(parents=True)
        # What needs no vector (chromadb's import and collection, passages, keyword postings, register) is built
        # beside the embedding: the engine keeps about 1.75 of the 2 cores busy, and the rest was 4 % of a 1x ingest
        # on top of it (bench/README.md, "Ingest against the engine").
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-aside") as pool:
            aside = pool.submit(_build_aside, store_dir, build_id, chunks, docs, current, chroma_host, chroma_port)
            try:
                t0 = time.perf_counter()
                for start in range(0, len(missing_unique), EMBED_BATCH):
                    batch = missing_unique[start : start + EMBED_BATCH]
                    vecs = embeddings.embed_documents([texts[i] for i in batch])
                    new = {hashes[i]: np.asarray(v, dtype=np.float32) for i, v in zip(batch, vecs)}
                    cache.put_many(model, new)
                    vectors.update(new)
                    if progress:
                        progress(min(start + EMBED_BATCH, len(missing_unique)), len(missing_unique))
                report.embed_seconds = time.perf_counter() - t0
                report.embedded = len(missing_unique)
                store = aside.result()
                for start in range(0, len(chunks), 1000):
                    part = chunks[start : start + 1000]
                    store.add(  # vectors are precomputed (cached); no re-embedding
                        ids=[c.id for c in part],
                        embeddings=[vectors[hashes[start + j]].tolist() for j in range(len(part))],
                        documents=[c.text for c in part],
                        metadatas=[chunk_metadata(c) for c in part],
                    )
                if not chroma_host:  # an embedded build is searched by its own matrix; a server build by the server
                    layout.write_vectors(build_dir, [vectors[h] for h in hashes])
            except BaseException:
                wait([aside])  # a half-made build never stays: the next build would prune it, this one does now
                _discard(store_dir, build_id, chroma_host, chroma_port)
                raise
        collection = layout.collection_name(build_id)
        record = {
            "build_id": build_id, "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "embedding_model": model, "embedding_spec": embedding_spec, "collection": collection,
            "chroma_host": chroma_host, "chroma_port": chroma_port, "pipeline": pipeline_version(),
            "documents": doc_table, "chunks": len(chunks),
        }
        # Recorded only once embedded and stored: a file that cannot be indexed never enters the manifest (and
        # never stalls later ingests); recorded before the swap, so no live build holds an unrecorded upload.
        record_uploads(store_dir, indexed_adds)
        forget_uploads(store_dir, remove)
        layout.write_current(store_dir, record)  # the swap: from here on the new build is live
        _prune(store_dir, keep={build_id, (current or {}).get("build_id", "")}, host=chroma_host, port=chroma_port)
        forget_uploads(store_dir, remove, delete_files=True)  # after the swap: the live build no longer reads them
        report.build_id = build_id
        report.seconds = time.perf_counter() - started
        return report


def _doc_record(d: LoadedDocument) -> dict:
    e = d.entry
    return {"sha256": d.sha256, "title": e.title, "kind": e.kind, "body": e.body, "date": e.date.isoformat(),
            "valid_from": e.valid_from.isoformat() if e.valid_from else "",
            "valid_to": e.valid_to.isoformat() if e.valid_to else "", "file": str(d.path),
            "source_url": e.source_url or "", "chunks": len(d.chunks)}


def _build_aside(store_dir: Path, build_id: str, chunks: list[Chunk], docs: list[LoadedDocument],
                 previous_build: dict | None, host: str, port: int):
    """Everything of a new build that needs no vector; returns its (empty) Chroma collection."""
    build_dir = layout.build_dir(store_dir, build_id)
    store = open_collection(chroma_client(store_dir, build_id, host, port), layout.collection_name(build_id),
                            create=True)
    layout.write_tables(build_dir, chunks, [c.context_text() for c in chunks])
    _build_register(build_dir, docs, previous_build=previous_build)
    return store


def _discard(store_dir: Path, build_id: str, host: str, port: int) -> None:
    """Remove a build that never went live, and its collection on a Chroma server."""
    shutil.rmtree(layout.build_dir(store_dir, build_id), ignore_errors=True)
    if host:
        try:
            chroma_client(store_dir, build_id, host, port).delete_collection(layout.collection_name(build_id))
        except Exception:  # noqa: BLE001 - never made, or already gone on the server
            pass


def _build_register(build_dir: Path, docs: list[LoadedDocument], previous_build: dict | None) -> None:
    """The decision register (agenda items and decisions) beside the index."""
    try:
        from ingest.register import build_register, extract_items
    except ImportError:  # register not installed in this checkout
        return
    items = [item for d in docs for item in extract_items(d.entry, d.cleaned)]
    build_register(build_dir / layout.REGISTER_DB, items)


def _prune(store_dir: Path, keep: set[str], host: str, port: int) -> None:
    """Drop builds other than the live one and the one before it (a reader may still hold it)."""
    builds = layout.builds_dir(store_dir)
    for d in builds.iterdir() if builds.exists() else []:
        if d.name not in keep:
            _discard(store_dir, d.name, host, port)
