"""The decision register: agenda/minutes items (Indstilling, Beslutning, Bilag …) extracted from cleaned text and stored in SQLite."""
from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

from ingest.capacity import capacity_changes
from ingest.dates import MONTHS_DA
from ingest.text import AGENDA_ITEM as _ITEM

ITEM_TYPES = ("decision", "orientation", "discussion", "next_meetings", "other")
STATUSES = ("proposal", "decided")

# Lemma of a recommendation by how its first word begins ("Godkender", "godkendes" -> "godkender").
_VERB_PREFIXES = (
    ("godkend", "godkender"),
    ("drøft", "drøfter"),
    ("orienter", "orienteres"),
    ("beslut", "beslutter"),
    ("nedsæt", "nedsætter"),
    ("anbefal", "anbefaler"),
    ("vedtag", "vedtager"),
    ("tiltræd", "tiltræder"),
    ("udpeg", "udpeger"),
    ("indstill", "indstiller"),
)
VERBS = tuple(lemma for _, lemma in _VERB_PREFIXES) + ("tager til efterretning", "other")
_DECISION_VERBS = {"godkender", "beslutter", "nedsætter", "anbefaler", "vedtager", "tiltræder", "udpeger", "indstiller"}
_ORIENTATION_VERBS = {"orienteres", "tager til efterretning"}

# Municipality and region names come from the scope profile (rules/data/scope.yaml), never from code.
_SCOPE_PATTERNS: tuple | None = None


def _scope_patterns() -> tuple[tuple[str, ...], re.Pattern | None, str]:
    """(municipalities, pattern for any of them, region name) of the deployment's scope, built once."""
    global _SCOPE_PATTERNS
    if _SCOPE_PATTERNS is None:
        from rules.scope import scope

        s = scope()
        names = tuple(s.municipalities)
        # Danish spelling: "Aa" at the start of a name is also written "Å" (the older spelling of the same city).
        variants = [v for n in names for v in {n, "Å" + n[2:] if n.startswith("Aa") else n}]
        pattern = (re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(variants, key=len, reverse=True)))
                              + r")(?!\w)") if names else None)
        _SCOPE_PATTERNS = (names, pattern, s.region_da)
    return _SCOPE_PATTERNS


_SECTION = re.compile(r"^(\d{1,2})\.\s+([A-ZÆØÅ].{2,80})$")
# A part of an item opens with its label alone on a line ("Beslutning"), or with its text after ":" or " | "; minutes
# may say whose and when before the colon ("Beslutning i Social- og Seniorudvalget den 25.08.2026: Godkendt.").
_SUBHEADING = re.compile(r"^(Indstilling|Sagsfremstilling|Bilag|Beslutning)(?:\s*|(?:\s[^:|!?]{1,80}?)?\s*[:|]\s*(.*))$",
                         re.IGNORECASE)
# The lead-in of an Indstilling for any body: "At <body>:", "Det indstilles, at <body>:".
# At most six words and no sentence punctuation, so a recommendation written as prose ("at godkende …") is not one.
_AT_BODY = re.compile(r"^(?:det indstilles,?\s*)?at\s+[^\s.,;:!?]+(?:\s+[^\s.,;:!?]+){0,5}\s*:\s*$", re.IGNORECASE)
_BULLET = re.compile(r"^[•▪●\-–]\s+")
_SUB_BULLET = re.compile(r"^o\s+")
_ATTACHMENT = re.compile(r"^Bilag\s+\d+\s*[-–:]\s*\S")
# Names follow "botilbuddet"/"tilbuddet" on the same line and are capitalised: "botilbuddet Kollegiet".
_OFFER = re.compile(r"\b(?:[Bb]otilbud(?:det|dene)?|[Tt]ilbuddet) +([A-ZÆØÅ][\w-]+(?: [A-ZÆØÅ][\w-]+)*)")

