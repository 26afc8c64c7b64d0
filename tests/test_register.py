"""The decision register on the two seed agendas (real files, real cleaning, real SQLite) and a synthetic minutes text."""
from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from assistant.register import decisions_tool, search_decisions
from ingest.clean import clean_text
from ingest.manifest import DocumentEntry, document_path, load_manifest
from ingest.register import build_register, dates_mentioned, extract_items, register_counts

MANIFEST = Path(__file__).resolve().parent.parent / "corpus" / "manifest.yaml"


@pytest.fixture(scope="module")
def items():
    out = {}
    for entry in load_manifest(MANIFEST):
        raw = document_path(MANIFEST, entry).read_text(encoding="utf-8")
        out[entry.id] = extract_items(entry, clean_text(raw))
    return out


@pytest.fixture(scope="module")
def db(items, tmp_path_factory):
    return build_register(tmp_path_factory.mktemp("register") / "register.db", [i for v in items.values() for i in v])


def _item(items, doc_id, item_no):
    return next(i for i in items[doc_id] if i.item_no == item_no)


def test_only_agendas_and_minutes_have_items(items):
    assert items["org-2023"] == [] and items["rammeaftale-2021-22"] == []


def test_closure_of_kollegiet_is_a_proposed_decision(items):
    it = _item(items, "dassos-2026-02-27", "1.8")
    assert it.title == "Godkendelse af lukning af botilbuddet Kollegiet (Syddjurs Kommune)"
    assert it.agenda_section == "Beslutningspunkter"
    assert it.item_type == "decision"
    assert it.recommendations == [{"verb": "godkender", "text": "Godkender lukningen af botilbuddet Kollegiet"}]
    assert it.presenter == "Ulrik Johansen, direktør Favrskov Kommune"
    assert it.municipalities == ["Syddjurs Kommune"]  # the presenter's Favrskov is not what the item is about
    assert "Kollegiet" in it.offers
    assert it.status == "proposal" and it.decision_text is None
    assert it.dates == ["2025-05-21"]  # "Byrådet i Syddjurs Kommune har på mødet den 21. maj 2025 besluttet"
    assert "reducerer derfor Syddjurs Kommunes samlede kapacitet" in it.text


def test_viso_item_of_2022_is_a_discussion_with_socialstyrelsen(items):
    it = _item(items, "dassos-2022-05-05", "1.1")
    assert it.agenda_section == "Beslutningspunkter"
    assert it.item_type == "discussion"
    assert [r["verb"] for r in it.recommendations] == ["drøfter"]
    assert it.recommendations[0]["text"].startswith("Drøfter de af Socialstyrelsen præsenterede udviklingsspor")
    assert it.recommendations[0]["text"].endswith("på det specialiserede socialområde")
    assert it.presenter.startswith("Fra Socialstyrelsen deltager vicedirektør Niels Arendt Nielsen")
    assert it.attachments == ["Bilag 1 - Danmarkskort", "Bilag 2 - Oversigt over rådgivningsforløb i midtjyske kommuner"]


def test_counts_of_the_2026_agenda(items):
    agenda = items["dassos-2026-02-27"]
    by_section = {s: [i.item_no for i in agenda if i.agenda_section == s] for s in dict.fromkeys(i.agenda_section for i in agenda)}
    # Under "1. Beslutningspunkter" 8 items, under "2. Orienteringspunkter" 4, under "3. Punkter til kommende møder" 4.
    assert by_section == {
        "Beslutningspunkter": ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8"],
        "Orienteringspunkter": ["2.1", "2.2", "2.3", "2.4"],
        "Punkter til kommende møder": ["3.1", "3.2", "3.3", "3.4"],
    }
    # By what the Indstilling asks: 1.1-1.3 only "Orienteres", 1.5-1.6 only "Drøfter".
    by_type = {t: [i.item_no for i in agenda if i.item_type == t] for t in ("decision", "discussion", "orientation")}
    assert by_type == {
        "decision": ["1.4", "1.7", "1.8"],
        "discussion": ["1.5", "1.6"],
        "orientation": ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4"],
    }
    counts = register_counts(agenda)["dassos-2026-02-27"]
    assert counts["items"] == 16
    assert counts["item_type"] == {"orientation": 7, "decision": 3, "discussion": 2, "next_meetings": 4}


