"""Danish keyword search: BM25 (k1=1.5, b=0.75) over snowball-stemmed tokens.

The postings are built here at ingest and stored per term in the build's SQLite file (`ingest/layout.py`),
so a question reads the postings of its own terms only.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ingest.text import STOPWORDS, tokenize  # noqa: F401 - the tokeniser is defined once, in ingest/text.py

if TYPE_CHECKING:
    import numpy as np

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


def bm25(terms: Iterable[str], postings_of: Callable[[str], np.ndarray | None], lengths: np.ndarray,
         k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
    """The k best passage numbers with their BM25 score for the query terms, best first (ties: earlier passage).

    postings_of(term) gives an (m, 2) integer array of (passage number, term frequency), or None; lengths is
    each passage's length in tokens; allowed, when given, is a boolean mask over the passages. Vectorised: at
    100x a common term has thousands of postings, which a Python loop scored in tens of milliseconds.
    """
    import numpy as np

    n = len(lengths)
    if not n or k <= 0:
        return []
    avgdl = float(lengths.sum()) / n or 1.0
    scores = np.zeros(n, dtype=np.float64)
    held = np.zeros(n, dtype=bool)
    for term in terms:
        plist = postings_of(term)
        if plist is None or not len(plist):
            continue
        rows, tf = plist[:, 0], plist[:, 1].astype(np.float64)
        idf = math.log(1 + (n - len(plist) + 0.5) / (len(plist) + 0.5))
        scores[rows] += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths[rows] / avgdl))  # rows are unique
        held[rows] = True
    if allowed is not None:
        held &= allowed
    candidates = np.flatnonzero(held)
    if len(candidates) > k:
        candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
    order = np.lexsort((candidates, -scores[candidates]))
    return [(int(candidates[i]), float(scores[candidates[i]])) for i in order]