_MONTHS = {m: i for i, m in enumerate(MONTHS_DA, start=1)}  # the month names of ingest/dates.py
_DATE_WORDS = re.compile(r"\b(\d{1,2})\.\s*(" + "|".join(_MONTHS) + r")\b(?:\s+(\d{4})\b)?", re.IGNORECASE)
# Slash dates may lack a year ("5/12"); dotted ones need it, or "1.8" (an item number) would be a date.
_DATE_SLASH = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?(?![\d/])")
_DATE_DOTS = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?![\d.])")
# A wrapped line runs close to the page width; a short line without a full stop ends its paragraph.
_WRAP_WIDTH = 70
HOME_LINES = 12  # the heading lines of a document, where it names whose agenda it is


@dataclass
class DecisionItem:
    """One numbered item of an agenda or minutes, with its recommendations and (in minutes) its decision."""

    doc_id: str
    doc_title: str
    kind: str
    body: str
    meeting_date: str
    item_no: str
    title: str
    agenda_section: str
    item_type: str
    presenter: str | None
    recommendations: list[dict] = field(default_factory=list)
    decision_text: str | None = None
    status: str = "proposal"
    attachments: list[str] = field(default_factory=list)
    municipalities: list[str] = field(default_factory=list)
    offers: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    # Places opened (+) or closed (-) per municipality the item names: [{"municipality", "places", "quote"}].
    capacity_changes: list[dict] = field(default_factory=list)
    text: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def order(self) -> int:
        major, _, minor = self.item_no.partition(".")  # "1.8", or "38" when items are numbered on one level
        return int(major) * 1000 + int(minor or 0)


def _paragraphs(lines: list[str]) -> list[list[str]]:
    """Group lines into paragraphs; bullets start one, and a wrapped line continues across a blank line."""
    groups: list[list[str]] = []
    blank_before = True
    for line in lines:
        if not line.strip():
            blank_before = True
            continue
        starts_new = _BULLET.match(line) or _SUB_BULLET.match(line) or not groups
        if not starts_new and blank_before:
            prev = groups[-1][-1]
            wrapped = len(prev) >= _WRAP_WIDTH and not prev.rstrip().endswith((".", ":", ";", "!", "?"))
            starts_new = not (line[:1].islower() or wrapped)
        if starts_new:
            groups.append([line])
        else:
            groups[-1].append(line)
        blank_before = False
    return groups


def _verb(text: str) -> str:
    """The lemma of a recommendation's verb: its first word, or in prose ("Direktøren indstiller, at udvalget
    godkender …") the first verb within six words after "at"."""
    verb = _first_verb(text)
    if verb == "other":
        words = text.split(None, 30)[:30]
        after = next((i + 1 for i, w in enumerate(words) if w.lower() == "at"), None)
        for i in range(after or len(words), min(len(words), (after or 0) + 6)):
            verb = _first_verb(" ".join(words[i:]))
            if verb != "other":
                break
    return verb


def _first_verb(text: str) -> str:
    low = text.lower()
    if low.startswith(("tager", "taget", "tages")) and "til efterretning" in low:
        return "tager til efterretning"
    for prefix, lemma in _VERB_PREFIXES:
        if low.startswith(prefix):
            return lemma
    return "other"


def _recommendations(lines: list[str]) -> list[dict]:
    """Bullets after "At <body>:"; a first paragraph of prose counts as one recommendation."""
    recs: list[dict] = []
    for group in _paragraphs(lines):
        first = group[0]
        if _AT_BODY.match(first) or (len(group) == 1 and _is_body_lead_in(first)):
            continue
        if _SUB_BULLET.match(first) and recs:
            sub = " ".join([_SUB_BULLET.sub("", first)] + group[1:])
            recs[-1]["text"] += (" " if recs[-1]["text"].endswith(":") else "; ") + sub
            continue
        if not _BULLET.match(first) and recs:
            break  # the case text begins: not every Indstilling is closed by a "Sagsfremstilling" heading
        text = " ".join([_BULLET.sub("", first)] + group[1:])
        recs.append({"verb": _verb(text), "text": re.sub(r"\s+", " ", text).strip()})
    return recs


