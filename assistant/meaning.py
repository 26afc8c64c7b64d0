"""Sentence choice by meaning, for a question in one language over passages in another.

The span scores in `spans.py` count the question's words in each sentence; an English question meets a Danish
passage only through the glossary's terms and cognates, so the sentence that answers ("Fase I er igangsat i uge 6")
may share no word with it ("When was phase 1 … launched?"). The multilingual embedding model that retrieval uses
reads both languages: the candidate spans are ranked by it as well, and the two rankings are fused by rank, so
neither scale needs a threshold.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from assistant.retrieval import Hit

if TYPE_CHECKING:
    from assistant.spans import Span

# Spans embedded per question, and characters of each (`assistant eval --split all`, deterministic.latency_p95_ms,
# dev/test/ooc): 12 whole spans 636/781/214 ms; 12 of 300 characters 380/309/198 ms with the same figures; 8 of 300
# characters 283/291/158 ms, also the same figures, but on the seed-only store the sentence that answers an English
# question was 11th by words (tests/test_assistant.py, the brain-injury councils).
MAX_CANDIDATES = 12
MAX_CHARS = 300
FUSION_K = 1  # reciprocal-rank constant: with a dozen candidates, the first places should count most


def by_meaning(question: str, candidates: list[tuple[Hit, "Span"]], embeddings) -> list[tuple[Hit, "Span"]]:
    """The candidates (best by words first) ordered by the fused rank of their word score and their embedding's
    similarity to the question; each keeps its word score."""
    import numpy as np

    pool = candidates[:MAX_CANDIDATES]
    if len(pool) < 2:
        return pool
    question_vec = np.asarray(embeddings.embed_query(question), dtype=np.float32)
    vecs = np.asarray(_span_vectors(embeddings, [s.text[:MAX_CHARS] for _, s in pool]), dtype=np.float32)
    by_sense = np.argsort(-(vecs @ question_vec), kind="stable")
    sense_rank = {int(i): r for r, i in enumerate(by_sense)}
    fused = [(1 / (FUSION_K + r) + 1 / (FUSION_K + sense_rank[r]), r) for r in range(len(pool))]
    fused.sort(key=lambda x: (-x[0], x[1]))
    return [pool[r] for _, r in fused]


CACHED_SPANS = 4096  # span vectors kept (384 floats each: about 6 MB): the same passages answer many questions
_cache: OrderedDict[tuple[str, str], list[float]] = OrderedDict()
_lock = threading.Lock()


def _span_vectors(embeddings, texts: list[str]) -> list[list[float]]:
    """The embedding of each text, from the cache where an earlier question embedded it (least recently used out)."""
    model = getattr(embeddings, "model_id", None) or str(id(embeddings))
    keys = [(model, t) for t in texts]
    with _lock:
        found = {k: _cache[k] for k in keys if k in _cache}
        for k in found:
            _cache.move_to_end(k)
    missing = list(dict.fromkeys(k for k in keys if k not in found))
    if missing:
        found.update(zip(missing, embeddings.embed_documents([t for _, t in missing])))
        with _lock:
            for k in missing:
                _cache[k] = found[k]
            while len(_cache) > CACHED_SPANS:
                _cache.popitem(last=False)
    return [found[k] for k in keys]
