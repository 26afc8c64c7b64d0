"""Conversations kept in their own SQLite file beside the index (`<store>/conversations.sqlite`, never in builds/).

The app has no user accounts: a conversation belongs to the anonymous id of the browser that started it and is
listed only there. Conversations not touched for ASSISTANT_CONVERSATION_DAYS days are deleted when the file is
opened.
"""
from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

from assistant.answer import Answer, Citation, ToolCall

FILE_NAME = "conversations.sqlite"
MAX_TURNS = 200  # per conversation; older turns are dropped first
MAX_CONVERSATIONS = 50  # listed per browser
TITLE_CHARS = 80

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, browser TEXT NOT NULL, title TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS conversations_browser ON conversations (browser, updated);
CREATE TABLE IF NOT EXISTS turns (
    conversation TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    position INTEGER NOT NULL, question TEXT NOT NULL, answer TEXT, error TEXT NOT NULL DEFAULT '',
    filters TEXT, created TEXT NOT NULL, PRIMARY KEY (conversation, position));
"""


@dataclass
class Turn:
    """One exchange: the question and the answer (or the one sentence saying why there is none)."""

    question: str
    answer: Answer | None = None
    error: str = ""
    filters: dict | None = None  # the search limits the question was asked under, as plain data


@dataclass
class Conversation:
    id: str
    title: str
    updated: str


def new_id() -> str:
    return uuid.uuid4().hex


def answer_to_json(answer: Answer | None) -> str | None:
    return None if answer is None else json.dumps(asdict(answer), ensure_ascii=False, default=str)


def answer_from_json(text: str | None) -> Answer | None:
    if not text:
        return None
    d = json.loads(text)
    d["citations"] = [Citation(**c) for c in d.get("citations", [])]
    d["tool_calls"] = [ToolCall(**t) for t in d.get("tool_calls", [])]
    known = Answer.__dataclass_fields__
    return Answer(**{k: v for k, v in d.items() if k in known})


class ConversationStore:
    """The conversations of every browser; each call opens its own connection (the app serves many threads)."""

    def __init__(self, store_dir: Path, days: int = 30):
        self.path = Path(store_dir) / FILE_NAME
        self.days = days
        with self._connect() as db:
            db.executescript(SCHEMA)
            cutoff = (datetime.now() - timedelta(days=days)).isoformat(timespec="seconds")
            db.execute("DELETE FROM turns WHERE conversation IN (SELECT id FROM conversations WHERE updated < ?)",
                       (cutoff,))
            db.execute("DELETE FROM conversations WHERE updated < ?", (cutoff,))

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("PRAGMA foreign_keys = ON")
        return db

    def list(self, browser: str) -> list[Conversation]:
        with self._connect() as db:
            rows = db.execute("SELECT id, title, updated FROM conversations WHERE browser = ? "
                              "ORDER BY updated DESC, rowid DESC LIMIT ?", (browser, MAX_CONVERSATIONS)).fetchall()
        return [Conversation(*r) for r in rows]

    def turns(self, browser: str, conversation: str) -> list[Turn]:
        """The turns of a conversation, only when it belongs to this browser (else none)."""
        with self._connect() as db:
            rows = db.execute("SELECT t.question, t.answer, t.error, t.filters FROM turns t JOIN conversations c "
                              "ON c.id = t.conversation WHERE c.id = ? AND c.browser = ? ORDER BY t.position",
                              (conversation, browser)).fetchall()
        return [Turn(q, answer_from_json(a), e or "", json.loads(f) if f else None) for q, a, e, f in rows]

    def add(self, browser: str, conversation: str, turn: Turn) -> None:
        now = datetime.now().isoformat(timespec="seconds")
        with self._connect() as db:
            owner = db.execute("SELECT browser FROM conversations WHERE id = ?", (conversation,)).fetchone()
            if owner is None:
                title = " ".join(turn.question.split())[:TITLE_CHARS] or "Samtale"
                db.execute("INSERT INTO conversations VALUES (?, ?, ?, ?, ?)",
                           (conversation, browser, title, now, now))
            elif owner[0] != browser:
                raise PermissionError("the conversation belongs to another browser")
            else:
                db.execute("UPDATE conversations SET updated = ? WHERE id = ?", (now, conversation))
            position = db.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM turns WHERE conversation = ?",
                                  (conversation,)).fetchone()[0]
            db.execute("INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (conversation, position, turn.question, answer_to_json(turn.answer), turn.error,
                        json.dumps(turn.filters, default=str) if turn.filters else None, now))
            db.execute("DELETE FROM turns WHERE conversation = ? AND position < ?", (conversation,
                                                                                    position + 1 - MAX_TURNS))

    def delete(self, browser: str, conversation: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM turns WHERE conversation IN "
                       "(SELECT id FROM conversations WHERE id = ? AND browser = ?)", (conversation, browser))
            db.execute("DELETE FROM conversations WHERE id = ? AND browser = ?", (conversation, browser))
