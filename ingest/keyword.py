"""Danish keyword index: BM25 over snowball-stemmed tokens, persisted as JSON beside the vectors."""
from __future__ import annotations

import json
import math
import re
import threading
from collections import Counter
from pathlib import Path

_TOKEN = re.compile(r"[0-9a-zæøåäöéü]+(?:[.-][0-9a-zæøåäöéü]+)*", re.IGNORECASE)
# Function words carry no topic; keep the list short so "ikke"/"kan" style words still count.
STOPWORDS = set(
    """og i at det er en til på de som for med af den der har ikke om et var fra vi skal kan
    jf. bl.a. samt eller men så efter over under ved også være blev bliver hvor hvad hvem hvilke hvilken
    the a an of to in on for and or is are was were be by with at from as it this that which who what when does do""".split()
)


_local = threading.local()


def _stemmer():
    """One stemmer per thread: a snowball stemmer keeps its working state on the instance."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _local.stemmer = snowballstemmer.stemmer("danish")
    return stemmer


def tokenize(text: str) -> list[str]:
    """Lower-case, drop stop words, Danish-stem; hyphenated words also yield their parts."""
    stem = _stemmer().stemWord
    out: list[str] = []
    for tok in _TOKEN.findall(text.lower()):
        parts = [tok] + (tok.split("-") if "-" in tok else [])
        for p in parts:
            if p and p not in STOPWORDS:
                out.append(stem(p))
    return out


class KeywordIndex:
    """BM25 (k1=1.5, b=0.75) over a fixed list of chunk ids."""

    def __init__(self, ids: list[str], postings: dict[str, list[list[int]]], lengths: list[int]):
        self.ids = ids
        self.postings = postings
        self.lengths = lengths
        self.avgdl = (sum(lengths) / len(lengths)) if lengths else 0.0

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> "KeywordIndex":
        postings: dict[str, list[list[int]]] = {}
        lengths = []
        for i, text in enumerate(texts):
            toks = tokenize(text)
            lengths.append(len(toks))
            for term, tf in Counter(toks).items():
                postings.setdefault(term, []).append([i, tf])
        return cls(ids, postings, lengths)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"ids": self.ids, "postings": self.postings, "lengths": self.lengths}), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "KeywordIndex":
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["ids"], data["postings"], data["lengths"])

    def search(self, query: str, k: int = 20, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        n = len(self.ids)
        if not n:
            return []
        scores: dict[int, float] = {}
        for term in set(tokenize(query)):
            plist = self.postings.get(term)
            if not plist:
                continue
            idf = math.log(1 + (n - len(plist) + 0.5) / (len(plist) + 0.5))
            for i, tf in plist:
                norm = tf + 1.5 * (1 - 0.75 + 0.75 * self.lengths[i] / (self.avgdl or 1))
                scores[i] = scores.get(i, 0.0) + idf * tf * 2.5 / norm
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        out = []
        for i, s in ranked:
            if allowed is None or self.ids[i] in allowed:
                out.append((self.ids[i], s))
                if len(out) >= k:
                    break
        return out
