"""Document management in the app (AppTest, real store and embedding model): the same file with another date asks
before changing it, an upload can be replaced or removed, and the success message says what was read."""
from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import committee_agenda
from tests.test_app import (UPLOAD_PAGE, ASK_PAGE, ask, built_store, citation_labels, live,  # noqa: F401
                            plain, start, upload, wait_for_upload)

pytestmark = pytest.mark.slow

UNIQUE = "tornirisklinikken"
AGENDA = committee_agenda(UNIQUE, "otte", "1. februar 2027")


def recorded(store):
    from ingest.pipeline import recorded_uploads

    return recorded_uploads(store)


def test_success_message_says_what_was_read(own_store):
    at = start(UPLOAD_PAGE)
    upload(at, "socialudvalget.txt", AGENDA.encode(), title="Socialudvalget 4.5.2026", on=date(2026, 5, 4))
    wait_for_upload(at)
    message = plain(at.success[0].value)
    assert "er tilføjet og kan nu søges i" in message
    assert "læst som dagsorden med 4 afsnit og 3 dagsordenspunkter" in message


def test_same_file_with_another_date_asks_and_changes_only_on_yes(own_store):
    at = start(UPLOAD_PAGE)
    upload(at, "socialudvalget.txt", AGENDA.encode(), title="Socialudvalget", on=date(2026, 5, 4))
    wait_for_upload(at)
    (doc_id, entry), = recorded(own_store).items()
    build = live(own_store)

    upload(at, "socialudvalget.txt", AGENDA.encode(), title="Socialudvalget", on=date(2026, 6, 1))
    assert any("er allerede tilføjet med andre oplysninger" in plain(w.value) for w in at.warning)
    shown = at.table[0].value
    assert list(shown["Felt"]) == ["Dato"] and list(shown["Nu"]) == ["4.5.2026"] and list(shown["Nyt"]) == ["1.6.2026"]
    assert live(own_store) == build  # nothing changed yet

    next(b for b in at.button if b.label == "Nej, behold det som det er").click().run()
    assert live(own_store) == build and recorded(own_store)[doc_id].date == date(2026, 5, 4)

    at.session_state["upload_jobs"] = []  # wait for the update's own job below
    upload(at, "socialudvalget.txt", AGENDA.encode(), title="Socialudvalget", on=date(2026, 6, 1))
    next(b for b in at.button if b.label == "Ja, opdatér dokumentet").click().run()
    wait_for_upload(at)
    assert recorded(own_store)[doc_id].date == date(2026, 6, 1)
    assert live(own_store) != build


def test_remove_an_upload_and_its_answers(own_store):
    at = start(UPLOAD_PAGE)
    upload(at, "socialudvalget.txt", AGENDA.encode(), title="Socialudvalget 4.5.2026", on=date(2026, 5, 4))
    wait_for_upload(at)
    (doc_id, _), = recorded(own_store).items()
    at.switch_page(ASK_PAGE).run()
    ask(at, f"Hvornår åbner {UNIQUE}?")
    assert any("Socialudvalget 4.5.2026" in label for label in citation_labels(at))

    at.switch_page(UPLOAD_PAGE).run()
    at.button(key=f"remove_{doc_id}").click().run()
    assert any("Fjern «Socialudvalget 4.5.2026» fra indekset?" in plain(w.value) for w in at.warning)
    at.button(key=f"remove_yes_{doc_id}").click().run()
    assert not at.exception, at.exception
    assert any("er fjernet" in plain(m.value) for m in at.success)
    assert doc_id not in recorded(own_store)

    at.switch_page(ASK_PAGE).run()
    ask(at, f"Hvornår åbner {UNIQUE}?")
    assert not any("Socialudvalget 4.5.2026" in label for label in citation_labels(at))


def test_replace_an_upload(own_store):
    at = start(UPLOAD_PAGE)
    upload(at, "socialudvalget.txt", AGENDA.encode(), title="Første udgave", on=date(2026, 5, 4))
    wait_for_upload(at)
    (old_id, _), = recorded(own_store).items()
    at.selectbox(key="upload_replaces").set_value(old_id)
    at.session_state["upload_jobs"] = []
    upload(at, "socialudvalget-v2.txt", AGENDA.replace("otte", "ti").encode(), title="Anden udgave",
           on=date(2026, 5, 4))
    wait_for_upload(at)
    assert any("i stedet for «Første udgave»" in plain(m.value) for m in at.success), [m.value for m in at.success]
    assert [e.title for e in recorded(own_store).values()] == ["Anden udgave"]
