"""Conversations that survive a reload, follow-ups in context, feedback and its export (issue 12, items 1 and 4).

The real app through AppTest on a private copy of the seed index; the conversation and feedback files lie
beside it. A browser is its anonymous id: a second AppTest with the same id is the same browser after a reload.
"""
from __future__ import annotations

import csv
import io
import sqlite3
from contextlib import redirect_stdout
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.conversations import FILE_NAME, ConversationStore, Turn
from tests.test_app import APP, TIMEOUT, last_reply, plain, reply_text

pytestmark = pytest.mark.slow

BROWSER = "a" * 32
OTHER_BROWSER = "b" * 32
FIRST = "Skal vi have godkendelse i DASSOS for at lukke 7 pladser?"
FOLLOW_UP = "Og hvis det er 12 pladser?"


def open_app(browser: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["browser_id"] = browser
    at.run()
    assert not at.exception, at.exception
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def questions_shown(at: AppTest) -> list[str]:
    return [plain(m.markdown[0].value) for m in at.chat_message if m.name == "user"]


def test_follow_up_in_context_and_the_conversation_survives_a_reload(own_store):
    at = ask(ask(open_app(BROWSER), FIRST), FOLLOW_UP)
    assert "12 pladser kræver forudgående godkendelse" in reply_text(at)  # the follow-up kept the tool and body
    assert (own_store / FILE_NAME).exists() and not list((own_store / "builds").rglob(FILE_NAME))

    again = open_app(BROWSER)  # a reload: a new session of the same browser
    assert questions_shown(again) == [FIRST, FOLLOW_UP]
    assert "12 pladser kræver forudgående godkendelse" in reply_text(again)
    assert not questions_shown(open_app(OTHER_BROWSER))  # listed only in the browser that started it

    next(b for b in again.button if b.label == "Slet samtale").click().run()
    assert not again.chat_message
    assert not questions_shown(open_app(BROWSER))


def test_new_conversation_keeps_the_old_one_listed(own_store):
    at = ask(open_app(BROWSER), FIRST)
    next(b for b in at.button if b.label == "Ny samtale").click().run()
    assert not at.chat_message
    ask(at, "Hvem er formand for DASSOS?")
    picker = next(s for s in at.selectbox if s.label == "Dine samtaler")
    assert len(picker.options) == 2 and picker.options[0].startswith("Hvem er formand")  # newest first
    picker.select_index(1).run()
    assert not at.exception, at.exception
    assert questions_shown(at) == [FIRST]


def test_example_button_asks_its_question(own_store):
    at = open_app(BROWSER)
    next(b for b in at.button if b.label.startswith("Hvem er formand for")).click().run()
    assert not at.exception, at.exception
    assert questions_shown(at)[0].startswith("Hvem er formand for")
    assert "formand" in reply_text(at)


def test_thumbs_down_with_a_comment_is_stored_and_exported(own_store):
    from assistant.cli import main

    at = ask(open_app(BROWSER), FIRST)
    reply = last_reply(at)
    next(b for b in reply.button if b.label == "Ikke nyttigt").click().run()
    last_reply(at).text_area[0].set_value("Mangler svaret for 12 pladser.")
    next(b for b in last_reply(at).button if b.label == "Gem kommentar").click().run()
    assert not at.exception, at.exception

    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["feedback", "--csv", "--store", str(own_store)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 1
    row = rows[0]
    assert row["rating"] == "down" and row["comment"] == "Mangler svaret for 12 pladser."
    assert row["question"] == FIRST and "10 pladser" in row["answer"]
    assert row["citations"].startswith("[1] Organisering af det fælleskommunale samarbejde")


def test_old_conversations_are_deleted(tmp_path, monkeypatch):
    store = ConversationStore(tmp_path, days=30)
    store.add(BROWSER, "old", Turn("Gammelt spørgsmål"))
    store.add(BROWSER, "new", Turn("Nyt spørgsmål"))
    old = (datetime.now() - timedelta(days=31)).isoformat(timespec="seconds")
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        db.execute("UPDATE conversations SET updated = ? WHERE id = 'old'", (old,))
    store = ConversationStore(tmp_path, days=30)
    assert [c.id for c in store.list(BROWSER)] == ["new"]
    assert not store.turns(BROWSER, "old") and store.turns(BROWSER, "new")[0].question == "Nyt spørgsmål"
    assert not store.turns(OTHER_BROWSER, "new")  # another browser cannot read it
    monkeypatch.setenv("ASSISTANT_CONVERSATION_DAYS", "0")
    from assistant.config import load_settings

    with pytest.raises(ValueError, match="ASSISTANT_CONVERSATION_DAYS"):
        load_settings()
