"""Read side of the index: the live build's chunks, keyword index, vectors and decision register.

What a build holds and where is `ingest/layout.py`'s; this module adds the embedding model check, the dense search
and the read-only rules. Nothing here imports the index writer.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from ingest.layout import (Build, DocumentInfo, IndexMissing, ModelMismatch, chroma_client, current_signature,
                           open_collection, read_current)


class LiveIndex:
    """One build of the index, opened read-only. Dense search loads the embedding stack lazily.

    Chunks and keyword postings are read from the build's SQLite file per question, not loaded whole; an embedded
    build's vectors from its memory-mapped matrix, a server build's from the Chroma server. Reading never creates,
    repairs or rewrites the store's own files: a missing part is an error that says to run `assistant ingest`. A
    build without its own matrix (made before it was written) is searched through Chroma, which must be able to
    write its folder: without write access it is searched by keywords only (`notice` says why).
    """

    def __init__(self, store_dir: Path, embedding_spec: str):
        self.store_dir = Path(store_dir)
        self._signature = current_signature(self.store_dir)  # before reading: a swap in between reads as stale
        current = read_current(self.store_dir)
        if current is None:
            raise IndexMissing(f"No index in {self.store_dir}: run `assistant ingest` first.")
        self.record = current
        self.build_id = current["build_id"]
        self.embedding_spec = embedding_spec
        self._check_model(embedding_spec)
        self.build = Build(self.store_dir, current)
        self.build_dir = self.build.path
        self.chunks = self.build.chunks  # a Mapping chunk id -> Chunk, read on demand
        self.keyword = self.build.keyword
        self.register_path = self.build.register_path
        self._vs = None
        self._lock = threading.Lock()
        self.notice = ""  # one line for the user when document search runs on keywords only

    def _check_model(self, spec: str) -> None:
        recorded = self.record.get("embedding_model", "")
        if spec == self.record.get("embedding_spec"):
            return  # the spec that built the index names the same model; no need to load the embedding stack
        from ingest.embeddings import EmbeddingConfigError, get_embeddings

        try:
            wanted = get_embeddings(spec).model_id  # type: ignore[attr-defined]
        except EmbeddingConfigError:
            raise
        if recorded != wanted:
            raise ModelMismatch(
                f"The index in {self.store_dir} was built with the embedding model '{recorded}', but the configured "
                f"model is '{wanted}': run `assistant ingest --force` to rebuild the index with the configured model."
            )

    @property
    def documents(self) -> dict[str, dict]:
        return self.record.get("documents", {})

    def document_info(self) -> dict[str, DocumentInfo]:
        """Kind, body and dates per document: what filters and the as-of date look at."""
        return self.build.documents()

    def keyword_search(self, query: str, k: int, allowed_docs: set[str] | None = None) -> list[tuple[str, float]]:
        return self.build.keyword_search(query, k, allowed_docs)

    def term_documents(self, term: str) -> set[str]:
        return self.build.term_documents(term)

    def is_stale(self) -> bool:
        """Whether another build went live since this one was opened; the record is parsed only when its file
        changed (at 100x it lists 889 documents, and every question asks)."""
        signature = current_signature(self.store_dir)
        if signature == self._signature:
            return False
        current = read_current(self.store_dir)
        stale = bool(current) and current["build_id"] != self.build_id
        if not stale:
            self._signature = signature  # rewritten with the same build: no need to parse it again
        return stale

    def read_only_reason(self) -> str:
        """Why the vectors cannot be opened here ("" when they can): Chroma's embedded client writes on open."""
        if self.record.get("chroma_host"):
            return ""
        chroma = self.build.chroma_dir
        if not chroma.is_dir():
            # Opening would make an empty chroma/ folder: a repair on read. Say what to do instead.
            raise IndexMissing(f"The index in {self.store_dir} is incomplete (build {self.build_id} lacks chroma/): "
                               "run `assistant ingest --force` to build it again.")
        files = [chroma, *chroma.glob("*.sqlite3")]
        if not all(os.access(p, os.W_OK) for p in files):
            return (f"Dokumentsøgningen bruger kun nøgleord: indekset i {self.store_dir} er skrivebeskyttet, og "
                    "vektorsøgningen (Chroma) skal kunne skrive i sin mappe; giv skriveadgang for fuld søgning.")
        return ""

    def collection(self):
        """The build's Chroma collection, opened with chromadb alone: the read path needs no langchain_chroma."""
        if self._vs is None:
            with self._lock:
                if self._vs is None:
                    client = chroma_client(self.store_dir, self.build_id, self.record.get("chroma_host", ""),
                                           self.record.get("chroma_port", 8000))
                    try:
                        self._vs = open_collection(client, self.record["collection"])
                    except Exception as exc:  # noqa: BLE001 - chromadb raises its own types for a missing collection
                        raise IndexMissing(f"The vectors of the index in {self.store_dir} cannot be opened "
                                           f"({exc.__class__.__name__}): run `assistant ingest --force`.") from None
        return self._vs

    def dense_search(self, query: str, k: int, allowed_docs: set[str] | None) -> list[tuple[str, float]]:
        """The k passages nearest to the query (chunk id, cosine similarity); with allowed_docs, of those only."""
        return self.dense_search_many([query], k, allowed_docs)[0]

    def dense_search_many(self, queries: list[str], k: int,
                          allowed_docs: set[str] | None = None) -> list[list[tuple[str, float]]]:
        """dense_search for each query, the queries embedded in one call where the model can."""
        from ingest.embeddings import get_embeddings

        if not queries or (allowed_docs is not None and not allowed_docs):
            return [[] for _ in queries]
        if self.build.vectors is None and self._vs is None:
            reason = self.read_only_reason()
            if reason:  # rule questions and keyword search still work; the user is told why in one line
                self.notice = reason
                return [[] for _ in queries]
        emb = get_embeddings(self.embedding_spec)
        many = getattr(emb, "embed_queries", None)
        vecs = many(queries) if many and len(queries) > 1 else [emb.embed_query(q) for q in queries]
        if self.build.vectors is not None:  # the build's own matrix: no chromadb, no write access needed
            return [self.build.dense_search(vec, k, allowed_docs) for vec in vecs]
        collection = self.collection()
        where = None
        if allowed_docs is not None and not allowed_docs.issuperset(self.document_info()):
            where = {"doc_id": {"$in": sorted(allowed_docs)}}  # a filter that lets every document pass only costs
        res = collection.query(query_embeddings=vecs, n_results=min(k, len(self.chunks)), where=where,
                               include=["distances"])
        return [[(cid, 1.0 - float(dist)) for cid, dist in zip(ids, dists)]
                for ids, dists in zip(res["ids"], res["distances"])]