def test_counts_of_the_2022_agenda(items):
    counts = register_counts(items["dassos-2022-05-05"])["dassos-2022-05-05"]
    assert counts["agenda_section"] == {"Beslutningspunkter": 5, "Orienteringspunkter": 2, "Punkter til kommende møder": 2}
    assert counts["item_type"] == {"discussion": 2, "decision": 3, "orientation": 2, "next_meetings": 2}
    assert [i.item_no for i in items["dassos-2022-05-05"]][-3:] == ["2.2", "3.1", "3.2"]  # "2.1." and "1.5." lose the dot


def test_recommendation_verbs_are_lemmas(items):
    verbs = Counter(r["verb"] for v in items.values() for i in v for r in i.recommendations)
    assert set(verbs) <= {"godkender", "drøfter", "orienteres", "beslutter", "nedsætter", "tager til efterretning"}
    assert _item(items, "dassos-2026-02-27", "3.1").recommendations[0]["verb"] == "tager til efterretning"
    assert _item(items, "dassos-2022-05-05", "1.3").recommendations[1]["verb"] == "nedsætter"


def test_danish_dates():
    meeting = date(2026, 2, 27)
    assert dates_mentioned("den 30. januar 2026 og senest den 1. maj 2026", meeting) == ["2026-01-30", "2026-05-01"]
    assert dates_mentioned("den 4. november 2025", meeting) == ["2025-11-04"]
    # A yearless date after the meeting plan's reach is last year's: the dialogue meeting of December 2025.
    assert dates_mentioned("dialogmødet den 5/12", meeting) == ["2025-12-05"]
    assert dates_mentioned("pkt. 1.2 og 1.8", meeting) == []


def test_dates_of_items(items):
    assert _item(items, "dassos-2026-02-27", "1.1").dates == ["2026-01-30"]
    assert _item(items, "dassos-2026-02-27", "1.3").dates == ["2025-12-05"]
    assert {"2026-05-18", "2026-05-01"} <= set(_item(items, "dassos-2026-02-27", "3.1").dates)


def test_search_finds_the_closure_of_kollegiet(db):
    hits = search_decisions(db, query="lukning Kollegiet")
    assert hits[0]["item_no"] == "1.8"
    cit = hits[0]["citation"]
    assert cit == {
        "doc_id": "dassos-2026-02-27",
        "title": "DASSOS dagsorden 27.2.2026",
        "date": "2026-02-27",
        "section": "1.8 Godkendelse af lukning af botilbuddet Kollegiet (Syddjurs Kommune)",
        "quote": "Godkender lukningen af botilbuddet Kollegiet",
    }
    assert cit["quote"] in hits[0]["text"]


def test_every_quote_is_verbatim_in_the_cleaned_document(db):
    cleaned = {e.id: clean_text(document_path(MANIFEST, e).read_text(encoding="utf-8")) for e in load_manifest(MANIFEST)}
    hits = search_decisions(db, limit=100)
    assert len(hits) == 25
    for hit in hits:
        assert hit["citation"]["quote"] in hit["text"]
        assert hit["text"] in cleaned[hit["doc_id"]]


def test_filters(db):
    recent = search_decisions(db, since="2026-01-01")
    assert recent and all(h["meeting_date"] >= "2026-01-01" for h in recent)
    assert [h["item_no"] for h in recent][:3] == ["1.1", "1.2", "1.3"]
    assert {h["doc_id"] for h in search_decisions(db, until=date(2022, 12, 31))} == {"dassos-2022-05-05"}
    decisions = search_decisions(db, item_type="decision", body="dassos")
    assert [(h["meeting_date"], h["item_no"]) for h in decisions] == [
        ("2026-02-27", "1.4"), ("2026-02-27", "1.7"), ("2026-02-27", "1.8"),
        ("2022-05-05", "1.2"), ("2022-05-05", "1.3"), ("2022-05-05", "1.4"),
    ]
    assert [h["item_no"] for h in search_decisions(db, verb="Godkender", since="2026-01-01")] == ["1.4", "1.8"]
    assert search_decisions(db, query="Socialstyrelsen", until="2022-12-31")[0]["item_no"] == "1.1"