def _item_type(section: str, verbs: list[str], title: str = "", decision: str | None = None) -> str:
    """Section 3 is the next meetings; otherwise the verbs decide, and the section heading only when there are none.

    Items numbered on one level have no section heading: the verb of the decision, then the title's words decide."""
    if not section and decision and all(v == "other" for v in verbs):
        verbs = verbs + [_verb(decision)]
    low = section.lower()
    if "kommende møde" in low or "næste møde" in low:
        return "next_meetings"
    if any(v in _DECISION_VERBS for v in verbs):
        return "decision"
    if "drøfter" in verbs:
        return "discussion"
    if any(v in _ORIENTATION_VERBS for v in verbs):
        return "orientation"
    if "beslutning" in low:
        return "decision"
    if "orientering" in low:
        return "orientation"
    title = title.lower()
    if not section and ("orientering" in title or "meddelelse" in title):
        return "orientation"
    if not section and (title.startswith("godkendelse") or "beslutning" in title):
        return "decision"
    return "other"


def _resolve_year(day: int, month: int, year: str | None, meeting: date, known: dict) -> date | None:
    try:
        if year:
            return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        if (day, month) in known:
            return date(known[(day, month)], month, day)
        # A date without a year lies from three months before to nine months after the meeting.
        d = date(meeting.year, month, day)
        if d < meeting - timedelta(days=90):
            d = date(meeting.year + 1, month, day)
        elif d > meeting + timedelta(days=275):
            d = date(meeting.year - 1, month, day)
        return d
    except ValueError:
        return None


def dates_mentioned(text: str, meeting: date) -> list[str]:
    """Danish dates in text as sorted ISO strings: "30. januar 2026", "5.december", "5/12", "5.12.25"."""
    found = [(int(d), _MONTHS[m.lower()], y) for d, m, y in _DATE_WORDS.findall(text)]
    found += [(int(d), int(m), y) for d, m, y in _DATE_SLASH.findall(text)]
    found += [(int(d), int(m), y) for d, m, y in _DATE_DOTS.findall(text)]
    found = [(d, m, y) for d, m, y in found if 1 <= m <= 12]
    # "den 5/12" next to "5.12.25" in the same item: the year given once holds for both.
    known = {(d, m): int(y) + (2000 if len(y) == 2 else 0) for d, m, y in found if y}
    resolved = {_resolve_year(d, m, y or None, meeting, known) for d, m, y in found}
    return sorted(d.isoformat() for d in resolved if d)


def _is_body_lead_in(line: str) -> bool:
    """ "At <body>" without its colon: the words after "at" name a body the scope knows."""
    from rules.scope import scope

    m = re.match(r"^(?:det indstilles,?\s*)?at\s+(.{1,80}?)\s*$", line, re.IGNORECASE)
    if not m:
        return False
    name = m.group(1).casefold()
    return any(alias.casefold() == name for alias, _ in scope().body_aliases)


def _municipality_pattern() -> re.Pattern | None:
    return _scope_patterns()[1]


def _municipalities(text: str) -> list[str]:
    names, pattern, region = _scope_patterns()
    named = set(pattern.findall(text)) if pattern else set()
    named |= {"Aa" + m[1:] for m in named if m.startswith("Å")}
    out = [f"{m} Kommune" for m in names if m in named]
    return out + ([region] if region and re.search(rf"(?<!\w){re.escape(region)}(?!\w)", text) else [])


