"""Danish keyword search: BM25 (k1=1.5, b=0.75) over snowball-stemmed tokens.

The postings are built here at ingest and stored per term in the build's SQLite file (`ingest/layout.py`),
so a question reads the postings of its own terms only.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable

from ingest.text import STOPWORDS, tokenize  # noqa: F401 - the tokeniser is defined once, in ingest/text.py

K1, B = 1.5, 0.75


def build_postings(texts: Iterable[str]) -> tuple[dict[str, list[tuple[int, int]]], list[int]]:
    """Term -> [(passage number, term frequency)] and each passage's length in tokens."""
    postings: dict[str, list[tuple[int, int]]] = {}
    lengths: list[int] = []
    for i, text in enumerate(texts):
        toks = tokenize(text)
        lengths.append(len(toks))
        for term, tf in Counter(toks).items():
            postings.setdefault(term, []).append((i, tf))
    return postings, lengths


def bm25(terms: Iterable[str], postings_of: Callable[[str], list[tuple[int, int]] | None],
         lengths: list[int]) -> list[tuple[int, float]]:
    """Passage numbers with their BM25 score for the query terms, best first."""
    n = len(lengths)
    if not n:
        return []
    avgdl = sum(lengths) / n
    scores: dict[int, float] = {}
    for term in terms:
        plist = postings_of(term)
        if not plist:
            continue
        idf = math.log(1 + (n - len(plist) + 0.5) / (len(plist) + 0.5))
        for i, tf in plist:
            norm = tf + K1 * (1 - B + B * lengths[i] / (avgdl or 1))
            scores[i] = scores.get(i, 0.0) + idf * tf * (K1 + 1) / norm
    return sorted(scores.items(), key=lambda kv: -kv[1])