def test_bad_filters_are_one_clear_sentence(db, tmp_path):
    with pytest.raises(ValueError, match="accepted values are: decision, orientation"):
        search_decisions(db, item_type="vedtaget")
    with pytest.raises(ValueError, match="accepted values are: godkender"):
        search_decisions(db, verb="accepts")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        search_decisions(db, since="27.2.2026")
    with pytest.raises(FileNotFoundError, match="python -m ingest.register"):
        search_decisions(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()


MINUTES = """1. Beslutningspunkter

1.1 Godkendelse af lukning af botilbuddet Kollegiet (Syddjurs Kommune)

Ved Ulrik Johansen, direktør Favrskov Kommune

Indstilling
At DASSOS:

• Godkender lukningen af botilbuddet Kollegiet

Sagsfremstilling
Syddjurs Kommune lukker tilbuddet.

Beslutning
DASSOS godkendte lukningen af botilbuddet Kollegiet.

1.2 Drøftelse af takster

Indstilling
At DASSOS:

• Drøfter takstudviklingen

2. Orienteringspunkter

2.1 Orientering fra Takstgruppen

Indstilling
At DASSOS:

• Tager orienteringen til efterretning

Beslutning: Orienteringen blev taget til efterretning.
"""


def _entry(kind: str) -> DocumentEntry:
    return DocumentEntry(id=f"dassos-test-{kind}", title=f"DASSOS {kind} 18.5.2026", kind=kind, body="DASSOS",
                         date=date(2026, 5, 18), file="none.txt")


def test_minutes_record_decisions_and_agendas_never_do():
    minutes = {i.item_no: i for i in extract_items(_entry("minutes"), MINUTES)}
    assert minutes["1.1"].status == "decided"
    assert minutes["1.1"].decision_text == "DASSOS godkendte lukningen af botilbuddet Kollegiet."
    assert minutes["1.2"].status == "proposal" and minutes["1.2"].decision_text is None
    assert minutes["2.1"].status == "decided"
    assert minutes["2.1"].decision_text == "Orienteringen blev taget til efterretning."
    agenda = extract_items(_entry("agenda"), MINUTES)
    assert all(i.status == "proposal" and i.decision_text is None for i in agenda)


def test_decided_items_are_searchable(tmp_path):
    db = build_register(tmp_path / "r.db", extract_items(_entry("minutes"), MINUTES))
    hits = search_decisions(db, query="godkendte")
    assert [(h["item_no"], h["status"]) for h in hits] == [("1.1", "decided")]


def test_build_replaces_the_old_register_whole(tmp_path, items):
    db = tmp_path / "r.db"
    build_register(db, items["dassos-2022-05-05"])
    build_register(db, items["dassos-2026-02-27"])
    assert {h["doc_id"] for h in search_decisions(db, limit=100)} == {"dassos-2026-02-27"}
    assert [p.name for p in tmp_path.iterdir()] == ["r.db"]


def test_tool(db):
    pytest.importorskip("langchain_core")
    tool = decisions_tool(db)
    assert tool.name == "find_decisions"
    assert {"query", "since", "item_type", "verb"} <= set(tool.args)
    rows = json.loads(tool.invoke({"query": "lukning Kollegiet", "limit": 1}))
    assert rows[0]["citation"]["section"].startswith("1.8 ")
    assert rows[0]["status"] == "proposal"
    assert tool.invoke({"item_type": "beslutning"}).startswith("Fejl / error: Unknown item_type")


def test_a_decision_line_that_names_its_body_and_day_and_a_piped_proposal_are_read():
    """Committee minutes in another layout (evals/dev_corpus, a municipal committee): "Indstilling | …" and
    "Beslutning i <udvalg> den <dato>: …" are the item's proposal and decision."""
    corpus = Path(__file__).resolve().parents[1] / "evals" / "dev_corpus"
    entry = next(e for e in load_manifest(corpus / "manifest.yaml") if e.kind == "minutes" and "vejle" in e.id)
    items = extract_items(entry, clean_text((corpus / entry.file).read_text(encoding="utf-8")))
    decided = [i for i in items if i.status == "decided"]
    assert len(decided) == 3, [(i.item_no, i.status) for i in items]
    udsat = next(i for i in decided if "ledsageordning" in i.title)
    assert udsat.decision_text.startswith("Sagen blev udsat.") and "22.09.2026" in udsat.decision_text
    assert udsat.recommendations and "indføres pr. 1. oktober 2026" in udsat.recommendations[0]["text"]
