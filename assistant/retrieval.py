"""Hybrid retrieval: dense (Chroma) + Danish BM25, fused by reciprocal rank fusion, filtered and dated."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from assistant.glossary import english_terms, expand_query
from assistant.store import LiveIndex
from ingest.text import Chunk, tokenize

RRF_K = 60
MODES = ("hybrid", "dense", "keyword")
# e5 reads at most 512 tokens; a pasted page would be cut at its start, where the question is least likely to be.
# About 250 Danish words: the question's last sentences are embedded, the rest only keyword-searched.
MAX_EMBED_CHARS = 1000
_SENTENCE_END = re.compile(r"[.!?…]\s+")


def embedding_text(question: str, max_chars: int = MAX_EMBED_CHARS) -> str:
    """The question's last whole sentences that fit in max_chars (or its last max_chars characters)."""
    if len(question) <= max_chars:
        return question
    tail = question[-max_chars:]
    # Start at the first sentence boundary inside the tail, so no sentence is embedded cut in half.
    m = _SENTENCE_END.search(tail)
    if m and m.end() < len(tail):
        return tail[m.end():]
    space = tail.find(" ")
    return tail[space + 1:] if 0 <= space < len(tail) - 1 else tail


@dataclass(frozen=True)
class Filters:
    kinds: tuple[str, ...] = ()
    bodies: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None

    def allows(self, c) -> bool:
        """c: a Chunk, or the DocumentInfo of its document (the fields are the same)."""
        if self.kinds and c.kind not in self.kinds:
            return False
        if self.bodies and c.body.lower() not in {b.lower() for b in self.bodies}:
            return False
        d = date.fromisoformat(c.date)
        if self.date_from and d < self.date_from:
            return False
        return not (self.date_to and d > self.date_to)

    @property
    def empty(self) -> bool:
        return not (self.kinds or self.bodies or self.date_from or self.date_to)


@dataclass
class Hit:
    chunk: Chunk
    score: float  # fused score (higher is better)
    dense_score: float | None = None
    keyword_score: float | None = None
    ranks: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"id": self.chunk.id, "doc_id": self.chunk.doc_id, "label": self.chunk.label,
                "score": round(self.score, 5),
                "dense_score": None if self.dense_score is None else round(self.dense_score, 4),
                "keyword_score": None if self.keyword_score is None else round(self.keyword_score, 3)}


def in_force_weight(c, as_of: date | None) -> float:
    """Prefer documents in force on the date; a document dated after it did not exist yet (c: Chunk or DocumentInfo)."""
    if as_of is None:
        return 1.0
    if date.fromisoformat(c.date) > as_of and not (c.valid_from and date.fromisoformat(c.valid_from) <= as_of):
        return 0.0
    if c.valid_to and date.fromisoformat(c.valid_to) < as_of:
        return 0.92  # superseded: still answers questions about its own period; ranks just below the one in force
    if c.valid_from and date.fromisoformat(c.valid_from) > as_of:
        return 0.0
    return 1.0


class Retriever:
    def __init__(self, index: LiveIndex, dense_weight: float = 1.0, keyword_weight: float = 1.0):
        self.index = index
        self.dense_weight = dense_weight
        self.keyword_weight = keyword_weight

    def _indexed(self, term: str) -> bool:
        """Whether a query expansion term occurs in the index at all: an unknown one only costs look-ups."""
        return any(t in self.index.keyword for t in tokenize(term))

    def search(self, question: str, k: int = 5, filters: Filters | None = None, as_of: date | None = None,
               mode: str = "hybrid") -> list[Hit]:
        if mode not in MODES:
            raise ValueError(f"Unknown retrieval mode '{mode}'; use one of {', '.join(MODES)}.")
        filters = filters or Filters()
        allowed = None
        if not filters.empty or as_of is not None:  # filters and dates are per document
            allowed = {d for d, info in self.index.document_info().items()
                       if filters.allows(info) and in_force_weight(info, as_of) > 0}
        depth = max(k * 4, 20)
        # One after the other, not in two threads: the question's embedding keeps both cores busy, and a keyword
        # search beside it (about 1 ms at 100x) only slowed it down (bench/README.md, "Where the tail went").
        # A Danish question also looks for the English words of its domain terms: a page in English says "places".
        english = english_terms(question, keep=self._indexed)
        keyword = (self.index.keyword_search(f"{expand_query(question, keep=self._indexed)} {english}", depth, allowed)
                   if mode in ("hybrid", "keyword") else [])
        dense = (self.index.dense_search(expand_query(embedding_text(question), keep=self._indexed), depth, allowed)
                 if mode in ("hybrid", "dense") else [])
        score: dict[str, float] = {}
        for weight, results in ((self.dense_weight, dense), (self.keyword_weight, keyword)):
            for rank, (cid, _) in enumerate(results, start=1):
                score[cid] = score.get(cid, 0.0) + weight / (RRF_K + rank)
        if as_of is not None:  # the weight is per document: no chunk needs reading for it
            info = self.index.document_info()
            for cid, doc_id in self.index.chunks.documents_of(score).items():
                score[cid] *= in_force_weight(info[doc_id], as_of)
        top = sorted(score, key=lambda cid: -score[cid])[:k]
        chunks = self.index.chunks.many(top)  # only the passages returned are read
        hits = {cid: Hit(chunks[cid], score[cid]) for cid in top}
        for rank, (cid, value) in enumerate(dense, start=1):
            if cid in hits:
                hits[cid].ranks["dense"], hits[cid].dense_score = rank, value
        for rank, (cid, value) in enumerate(keyword, start=1):
            if cid in hits:
                hits[cid].ranks["keyword"], hits[cid].keyword_score = rank, value
        return list(hits.values())
