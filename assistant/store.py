"""Read side of the index: the live build's chunks, keyword index, vectors and decision register."""
from __future__ import annotations

import json
import threading
from pathlib import Path

from ingest.chunk import Chunk
from ingest.index import IndexMissing, ModelMismatch, read_current
from ingest.keyword import KeywordIndex


class LiveIndex:
    """One build of the index, opened read-only. Dense search loads the embedding stack lazily."""

    def __init__(self, store_dir: Path, embedding_spec: str):
        self.store_dir = Path(store_dir)
        current = read_current(self.store_dir)
        if current is None:
            raise IndexMissing(f"No index in {self.store_dir}: run `assistant ingest` first.")
        self.record = current
        self.build_id = current["build_id"]
        self.embedding_spec = embedding_spec
        self._check_model(embedding_spec)
        build = self.store_dir / "builds" / self.build_id
        if not (build / "chunks.jsonl").exists():
            raise IndexMissing(f"The index in {self.store_dir} is incomplete: run `assistant ingest` again.")
        self.chunks: dict[str, Chunk] = {}
        for line in (build / "chunks.jsonl").read_text(encoding="utf-8").splitlines():
            c = Chunk(**json.loads(line))
            self.chunks[c.id] = c
        self.order = list(self.chunks)
        self.keyword = KeywordIndex.load(build / "keyword.json")
        self.register_path = build / "register.sqlite"
        self._vs = None
        self._lock = threading.Lock()

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

    def is_stale(self) -> bool:
        current = read_current(self.store_dir)
        return bool(current) and current["build_id"] != self.build_id

    def collection(self):
        """The build's Chroma collection, opened with chromadb alone: the read path needs no langchain_chroma."""
        if self._vs is None:
            with self._lock:
                if self._vs is None:
                    from ingest.index import chroma_client, open_collection

                    client = chroma_client(self.store_dir, self.build_id, self.record.get("chroma_host", ""),
                                           self.record.get("chroma_port", 8000))
                    self._vs = open_collection(client, self.record["collection"])
        return self._vs

    def dense_search(self, query: str, k: int, allowed: set[str] | None) -> list[tuple[str, float]]:
        from ingest.embeddings import get_embeddings

        collection = self.collection()
        where = None
        if allowed is not None:
            if not allowed:
                return []
            doc_ids = sorted({self.chunks[i].doc_id for i in allowed})
            where = {"doc_id": {"$in": doc_ids}}
        vec = get_embeddings(self.embedding_spec).embed_query(query)
        n = min(max(k * 3, k), len(self.chunks))
        res = collection.query(query_embeddings=[vec], n_results=n, where=where, include=["distances"])
        out = []
        for cid, dist in zip(res["ids"][0], res["distances"][0]):
            if allowed is None or cid in allowed:
                out.append((cid, 1.0 - float(dist)))
        return out[:k]