def _item(entry, section: str, item_no: str, title: str, heading: str, lines: list[str],
          home: list[str] = ()) -> DecisionItem:
    """One item from its number, title, heading line ("1.8 Godkendelse af …") and the lines up to the next heading."""
    title = title.strip()
    parts: dict[str, list[str]] = {"preamble": []}
    current = "preamble"
    for line in lines:
        m = _SUBHEADING.match(line)
        if m:
            current = m.group(1).lower()
            parts.setdefault(current, [])
            if m.group(2):
                parts[current].append(m.group(2))
            continue
        parts[current].append(line)

    presenter, presenter_lines = None, []
    preamble = _paragraphs(parts["preamble"])
    if preamble and preamble[0][0].startswith(("Ved ", "Fra ")):
        presenter_lines = preamble[0]
        presenter = re.sub(r"^Ved\s+", "", " ".join(presenter_lines)).strip()

    recs = _recommendations(parts.get("indstilling", []))
    decision = "\n".join(ln for ln in parts.get("beslutning", []) if ln.strip()).strip() or None
    # Only minutes record decisions; an agenda's Indstilling stays a proposal.
    status = "decided" if entry.kind == "minutes" and decision else "proposal"
    text = "\n".join(lines).strip()
    subject = "\n".join([title] + [ln for ln in lines if ln not in presenter_lines])
    return DecisionItem(
        doc_id=entry.id,
        doc_title=entry.title,
        kind=entry.kind,
        body=entry.body,
        meeting_date=entry.date.isoformat(),
        item_no=item_no,
        title=title,
        agenda_section=section,
        item_type=_item_type(section, [r["verb"] for r in recs], title, decision),
        presenter=presenter,
        recommendations=recs,
        decision_text=decision if entry.kind == "minutes" else None,
        status=status,
        attachments=[ln.strip() for ln in lines if _ATTACHMENT.match(ln.strip())],
        municipalities=_municipalities(subject),
        offers=list(dict.fromkeys(_OFFER.findall(text + "\n" + title))),
        dates=dates_mentioned(text, entry.date),
        capacity_changes=capacity_changes(subject, _municipalities(subject) or list(home), _municipality_pattern()),
        text="\n".join([heading] + lines).strip(),  # verbatim, so any line of it can be quoted
    )


def extract_items(entry, cleaned_text: str) -> list[DecisionItem]:
    """The numbered items of an agenda or minutes (other kinds give [])."""
    if entry.kind not in ("agenda", "minutes"):
        return []
    items: list[DecisionItem] = []
    section_no, section = 0, ""
    current: tuple | None = None  # (heading line, lines, item number, title)
    last_minor = 0
    lines = cleaned_text.splitlines()
    # The municipality whose agenda it is (named in its title, body or heading lines): where an item names none.
    home = _municipalities("\n".join([entry.title, entry.body] + lines[:HOME_LINES]))

    def flush():
        if current:
            items.append(_item(entry, section, current[2], current[3], current[0], current[1], home))

    for line in lines:
        s = _SECTION.match(line)
        it = _ITEM.match(line)
        if s and int(s.group(1)) == section_no + 1:
            flush()
            current, last_minor = None, 0
            section_no, section = int(s.group(1)), s.group(2).strip()
        # An item number must belong to the current section and go up, so "1.2" in running text is no heading.
        elif it and section_no and int(it.group(1)) == section_no and int(it.group(2)) > last_minor:
            flush()
            last_minor = int(it.group(2))
            current = (line.strip(), [], f"{int(it.group(1))}.{int(it.group(2))}", it.group(3))
        elif current:
            current[1].append(line)
    flush()
    if not items:
        items = _flat_items(entry, lines, home)
    return items


def _flat_items(entry, lines: list[str], home: list[str]) -> list[DecisionItem]:
    """Items numbered on one level ("Punkt 3 …", "38 …"): the run of headings ingest/agenda.py finds."""
    from ingest.agenda import flat_headings

    heads = flat_headings(lines)
    return [_item(entry, "", str(h.number), h.title, lines[h.line].strip(),
                  lines[h.line + 1 : nxt.line if nxt else len(lines)], home)
            for h, nxt in zip(heads, heads[1:] + [None])]


