"""Read side of the index: the live build's chunks, keyword index, vectors and decision register."""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from ingest.chunk import Chunk
from ingest.index import IndexMissing, ModelMismatch, StoreUnusable, read_current
from ingest.keyword import KeywordIndex


class LiveIndex:
    """One build of the index, opened read-only. Dense search loads the embedding stack lazily.

    Reading never creates, repairs or rewrites the store's own files: a missing part is an error that says to
    run `assistant ingest`, and a store without write access is searched by keywords only (`notice` says why).
    """

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
        self.build_dir = build
        incomplete = (f"The index in {self.store_dir} is incomplete (build {self.build_id} lacks {{part}}): "
                      "run `assistant ingest --force` to build it again.")
        self.chunks: dict[str, Chunk] = {}
        try:
            for line in (build / "chunks.jsonl").read_text(encoding="utf-8").splitlines():
                c = Chunk(**json.loads(line))
                self.chunks[c.id] = c
            self.keyword = KeywordIndex.load(build / "keyword.json")
        except FileNotFoundError as exc:
            raise IndexMissing(incomplete.format(part=Path(exc.filename or "a file").name)) from None
        except PermissionError:
            raise StoreUnusable(f"The index in {self.store_dir} cannot be read (permission denied): "
                                "fix the permissions of its files.") from None
        except (OSError, ValueError, TypeError, KeyError):
            raise StoreUnusable(f"The index in {self.store_dir} is damaged (build {self.build_id}): "
                                "run `assistant ingest --force` to build it again.") from None
        self.order = list(self.chunks)
        self.register_path = build / "register.sqlite"
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

    def is_stale(self) -> bool:
        current = read_current(self.store_dir)
        return bool(current) and current["build_id"] != self.build_id

    def read_only_reason(self) -> str:
        """Why the vectors cannot be opened here ("" when they can): Chroma's embedded client writes on open."""
        if self.record.get("chroma_host"):
            return ""
        chroma = self.build_dir / "chroma"
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
                    from ingest.index import chroma_client, open_collection

                    client = chroma_client(self.store_dir, self.build_id, self.record.get("chroma_host", ""),
                                           self.record.get("chroma_port", 8000))
                    try:
                        self._vs = open_collection(client, self.record["collection"])
                    except Exception as exc:  # noqa: BLE001 - chromadb raises its own types for a missing collection
                        raise IndexMissing(f"The vectors of the index in {self.store_dir} cannot be opened "
                                           f"({exc.__class__.__name__}): run `assistant ingest --force`.") from None
        return self._vs

    def dense_search(self, query: str, k: int, allowed: set[str] | None) -> list[tuple[str, float]]:
        from ingest.embeddings import get_embeddings

        if self._vs is None:
            reason = self.read_only_reason()
            if reason:  # rule questions and keyword search still work; the user is told why in one line
                self.notice = reason
                return []
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
