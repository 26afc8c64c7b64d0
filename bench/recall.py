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


def by_group(work: Path, scale_tag: str) -> dict:
    """Recall@5 of ours (hybrid) and the recipe, for rule questions and the others, on stores bench.run left."""
    from assistant.api import Assistant
    from assistant.config import load_settings
    from bench import recipe
    from bench.cases import case_date, is_rule, load_cases
    from evals import metrics

    corpus, store, persist = (work / f"{n}-{scale_tag}" for n in ("corpus", "store", "recipe"))
    matcher = SourceMatcher(corpus)
    ours = Assistant(load_settings(store_dir=store, corpus_dir=corpus).with_(llm_provider="none"))
    theirs = recipe.open_store(persist)
    ranks: dict[str, dict[str, list]] = {}
    for case in metrics.retrieval_cases(load_cases()):
        hits = ours.search(case["question"], k=K, as_of=case_date(case))
        mine = matcher.first_rank(case["expected_sources"], [(h.chunk.doc_id, h.chunk.text) for h in hits])
        theirs_rank = matcher.first_rank(case["expected_sources"], recipe.search(theirs, case["question"], K))
        for group in ("rule" if is_rule(case) else "other", case["category"]):
            ranks.setdefault(group, {"ours": [], "recipe": []})
            ranks[group]["ours"].append(mine)
            ranks[group]["recipe"].append(theirs_rank)
    return {g: {"cases": len(r["ours"]), "ours": recall_at(r["ours"]), "recipe": recall_at(r["recipe"])}
            for g, r in ranks.items()}


def main(argv: list[str] | None = None) -> None:
    """`python -m bench.recall [--sizes 1,10]`: recall@5 split into rule and other questions (after bench.run)."""
    import argparse

    root = Path(__file__).resolve().parent.parent
    p = argparse.ArgumentParser(description=main.__doc__)
    p.add_argument("--work", type=Path, default=root / "bench" / ".work")
    p.add_argument("--sizes", default="1,10")
    p.add_argument("--by-category", action="store_true", help="one row per golden category as well")
    args = p.parse_args(argv)
    print("| size | questions | cases | recall@5 ours (hybrid) | recall@5 recipe |\n|---|---|---|---|---|")
    for s in args.sizes.split(","):
        tag = f"{float(s):g}x"
        groups = by_group(args.work, tag)
        names = ["rule", "other"] + (sorted(g for g in groups if g not in ("rule", "other")) if args.by_category else [])
        for group in names:
            r = groups[group]
            label = {"rule": "rule_*", "other": "all others"}.get(group, group)
            print(f"| {tag} | {label} | {r['cases']} | {r['ours']:.3f} | {r['recipe']:.3f} |")


if __name__ == "__main__":
    main()
