"""The plain LangChain recipe we compare against: split → embed → Chroma, dense search only.

RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=100) over each file's raw text (what TextLoader
gives), langchain_chroma.Chroma.from_documents with the same embedding model as ours (get_embeddings), and
similarity_search(question, k=5). No cleaning, no structure, no keyword index, no embedding cache.
"""
from __future__ import annotations

import time
from pathlib import Path

from langchain_core.embeddings import Embeddings

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 100
COLLECTION = "recipe"


class TimedEmbeddings(Embeddings):
    """Passes calls through and adds up the seconds spent embedding documents."""

    def __init__(self, inner: Embeddings):
        self.inner = inner
        self.seconds = 0.0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        t0 = time.perf_counter()
        try:
            return self.inner.embed_documents(texts)
        finally:
            self.seconds += time.perf_counter() - t0

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def load_documents(corpus_dir: Path):
    from langchain_core.documents import Document

    from ingest.manifest import load_manifest

    return [Document(page_content=(Path(corpus_dir) / e.file).read_text(encoding="utf-8"),
                     metadata={"doc_id": e.id, "source": e.file})
            for e in load_manifest(Path(corpus_dir) / "manifest.yaml")]


def ingest(corpus_dir: Path, persist_dir: Path, embedding_spec: str = "e5-small") -> dict:
    """Build the recipe's index; returns counts and seconds."""
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from ingest.embeddings import get_embeddings

    started = time.perf_counter()
    docs = load_documents(corpus_dir)
    chunks = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP).split_documents(docs)
    embeddings = TimedEmbeddings(get_embeddings(embedding_spec))
    Chroma.from_documents(chunks, embedding=embeddings, persist_directory=str(persist_dir), collection_name=COLLECTION)
    return {"docs": len(docs), "chunks": len(chunks), "seconds": time.perf_counter() - started,
            "embed_seconds": embeddings.seconds}


def open_store(persist_dir: Path, embedding_spec: str = "e5-small"):
    from langchain_chroma import Chroma

    from ingest.embeddings import get_embeddings

    return Chroma(collection_name=COLLECTION, persist_directory=str(persist_dir),
                  embedding_function=get_embeddings(embedding_spec))


def search(store, question: str, k: int = 5) -> list[tuple[str, str]]:
    """(doc_id, text) of the k nearest chunks."""
    return [(d.metadata["doc_id"], d.page_content) for d in store.similarity_search(question, k=k)]
