"""The index's build layout: the one module that knows where a build keeps what, and how to open it.

Layout of a store folder:
  current.json                 which build is live, its format, the embedding model that built it, its documents
  builds/<id>/index.sqlite     the build's chunks (text and metadata), documents and keyword postings (BM25)
  builds/<id>/register.sqlite  the decision register
  builds/<id>/chroma/          the vectors in Chroma (embedded mode; with a Chroma server they live there)
  builds/<id>/vectors.npy      the same vectors, unit length, in chunk order: what an embedded build is searched by
  embeddings.sqlite            embedding cache keyed by model and content hash
  uploads/                     uploaded documents and their manifest

The writer (`ingest/index.py`) builds through `write_tables` and swaps with `write_current`; the read side opens
a build with `Build` and reads one chunk or one term's postings at a time, never a whole file.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from array import array
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from ingest.keyword import bm25, build_postings
from ingest.text import Chunk, tokenize

FORMAT = 2  # 1: chunks.jsonl + keyword.json; 2: index.sqlite
CURRENT = "current.json"
INDEX_DB = "index.sqlite"
REGISTER_DB = "register.sqlite"
CHROMA_DIR = "chroma"
VECTORS = "vectors.npy"
_FORMAT_1_CHUNKS = "chunks.jsonl"


class IndexError_(RuntimeError):
    """The index is missing or unusable; the message tells the user what to do."""


class IndexMissing(IndexError_):
    pass


class ModelMismatch(IndexError_):
    pass


class StoreUnusable(IndexError_):
    """The store folder cannot be read or written as needed (a file, no permission, a corrupt current.json)."""


# --- the store folder ------------------------------------------------------------------------------

def check_store_dir(store_dir: Path) -> None:
    """A --store that names a file, or a store we may not enter, is one clear sentence, not a traceback."""
    store_dir = Path(store_dir)
    if store_dir.exists() and not store_dir.is_dir():
        raise StoreUnusable(f"{store_dir} is a file, not an index folder: give --store a folder (or a new name).")
    if store_dir.is_dir() and not os.access(store_dir, os.R_OK | os.X_OK):
        raise StoreUnusable(f"The index folder {store_dir} cannot be read (permission denied): "
                            "fix its permissions or give another --store.")


def read_current(store_dir: Path, strict: bool = True) -> dict | None:
    """The live build's record; a corrupt one raises StoreUnusable (strict) or counts as no index (a rebuild)."""
    check_store_dir(store_dir)
    p = Path(store_dir) / CURRENT
    if not p.exists():
        return None
    try:
        record = json.loads(p.read_text(encoding="utf-8"))
        if not isinstance(record, dict) or not isinstance(record.get("build_id"), str):
            raise ValueError("no build_id")
        return record
    except PermissionError:
        raise StoreUnusable(f"{p} cannot be read (permission denied): fix the store's permissions.") from None
    except (OSError, ValueError):
        if not strict:
            return None
        raise StoreUnusable(f"{p} is corrupt: run `assistant ingest --force` to build a new index "
                            "(the documents are kept).") from None


def current_signature(store_dir: Path) -> tuple[int, int, int] | None:
    """(inode, mtime, size) of the live build's record, None when there is none: a swap by `write_current` is a
    rename, so the signature changes with every new build and a reader can tell without parsing the record."""
    try:
        st = (Path(store_dir) / CURRENT).stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