def extract_from_manifest(manifest_path: str | Path) -> list[DecisionItem]:
    """Load, clean and extract every agenda/minutes document of a manifest."""
    from ingest.clean import clean_text
    from ingest.manifest import document_path, load_manifest

    items: list[DecisionItem] = []
    for entry in load_manifest(manifest_path):
        if entry.kind in ("agenda", "minutes"):
            raw = document_path(manifest_path, entry).read_text(encoding="utf-8")
            items += extract_items(entry, clean_text(raw))
    return items


def register_counts(items: list[DecisionItem]) -> dict[str, dict]:
    """Per document: how many items, per item_type and per agenda section heading."""
    out: dict[str, dict] = {}
    for it in items:
        c = out.setdefault(it.doc_id, {"items": 0, "item_type": Counter(), "agenda_section": Counter()})
        c["items"] += 1
        c["item_type"][it.item_type] += 1
        c["agenda_section"][it.agenda_section] += 1
    return {k: {**v, "item_type": dict(v["item_type"]), "agenda_section": dict(v["agenda_section"])} for k, v in out.items()}


_SCHEMA = """
CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL, doc_title TEXT NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL,
    meeting_date TEXT NOT NULL, item_no TEXT NOT NULL, item_order INTEGER NOT NULL,
    title TEXT NOT NULL, agenda_section TEXT NOT NULL, item_type TEXT NOT NULL, presenter TEXT,
    recommendations TEXT NOT NULL, decision_text TEXT, status TEXT NOT NULL,
    attachments TEXT NOT NULL, municipalities TEXT NOT NULL, offers TEXT NOT NULL, dates TEXT NOT NULL,
    capacity_changes TEXT NOT NULL DEFAULT '[]', text TEXT NOT NULL,
    UNIQUE (doc_id, item_no)
);
CREATE TABLE recommendations (item_id INTEGER NOT NULL REFERENCES items(id), verb TEXT NOT NULL, text TEXT NOT NULL);
CREATE INDEX recommendations_verb ON recommendations(verb);
CREATE INDEX items_date ON items(meeting_date);
CREATE VIRTUAL TABLE items_fts USING fts5(
    title, recommendations, decision, text, tokenize = 'unicode61 remove_diacritics 0'
);
"""
_JSON_FIELDS = ("recommendations", "attachments", "municipalities", "offers", "dates", "capacity_changes")


def build_register(db_path: str | Path, items: list[DecisionItem]) -> Path:
    """Write a fresh register database; it replaces the old one only once complete."""
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=db_path.name + ".", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        try:
            con.executescript(_SCHEMA)
            for it in items:
                row = it.to_dict()
                for key in _JSON_FIELDS:
                    row[key] = json.dumps(row[key], ensure_ascii=False)
                row["item_order"] = it.order
                cur = con.execute(
                    f"INSERT INTO items ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                    list(row.values()),
                )
                con.executemany(
                    "INSERT INTO recommendations (item_id, verb, text) VALUES (?, ?, ?)",
                    [(cur.lastrowid, r["verb"], r["text"]) for r in it.recommendations],
                )
                con.execute(
                    "INSERT INTO items_fts (rowid, title, recommendations, decision, text) VALUES (?, ?, ?, ?, ?)",
                    (cur.lastrowid, it.title, "\n".join(r["text"] for r in it.recommendations),
                     it.decision_text or "", it.text),
                )
            con.execute("PRAGMA user_version = 1")
            con.commit()
        finally:
            con.close()
        os.replace(tmp, db_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return db_path


def main(argv: list[str] | None = None) -> int:
    """python -m ingest.register MANIFEST DB: build the register and print the counts per document."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m ingest.register MANIFEST DB", file=sys.stderr)
        return 2
    items = extract_from_manifest(args[0])
    build_register(args[1], items)
    print(json.dumps(register_counts(items), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
