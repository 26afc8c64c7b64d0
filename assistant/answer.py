"""The one answer format both planners produce, with its citation checks and renderings."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date

from ingest.clean import normalize_ws
from ingest.dates import date_da, date_en, date_short  # noqa: F401 - re-exported for the UI


@dataclass
class Citation:
    doc_id: str
    title: str
    date: str
    section: str
    quote: str
    source: str
    chunk_id: str = ""
    body: str = ""
    kind: str = ""


@dataclass
class ToolCall:
    name: str
    args: dict
    result: dict


@dataclass
class Answer:
    question: str
    answer: str
    citations: list[Citation] = field(default_factory=list)
    tool_calls: list[ToolCall] = field(default_factory=list)
    abstained: bool = False
    as_of: str = ""
    language: str = "da"
    planner: str = "deterministic"
    passages: list[dict] = field(default_factory=list)  # retrieved passages with scores (the trace)
    notes: list[str] = field(default_factory=list)  # e.g. rejected tool calls, fallbacks
    route: str = ""  # the tool the question was routed to (search_documents, find_decisions or a rule tool)
    slots: dict = field(default_factory=dict)  # what was read from the question (places, body, dates, ...)
    date_used: str = ""  # the date the tools used, when the question named one other than as_of

    def to_dict(self) -> dict:
        d = asdict(self)
        d["citations"] = [{k: c[k] for k in ("doc_id", "title", "date", "section", "quote", "source", "chunk_id")}
                          for c in d["citations"]]
        return d

    def _date(self, value: str) -> str:
        """A citation's date as its reader writes it: 3.3.2026 in Danish, 3 March 2026 in English."""
        try:
            d = date.fromisoformat(value)
        except (TypeError, ValueError):
            return value
        return date_short(d) if self.language == "da" else date_en(d)

    def render_text(self) -> str:
        lines = [self.answer]
        if self.citations:
            lines.append("")
            lines.append("Kilder:" if self.language == "da" else "Sources:")
            for n, c in enumerate(self.citations, start=1):
                lines.append(f"[{n}] {c.title} ({self._date(c.date)}), {c.section}")
                lines.append(f"    «{c.quote}»")
        if self.tool_calls:
            lines.append("")
            lines.append(("Værktøj: " if self.language == "da" else "Tools: ")
                         + ", ".join(t.name for t in self.tool_calls))
        return "\n".join(lines)


class CitationError(AssertionError):
    """An answer cites something it may not: a quote not in its chunk, or a number with no source."""


def check_citations(answer: Answer, chunk_texts: dict[str, str]) -> None:
    """Every quote occurs in its cited chunk; every [n] in the text is in the citation list."""
    for n, c in enumerate(answer.citations, start=1):
        text = chunk_texts.get(c.chunk_id)
        if text is None:
            raise CitationError(f"citation [{n}] points at a chunk that is not in the index: {c.chunk_id}")
        if normalize_ws(c.quote) not in normalize_ws(text):
            raise CitationError(f"citation [{n}] quote does not occur in its chunk: {c.quote[:80]}")
    for m in re.findall(r"\[(\d+)\]", answer.answer):
        if not 1 <= int(m) <= len(answer.citations):
            raise CitationError(f"the answer refers to [{m}] but has {len(answer.citations)} citations")


@dataclass
class AnswerPart:
    """What one component contributes: text with [n] markers numbered within its own citations."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    passages: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def attach(out: Answer, *parts: AnswerPart) -> Answer:
    """Join parts into the answer: one citation per passage, markers renumbered to the joined list."""
    texts = [out.answer] if out.answer else []
    for part in parts:
        mapping = {}
        for n, c in enumerate(part.citations, start=1):
            same = next((i for i, o in enumerate(out.citations, start=1) if o.chunk_id == c.chunk_id
                         and normalize_ws(c.quote) in normalize_ws(o.quote)), None)
            if same is None:
                out.citations.append(c)
                same = len(out.citations)
            mapping[n] = same
        if part.text:
            texts.append(renumber(part.text, mapping))
        out.passages += part.passages
        out.notes += part.notes
    out.answer = "\n".join(texts)
    out.abstained = bool(parts) and all(p.abstained for p in parts)
    return out


def renumber(text: str, mapping: dict[int, int]) -> str:
    """Citation markers [n] renumbered by mapping (numbers not in it stay)."""
    return re.sub(r"\[(\d+)\]", lambda m: f"[{mapping.get(int(m.group(1)), int(m.group(1)))}]", text)
