"""The golden questions as the benchmarks use them: shared by bench.child and bench.recall (neither imports the other)."""
from __future__ import annotations

from datetime import date


def load_cases(limit: int | None = None) -> list[dict]:
    from evals.run import load_cases as load

    cases = load()
    return cases[:limit] if limit else cases


def case_date(case: dict) -> date:
    v = case["as_of"]
    return v if isinstance(v, date) else date.fromisoformat(str(v))


def is_rule(case: dict) -> bool:
    return case["category"].startswith("rule_")
