"""The golden questions as the benchmarks use them: shared by bench.child and bench.recall (neither imports the other).

The benchmarks index the seed corpus (and SYNTETISK documents beside it), so they time and score only the dev cases
about the seeds: not the cases about the eval's stand-in documents (`evals/dev_corpus/`), which are not indexed here
and would count as misses (categories `ooc_*` and `abstain_ooc`, see evals/GOLDEN.md).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

SEED_MANIFEST = Path(__file__).resolve().parent.parent / "corpus" / "manifest.yaml"
STAND_IN_CATEGORIES = ("ooc_", "abstain_ooc")


def about_seeds(case: dict, seed_ids: set[str]) -> bool:
    """Whether a case asks about the seed corpus: not a stand-in category, and every expected source a seed."""
    if case["category"].startswith(STAND_IN_CATEGORIES):
        return False
    return all(s["doc"] in seed_ids for s in case.get("expected_sources") or [])


def load_cases(limit: int | None = None) -> list[dict]:
    from evals.run import load_cases as load
    from ingest.manifest import load_manifest

    seed_ids = {e.id for e in load_manifest(SEED_MANIFEST)}
    cases = [c for c in load() if about_seeds(c, seed_ids)]
    return cases[:limit] if limit else cases


def case_date(case: dict) -> date:
    v = case["as_of"]
    return v if isinstance(v, date) else date.fromisoformat(str(v))


def is_rule(case: dict) -> bool:
    return case["category"].startswith("rule_")
