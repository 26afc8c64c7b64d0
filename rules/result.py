"""What every rule tool returns: a bilingual answer, structured fields and its sources."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Optional

_MONTHS_DA = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
              "september", "oktober", "november", "december"]
_MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]


# Plain dataclasses, not pydantic models: the rule functions build them from validated data, so there is
# nothing to validate, and a rule question need not build their schemas at import.
@dataclass(frozen=True, kw_only=True)
class RuleCitation:
    """One source: corpus document id, section, and the exact quote from its cleaned text."""

    doc_id: str
    section: str
    quote: str


@dataclass(kw_only=True)
class RuleResult:
    """The answer of one rule tool on one question."""

    tool: str
    known: bool
    answer_da: str
    answer_en: str
    fields: dict[str, Any] = field(default_factory=dict)
    rule_id: str
    version: str
    valid_from: Optional[str] = None
    valid_to: Optional[str] = None
    citations: list[RuleCitation] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (the rule functions put only JSON values in fields: dates as ISO text)."""
        return asdict(self)


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def date_da(value: date) -> str:
    return f"{value.day}. {_MONTHS_DA[value.month - 1]} {value.year}"


def date_en(value: date) -> str:
    return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"


def join_da(items: list[str]) -> str:
    return _join(items, "og")


def join_en(items: list[str]) -> str:
    return _join(items, "and")


def or_da(items: list[str]) -> str:
    return _join(items, "eller")


def or_en(items: list[str]) -> str:
    return _join(items, "or")


def _join(items: list[str], word: str) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def period_da(start: date, end: date | None) -> str:
    if end is None:
        return f"fra {date_da(start)}"
    if start == end:
        return f"den {date_da(start)}"
    return f"{date_da(start)} – {date_da(end)}"


def period_en(start: date, end: date | None) -> str:
    if end is None:
        return f"from {date_en(start)}"
    if start == end:
        return f"on {date_en(start)}"
    return f"{date_en(start)} – {date_en(end)}"


def citations(sources) -> list[RuleCitation]:
    """Citations for sources, without repeats, in the order given."""
    seen, out = set(), []
    for src in sources:
        key = (src.doc, src.quote)
        if key not in seen:
            seen.add(key)
            out.append(src.citation())
    return out
