"""Recall@k with one matching rule for our chunks and the LangChain recipe's chunks alike.

A retrieved passage matches an expected source of evals/golden.yaml when it comes from the same document and
- {doc, contains}: holds the `contains` string, or
- {doc, section}: lies mostly inside that agenda item: at least 3 of 5 equal word-slices of the passage occur
  verbatim in the item (its heading line and text, as ingest.chunk.split_agenda cuts the cleaned document).
Text is compared in a canonical form (word characters only), so a line-end hyphen or a page break inside the
raw text a recipe chunk was cut from does not hide a match.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ingest.chunk import split_agenda
from ingest.clean import clean_text
from ingest.loaders import load_text
from ingest.manifest import load_manifest

K = 5
SLICES = 5
NEEDED = 3


def canon(text: str) -> str:
    return re.sub(r"[\W_]+", "", text)


class SourceMatcher:
    """Knows the agenda items of a corpus, to decide whether a passage is from an expected source."""

    def __init__(self, corpus_dir: Path):
        self.files = {e.id: Path(corpus_dir) / e.file for e in load_manifest(Path(corpus_dir) / "manifest.yaml")}

    @lru_cache(maxsize=64)
    def item_text(self, doc_id: str, section: str) -> str:
        number = str(section).strip().rstrip(".")
        for s in split_agenda(clean_text(load_text(self.files[doc_id]))):
            if s.number == number:
                return canon(f"{s.number} {s.title}\n" + "\n".join(s.lines))
        return ""

    def matches(self, source: dict, doc_id: str, text: str) -> bool:
        if source["doc"] != doc_id:
            return False
        if "contains" in source:
            return canon(source["contains"]) in canon(text)
        item = self.item_text(source["doc"], str(source["section"]))
        words = text.split()
        if not item or not words:
            return False
        size = max(1, len(words) // SLICES)
        pieces = [canon(" ".join(words[i * size:(i + 1) * size])) for i in range(SLICES)]
        pieces = [p for p in pieces if p]
        return sum(p in item for p in pieces) >= min(NEEDED, len(pieces))

    def first_rank(self, sources: list[dict], passages: list[tuple[str, str]]) -> int | None:
        """1-based rank of the first (doc_id, text) passage that matches any expected source."""
        for rank, (doc_id, text) in enumerate(passages, start=1):
            if any(self.matches(s, doc_id, text) for s in sources):
                return rank
        return None


def recall_at(ranks: list[int | None], k: int = K) -> float | None:
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks) if ranks else None
