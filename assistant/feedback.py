"""Feedback on answers (thumbs up or down, an optional comment), kept beside the index in `feedback.sqlite`.

Each row holds the question, the answer and its citations, so a bad answer can become a new golden case
(`assistant feedback --csv`).
"""
from __future__ import annotations

import csv
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

from assistant.answer import Answer

FILE_NAME = "feedback.sqlite"
MAX_COMMENT_CHARS = 2000
RATINGS = ("up", "down")
CSV_COLUMNS = ["created", "rating", "comment", "question", "answer", "as_of", "abstained", "route", "citations",
               "conversation", "turn"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    conversation TEXT NOT NULL, turn INTEGER NOT NULL, rating TEXT NOT NULL, comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL, answer TEXT NOT NULL, citations TEXT NOT NULL, as_of TEXT NOT NULL,
    abstained INTEGER NOT NULL, route TEXT NOT NULL, created TEXT NOT NULL, PRIMARY KEY (conversation, turn));
"""


@dataclass
class Feedback:
    rating: str  # "up" or "down"
    comment: str = ""


class FeedbackStore:
    def __init__(self, store_dir: Path, create: bool = True):
        self.path = Path(store_dir) / FILE_NAME
        if create:
            with self._connect() as db:
                db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def save(self, conversation: str, turn: int, answer: Answer, feedback: Feedback) -> None:
        """One row per answer: a later thumb or comment on the same answer replaces the earlier one."""
        if feedback.rating not in RATINGS:
            raise ValueError(f"rating must be one of {RATINGS}")
        comment = " ".join((feedback.comment or "").split())[:MAX_COMMENT_CHARS]
        with self._connect() as db:
            db.execute("INSERT OR REPLACE INTO feedback VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (conversation, turn, feedback.rating, comment, answer.question, answer.answer,
                        json.dumps([{k: getattr(c, k) for k in ("doc_id", "title", "date", "section", "quote",
                                                                  "chunk_id")} for c in answer.citations],
                                   ensure_ascii=False),
                        answer.as_of, int(answer.abstained), answer.route,
                        datetime.now().isoformat(timespec="seconds")))

    def get(self, conversation: str, turn: int) -> Feedback | None:
        with self._connect() as db:
            row = db.execute("SELECT rating, comment FROM feedback WHERE conversation = ? AND turn = ?",
                             (conversation, turn)).fetchone()
        return Feedback(*row) if row else None

    def rows(self) -> list[dict]:
        """Every feedback row, oldest first; none when no feedback was ever given."""
        if not self.path.exists():
            return []
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            try:
                found = db.execute("SELECT * FROM feedback ORDER BY created, rowid").fetchall()
            except sqlite3.OperationalError:  # the file exists but has no table yet
                return []
        out = []
        for r in found:
            d = dict(r)
            cites = json.loads(d["citations"])
            d["citations"] = "\n".join(f"[{n}] {c['title']} ({c['date']}), {c['section']}: «{c['quote']}»"
                                       for n, c in enumerate(cites, start=1))
            d["abstained"] = bool(d["abstained"])
            out.append(d)
        return out


def write_csv(rows: list[dict], out: TextIO) -> None:
    w = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow(r | {"turn": r["turn"] + 1})
