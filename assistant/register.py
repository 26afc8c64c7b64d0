"""Questions to the decision register: filtered, full-text search over agenda/minutes items, with citations."""
from __future__ import annotations

import json
import re
import sqlite3
from datetime import date
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, Field

from ingest.register import ITEM_TYPES, VERBS

_JSON_FIELDS = ("recommendations", "attachments", "municipalities", "offers", "dates", "capacity_changes")
# Words that would match nearly every item when OR-ed (the steering body's name too: it heads every agenda).
_STOPWORDS = set(
    "af at de den der det du eller en er et for fra har hvad hvem hvilke hvor hvornår i med og om på "
    "som til var ved blev the a an of and or to in on for about what when which who".split()
)


def _stopwords() -> set[str]:
    from rules.scope import scope

    return _STOPWORDS | {scope().steering_body.casefold()}


def _check_choice(name: str, value: Optional[str], accepted: tuple[str, ...]) -> Optional[str]:
    if value is None or value == "":
        return None
    norm = re.sub(r"\s+", " ", value).strip().lower()
    if norm not in accepted:
        raise ValueError(f"Unknown {name} '{value}'; accepted values are: {', '.join(accepted)}.")
    return norm


def _check_date(name: str, value) -> Optional[str]:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ValueError(f"{name} must be a date written YYYY-MM-DD, not '{value}'.") from None


def fts_query(text: str) -> Optional[str]:
    """Free text as an FTS5 query: Danish stems as prefixes, OR-ed ("lukning Kollegiet" -> "lukning"* OR "kollegi"*)."""
    import snowballstemmer

    stem = snowballstemmer.stemmer("danish").stemWord
    tokens = [t for t in re.findall(r"\w+", text.lower()) if len(t) > 1]
    stop = _stopwords()
    tokens = [t for t in tokens if t not in stop] or tokens
    terms = []
    for t in dict.fromkeys(tokens):
        s = stem(t)
        terms.append(f'"{s}"*' if len(s) >= 3 else f'"{t}"')
    return " OR ".join(dict.fromkeys(terms)) or None


def _citation(row: dict) -> dict:
    recs = row["recommendations"]
    # The first line of the first recommendation is verbatim in the item text; else the line after the heading.
    lines = [ln.strip() for ln in row["text"].splitlines() if ln.strip()]
    quote = lines[0]
    if recs:
        first_words = recs[0]["text"].split()
        quote = next((ln.lstrip("•▪●-– ") for ln in lines if ln.lstrip("•▪●-– ").startswith(" ".join(first_words[:4]))), quote)
    elif len(lines) > 1:
        quote = lines[1]
    return {
        "doc_id": row["doc_id"],
        "title": row["doc_title"],
        "date": row["meeting_date"],
        "section": f"{row['item_no']} {row['title']}",
        "quote": quote,
    }


def _connect(db_path: str | Path) -> sqlite3.Connection:
    path = Path(db_path)
    if not path.is_file():
        raise FileNotFoundError(
            f"No decision register at {path}; build it with: python -m ingest.register corpus/manifest.yaml {path}"
        )
    con = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    return con


def search_decisions(
    db_path: str | Path,
    query: Optional[str] = None,
    body: Optional[str] = None,
    since=None,
    until=None,
    item_type: Optional[str] = None,
    verb: Optional[str] = None,
    limit: int = 50,
) -> list[dict]:
    """Items matching the filters, best match first (newest meeting first without a query), each with a citation."""
    item_type = _check_choice("item_type", item_type, ITEM_TYPES)
    verb = _check_choice("verb", verb, VERBS)
    since, until = _check_date("since", since), _check_date("until", until)
    match = fts_query(query) if query and query.strip() else None

    where, params = [], []
    if body:
        where.append("lower(items.body) = lower(?)")
        params.append(body.strip())
    if since:
        where.append("items.meeting_date >= ?")
        params.append(since)
    if until:
        where.append("items.meeting_date <= ?")
        params.append(until)
    if item_type:
        where.append("items.item_type = ?")
        params.append(item_type)
    if verb:
        where.append("EXISTS (SELECT 1 FROM recommendations r WHERE r.item_id = items.id AND r.verb = ?)")
        params.append(verb)
    if match:
        # Title hits weigh most, then the recommendation and decision, then the case text.
        sql = (
            "SELECT items.* FROM items JOIN items_fts ON items_fts.rowid = items.id "
            "WHERE " + " AND ".join(["items_fts MATCH ?"] + where) +
            " ORDER BY bm25(items_fts, 10.0, 5.0, 5.0, 1.0), items.meeting_date DESC, items.item_order LIMIT ?"
        )
        params = [match] + params
    else:
        sql = (
            "SELECT items.* FROM items" + (" WHERE " + " AND ".join(where) if where else "") +
            " ORDER BY items.meeting_date DESC, items.item_order LIMIT ?"
        )
    params.append(max(1, int(limit)))

    con = _connect(db_path)
    try:
        rows = [dict(r) for r in con.execute(sql, params)]
    finally:
        con.close()
    for row in rows:
        for key in _JSON_FIELDS:
            row[key] = json.loads(row.get(key) or "[]")  # a register built before a field existed lacks it
        row.pop("item_order", None)
        row["citation"] = _citation(row)
    return rows


class FindDecisionsArgs(BaseModel):
    query: Optional[str] = Field(None, description="Fritekst / free text, e.g. 'lukning Kollegiet'")
    body: Optional[str] = Field(None, description="Organ / body, as named on the agenda")
    since: Optional[str] = Field(None, description="Møder fra og med / meetings from, YYYY-MM-DD")
    until: Optional[str] = Field(None, description="Møder til og med / meetings until, YYYY-MM-DD")
    item_type: Optional[str] = Field(None, description="Punkttype / item type: " + ", ".join(ITEM_TYPES))
    verb: Optional[str] = Field(None, description="Indstillingens verbum / recommendation verb: " + ", ".join(VERBS))
    limit: int = Field(10, ge=1, le=50, description="Højst så mange punkter / at most this many items")


def decisions_tool(db_path: str | Path):
    """The register as a LangChain tool `find_decisions`, returning compact JSON with a citation per item."""
    from langchain_core.tools import StructuredTool

    def find_decisions(**kwargs) -> str:
        try:
            rows = search_decisions(db_path, **kwargs)
        except (ValueError, FileNotFoundError) as exc:
            return f"Fejl / error: {exc}"
        # The full case text stays out: the model gets the recommendations, the decision and where to cite.
        keep = ("item_type", "status", "presenter", "recommendations", "decision_text", "attachments",
                "municipalities", "offers", "dates", "capacity_changes", "citation")
        return json.dumps([{k: r[k] for k in keep} for r in rows], ensure_ascii=False)

    from rules.scope import scope

    body = scope().steering_body
    return StructuredTool.from_function(
        func=find_decisions,
        name="find_decisions",
        description=(
            f"Søg i beslutningsregistret: punkter på {body}' dagsordener og referater med indstilling, "
            "beslutning (kun i referater), bilag og kilde. En indstilling er et forslag, ikke en beslutning. "
            f"Search the decision register of {body} agenda and minutes items: recommendations, decisions "
            "(minutes only; status 'proposal' means not decided), attachments and a citation for each item."
        ),
        args_schema=FindDecisionsArgs,
    )