def write_current(store_dir: Path, record: dict) -> None:
    """Make a build live: one atomic rename, so a reader sees the old record or the new one, never half of one."""
    tmp = Path(store_dir) / (CURRENT + ".tmp")
    tmp.write_text(json.dumps({"format": FORMAT, **record}, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, Path(store_dir) / CURRENT)


def builds_dir(store_dir: Path) -> Path:
    return Path(store_dir) / "builds"


def build_dir(store_dir: Path, build_id: str) -> Path:
    return builds_dir(store_dir) / build_id


def collection_name(build_id: str) -> str:
    return f"chunks_{build_id.replace('-', '_')}"


# --- the vectors -----------------------------------------------------------------------------------

def chroma_client(store_dir: Path, build_id: str, host: str = "", port: int = 8000):
    """Embedded PersistentClient per build, or one Chroma server (`chroma run`) when a host is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if host:
        return chromadb.HttpClient(host=host, port=port, settings=chroma_settings)
    return chromadb.PersistentClient(path=str(build_dir(store_dir, build_id) / CHROMA_DIR), settings=chroma_settings)


def open_collection(client, name: str, create: bool = False):
    """A build's collection through chromadb alone (no LangChain wrapper): its vectors are always ours."""
    if create:
        return client.get_or_create_collection(name, embedding_function=None, metadata={"hnsw:space": "cosine"})
    return client.get_collection(name, embedding_function=None)


def write_vectors(build: Path, vectors) -> None:
    """The build's vectors in chunk order (row i is chunk i of `write_tables`), scaled to unit length."""
    import numpy as np

    matrix = np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    np.save(build / VECTORS, matrix / np.where(norms > 0, norms, 1.0))


class VectorMatrix:
    """Exact cosine search over a build's vectors.npy, memory-mapped: the read path needs neither chromadb (0.9 s
    to import in a new process) nor write access to the store."""

    def __init__(self, path: Path, rows: int, damaged: str):
        self.path = path
        self.rows = rows  # one per chunk of the build
        self.damaged = damaged  # what to tell the user when the file cannot be read as that
        self._matrix = None
        self._lock = threading.Lock()

    def _rows(self):
        if self._matrix is None:
            import numpy as np

            with self._lock:
                if self._matrix is None:
                    try:
                        matrix = np.load(self.path, mmap_mode="r", allow_pickle=False)
                    except (OSError, ValueError):
                        raise StoreUnusable(self.damaged) from None
                    if matrix.ndim != 2 or matrix.shape[0] != self.rows or matrix.dtype != np.float32:
                        raise StoreUnusable(self.damaged)
                    self._matrix = matrix
        return self._matrix

    def nearest(self, vector, k: int, allowed_rows=None) -> list[tuple[int, float]]:
        """(row, cosine similarity) of the k rows nearest to the vector, best first; only allowed_rows when given."""
        import numpy as np

        query = np.asarray(vector, dtype=np.float32)
        query = query / max(float(np.linalg.norm(query)), 1e-12)
        scores = self._rows() @ query
        if allowed_rows is not None:
            scores = np.where(allowed_rows, scores, -np.inf)
        k = min(k, int(np.isfinite(scores).sum()))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top]


# --- index.sqlite: chunks, documents, keyword postings ---------------------------------------------

_SCHEMA = """
CREATE TABLE chunks (idx INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX chunks_doc ON chunks (doc_id, idx);
CREATE TABLE documents (num INTEGER PRIMARY KEY, doc_id TEXT NOT NULL UNIQUE, kind TEXT, body TEXT, date TEXT,
                        valid_from TEXT, valid_to TEXT);
CREATE TABLE terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL, postings BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID;
"""


def write_tables(build: Path, chunks: list[Chunk], texts: list[str]) -> None:
    """Write a new build's index.sqlite: chunk i is indexed for keywords by texts[i] (its context text)."""
    postings, lengths = build_postings(texts)
    doc_num: dict[str, int] = {}
    for c in chunks:
        doc_num.setdefault(c.doc_id, len(doc_num))
    first = {c.doc_id: c for c in reversed(chunks)}
    with closing(sqlite3.connect(build / INDEX_DB)) as db, db:
        db.executescript(_SCHEMA)
        db.executemany("INSERT INTO chunks VALUES (?,?,?,?)",
                       [(i, c.id, c.doc_id, json.dumps(c.to_dict(), ensure_ascii=False)) for i, c in enumerate(chunks)])
        db.executemany("INSERT INTO documents VALUES (?,?,?,?,?,?,?)",
                       [(n, d, first[d].kind, first[d].body, first[d].date, first[d].valid_from, first[d].valid_to)
                        for d, n in doc_num.items()])
        db.executemany("INSERT INTO terms VALUES (?,?,?)",
                       [(t, len(p), array("i", [x for pair in p for x in pair]).tobytes()) for t, p in postings.items()])
        db.executemany("INSERT INTO meta VALUES (?,?)", [
            ("format", FORMAT), ("lengths", array("i", lengths).tobytes()),
            ("doc_of", array("i", [doc_num[c.doc_id] for c in chunks]).tobytes())])


def read_chunks(store_dir: Path, build_id: str) -> list[Chunk]:
    """All chunks of a build in order, for the writer to carry documents over; reads format 1 builds too."""
    build = build_dir(store_dir, build_id)
    if (build / INDEX_DB).exists():
        with closing(_connect(build / INDEX_DB)) as db:
            return [Chunk(**json.loads(d)) for (d,) in db.execute("SELECT data FROM chunks ORDER BY idx")]
    old = build / _FORMAT_1_CHUNKS
    return [Chunk(**json.loads(line)) for line in old.read_text(encoding="utf-8").splitlines()] if old.exists() else []


def _connect(path: Path) -> sqlite3.Connection:
    # A build never changes once written (a new ingest writes a new build), so it is opened read-only and
    # immutable: no locks, no journal, nothing written, also on a read-only store.
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False)


@dataclass(frozen=True)
class DocumentInfo:
    """What filters and the as-of date look at; the same for every chunk of a document."""
    doc_id: str
    kind: str
    body: str
    date: str
    valid_from: str
    valid_to: str


class _Db:
    """One read-only connection per thread: sqlite3 connections are not to be shared between threads."""

    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()

    def __call__(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = _connect(self.path)
        return db


class ChunkTable(Mapping):
    """The build's chunks by id, read from SQLite on demand; iteration follows the build's order."""

    def __init__(self, db: _Db, n: int):
        self._db = db
        self._n = n
        self._openings: dict[tuple[str, int], str] = {}  # at most one entry per document of the build

    def __getitem__(self, chunk_id: str) -> Chunk:
        row = self._db().execute("SELECT data FROM chunks WHERE id=?", (chunk_id,)).fetchone()
        if row is None:
            raise KeyError(chunk_id)
        return Chunk(**json.loads(row[0]))

    def __contains__(self, chunk_id) -> bool:
        return self._db().execute("SELECT 1 FROM chunks WHERE id=?", (chunk_id,)).fetchone() is not None

    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator[str]:
        return (cid for (cid,) in self._db().execute("SELECT id FROM chunks ORDER BY idx"))

    def values(self) -> Iterator[Chunk]:  # type: ignore[override]
        return (Chunk(**json.loads(d)) for (d,) in self._db().execute("SELECT data FROM chunks ORDER BY idx"))

    def items(self) -> Iterator[tuple[str, Chunk]]:  # type: ignore[override]
        return ((c.id, c) for c in self.values())

    def _where_in(self, columns: str, key: str, values: Iterable) -> Iterator[tuple]:
        """Rows of `SELECT columns FROM chunks WHERE key IN values`, in batches under SQLite's parameter limit."""
        values = list(dict.fromkeys(values))
        for i in range(0, len(values), 500):
            part = values[i : i + 500]
            yield from self._db().execute(
                f"SELECT {columns} FROM chunks WHERE {key} IN ({','.join('?' * len(part))})", part)

    def many(self, ids: Iterable[str]) -> dict[str, Chunk]:
        """The chunks of these ids (those that exist), in one query per 500."""
        chunks = (Chunk(**json.loads(d)) for (d,) in self._where_in("data", "id", ids))
        return {c.id: c for c in chunks}

    def documents_of(self, ids: Iterable[str]) -> dict[str, str]:
        """The document id of each of these chunk ids (those that exist), without reading the chunks."""
        return dict(self._where_in("id, doc_id", "id", ids))

    def ids_at(self, rows: list[int]) -> dict[int, str]:
        """The ids of the chunks at these positions of the build's order."""
        return dict(self._where_in("idx, id", "idx", rows))

    def opening(self, doc_id: str, chars: int = 400) -> str:
        """The start of a document's first passage: where a page or a note says what it is about. Read once per
        document (a build does not change), since an answer asks it for each quote it weighs."""
        key = (doc_id, chars)
        if key not in self._openings:
            row = self._db().execute("SELECT data FROM chunks WHERE doc_id=? ORDER BY idx LIMIT 1",
                                     (doc_id,)).fetchone()
            self._openings[key] = Chunk(**json.loads(row[0])).text[:chars] if row else ""
        return self._openings[key]

    def of_document(self, doc_id: str) -> list[Chunk]:
        """One document's chunks in order: what a citation of that document needs to read, and no more."""
        rows = self._db().execute("SELECT data FROM chunks WHERE doc_id=? ORDER BY idx", (doc_id,))
        return [Chunk(**json.loads(d)) for (d,) in rows]


class KeywordTable:
    """BM25 over the postings in index.sqlite: a search reads its own terms' postings and the passage lengths."""

    def __init__(self, db: _Db, n: int):
        self._db = db
        self.n = n  # passages indexed
        self._lengths = None  # numpy arrays, read on the first search
        self._doc_of = None
        self._vocabulary: frozenset[str] | None = None
        self._lock = threading.Lock()

    def _meta(self):
        """(each passage's length in tokens as float64, each passage's document number as intc), numpy arrays."""
        if self._lengths is None:
            import numpy as np

            with self._lock:
                if self._lengths is None:
                    rows = dict(self._db().execute("SELECT key, value FROM meta WHERE key IN ('lengths','doc_of')"))
                    self._doc_of = np.frombuffer(rows["doc_of"], dtype=np.intc)
                    self._lengths = np.frombuffer(rows["lengths"], dtype=np.intc).astype(np.float64)
        return self._lengths, self._doc_of

    def postings(self, term: str):
        """The term's (passage number, term frequency) pairs as an (m, 2) intc array; None when no passage has it."""
        import numpy as np

        row = self._db().execute("SELECT postings FROM terms WHERE term=?", (term,)).fetchone()
        if row is None:
            return None
        return np.frombuffer(row[0], dtype=np.intc).reshape(-1, 2)

    def df(self, term: str) -> int:
        """How many passages hold the (stemmed) term; 0 when none does."""
        row = self._db().execute("SELECT df FROM terms WHERE term=?", (term,)).fetchone()
        return row[0] if row else 0

    def __contains__(self, term: str) -> bool:
        if self._vocabulary is not None:
            return term in self._vocabulary
        return self.df(term) > 0

    def vocabulary(self) -> frozenset[str]:
        """Every indexed term (read once, when a question needs the whole vocabulary, e.g. for misspellings)."""
        if self._vocabulary is None:
            self._vocabulary = frozenset(t for (t,) in self._db().execute("SELECT term FROM terms"))
        return self._vocabulary

    def search(self, query: str, k: int = 20, allowed_rows=None) -> list[tuple[str, float]]:
        """The k best passages (chunk id, BM25 score); with allowed_rows (a boolean mask), only those passages."""
        if not self.n:
            return []
        lengths, _ = self._meta()
        ranked = bm25(sorted(set(tokenize(query))), self.postings, lengths, k, allowed_rows)  # a fixed order: same sums
        if not ranked:
            return []
        q = f"SELECT idx, id FROM chunks WHERE idx IN ({','.join('?' * len(ranked))})"
        ids = dict(self._db().execute(q, [i for i, _ in ranked]))
        return [(ids[i], s) for i, s in ranked]


class Build:
    """One build of the index opened for reading: chunks, keyword index, documents, register and vectors' place.

    Opening reads one small table; chunks and postings are read per question, per hit.
    """

    def __init__(self, store_dir: Path, record: dict):
        self.store_dir = Path(store_dir)
        self.record = record
        self.build_id = record["build_id"]
        self.path = build_dir(store_dir, self.build_id)
        self.register_path = self.path / REGISTER_DB
        self.chroma_dir = self.path / CHROMA_DIR
        db_path = self.path / INDEX_DB
        if not db_path.exists():
            if (self.path / _FORMAT_1_CHUNKS).exists() or record.get("format", 1) < FORMAT:
                raise IndexMissing(f"The index in {self.store_dir} was built by an earlier version of the assistant "
                                   "(format 1): run `assistant ingest --force` to rebuild it (embeddings are cached, "
                                   "so this takes seconds).")
            raise IndexMissing(f"The index in {self.store_dir} is incomplete (build {self.build_id} lacks {INDEX_DB}): "
                               "run `assistant ingest --force` to build it again.")
        if not os.access(db_path, os.R_OK):
            raise StoreUnusable(f"The index in {self.store_dir} cannot be read (permission denied): "
                                "fix the permissions of its files.")
        self._db = _Db(db_path)
        try:
            (n,) = self._db().execute("SELECT count(*) FROM chunks").fetchone()
            self._doc_rows = None
        except sqlite3.Error:
            raise StoreUnusable(f"The index in {self.store_dir} is damaged (build {self.build_id}): "
                                "run `assistant ingest --force` to build it again.") from None
        self.chunks = ChunkTable(self._db, n)
        self.keyword = KeywordTable(self._db, n)
        # A build searched through a Chroma server has no local matrix; builds before it was written neither.
        self.vectors: VectorMatrix | None = None
        if (self.path / VECTORS).exists():
            self.vectors = VectorMatrix(self.path / VECTORS, n, (
                f"The index in {self.store_dir} is damaged (build {self.build_id}: {VECTORS} cannot be read): "
                "run `assistant ingest --force` to build it again."))
        self._documents: dict[str, DocumentInfo] | None = None
        self._doc_nums: dict[str, int] | None = None
        self._doc_ids: dict[int, str] = {}

    def documents(self) -> dict[str, DocumentInfo]:
        """The build's documents with the fields that filters and the as-of date use."""
        if self._documents is None:
            rows = self._db().execute("SELECT num, doc_id, kind, body, date, valid_from, valid_to FROM documents "
                                      "ORDER BY num").fetchall()
            self._doc_nums = {r[1]: r[0] for r in rows}
            self._doc_ids = {r[0]: r[1] for r in rows}
            self._documents = {r[1]: DocumentInfo(*r[1:]) for r in rows}
        return self._documents

    def term_documents(self, term: str) -> set[str]:
        """The ids of the documents one of whose passages holds the (stemmed) term."""
        postings = self.keyword.postings(term)
        if postings is None:
            return set()
        self.documents()
        _, doc_of = self.keyword._meta()
        return {self._doc_ids[n] for n in set(doc_of[postings[:, 0]].tolist()) if n in self._doc_ids}

    def dense_search(self, vector, k: int, allowed_docs: set[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k passages nearest to the vector, from the build's own matrix."""
        allowed_rows = None if allowed_docs is None else self._rows_of(allowed_docs)
        nearest = self.vectors.nearest(vector, k, allowed_rows)
        ids = self.chunks.ids_at([row for row, _ in nearest])
        return [(ids[row], score) for row, score in nearest if row in ids]

    def keyword_search(self, query: str, k: int, allowed_docs: set[str] | None = None) -> list[tuple[str, float]]:
        allowed_rows = None if allowed_docs is None else self._rows_of(allowed_docs)
        return self.keyword.search(query, k, allowed_rows)

    def _rows_of(self, allowed_docs: set[str]):
        """A boolean mask over the build's passages: those of the allowed documents (a look-up per passage)."""
        import numpy as np

        self.documents()
        _, doc_of = self.keyword._meta()
        wanted = np.zeros(len(self._doc_nums) + 1, dtype=bool)
        wanted[[self._doc_nums[d] for d in allowed_docs if d in self._doc_nums]] = True
        return wanted[doc_of]
