"""The charts of "Sager og beslutninger", built from real registers: the seed index and the 10x synthetic corpus of
bench/synth.py (real cleaning, extraction and SQLite; no embedding needed for the register)."""
from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest

from assistant.register import search_decisions
from assistant.ui.charts import capacity_chart, capacity_points, capacity_totals, meeting_counts, meetings_chart
from assistant.ui.text import ITEM_TYPE_LABELS
from ingest.register import build_register, extract_from_manifest
from rules.scope import scope


@pytest.fixture(scope="module")
def seed_register(seed_store):
    from ingest.index import read_current

    return seed_store / "builds" / read_current(seed_store)["build_id"] / "register.sqlite"


@pytest.fixture(scope="module")
def synth_register(tmp_path_factory):
    from bench.synth import build_corpus

    folder = tmp_path_factory.mktemp("synth")
    build_corpus(folder / "corpus-10x", 10)
    items = extract_from_manifest(folder / "corpus-10x" / "manifest.yaml")
    return build_register(folder / "register.sqlite", items), items


def test_seed_items_per_meeting_by_type(seed_register):
    rows = search_decisions(seed_register, limit=10_000)
    counts = meeting_counts(rows)
    assert sorted({c["Mødedato"] for c in counts}) == ["2022-05-05", "2026-02-27"]  # the seeds' two meetings
    per_type = {(c["Mødedato"], c["Punkttype"]): c["Punkter"] for c in counts}
    # 2026-02-27: 1.4, 1.7, 1.8 are decisions; 1.1-1.3 and 2.1-2.4 orientations (tests/test_register.py).
    assert per_type[("2026-02-27", ITEM_TYPE_LABELS["decision"])] == 3
    assert per_type[("2026-02-27", ITEM_TYPE_LABELS["orientation"])] == 7
    assert sum(c["Punkter"] for c in counts) == len(rows)
    spec = meetings_chart(counts).to_dict()
    assert spec["mark"]["type"] == "bar" and len(spec["data"]["values"]) == len(counts)


def test_seed_capacity_change_is_the_closure_of_seven_places(seed_register):
    points = capacity_points(search_decisions(seed_register, limit=10_000))
    assert [(p["Mødedato"], p["Kommune"], p["Pladser"]) for p in points] == [
        ("2026-02-27", f"{scope().municipalities[16]} Kommune", -7)]
    assert "i alt syv pladser" in points[0]["Citat"] and points[0]["Punkt"].startswith("pkt. 1.8")
    assert capacity_chart(points).to_dict()["layer"][1]["mark"]["type"] == "circle"


def test_charts_follow_the_filters(seed_register):
    only_2022 = search_decisions(seed_register, until=date(2023, 1, 1).isoformat(), limit=10_000)
    assert {c["Mødedato"] for c in meeting_counts(only_2022)} == {"2022-05-05"}
    assert capacity_points(only_2022) == []  # the page shows its empty state
    decisions = search_decisions(seed_register, item_type="decision", limit=10_000)
    assert {c["Punkttype"] for c in meeting_counts(decisions)} == {ITEM_TYPE_LABELS["decision"]}
    assert meeting_counts([]) == [] and capacity_points([]) == []


def test_synthetic_10x_register(synth_register):
    db, items = synth_register
    rows = search_decisions(db, limit=100_000)
    assert len(rows) == len(items) > 500
    counts = meeting_counts(rows)
    meetings = {(r["meeting_date"], r["body"]) for r in rows}
    assert len({(c["Mødedato"], c["Møde"]) for c in counts}) == len(meetings) > 50
    assert sum(c["Punkter"] for c in counts) == len(rows)
    assert {ITEM_TYPE_LABELS["decision"], ITEM_TYPE_LABELS["orientation"]} <= {c["Punkttype"] for c in counts}

    # Every synthetic capacity item names one change: "<Kommune> ønsker at reducere/udvide tilbuddet med N pladser".
    points = capacity_points(rows)
    municipalities = {f"{m} Kommune" for m in scope().municipalities}
    assert points and all(p["Kommune"] in municipalities and p["Pladser"] for p in points)
    checked = 0
    for r in rows:
        m = re.match(r"Kapacitetsjustering på .+ \((.+ Kommune)\)$", r["title"])
        if not m:
            continue
        said = re.search(r"ønsker at (reducere|udvide) tilbuddet med (\d+) pladser", r["text"])
        if said is None:  # the case text may leave the sentence out; the recommendation names the change too
            continue
        places = int(said.group(2)) * (-1 if said.group(1) == "reducere" else 1)
        assert [(c["municipality"], c["places"]) for c in r["capacity_changes"]] == [(m.group(1), places)], r["text"]
        checked += 1
    assert checked > 20
    # Closures count the places of the closed offer as closed.
    closures = [r for r in rows if r["title"].startswith("Godkendelse af lukning af") and r["capacity_changes"]]
    assert closures and all(c["places"] < 0 for r in closures for c in r["capacity_changes"])
    totals = capacity_totals(points)
    assert sum(t["Pladser i alt"] for t in totals) == sum(p["Pladser"] for p in points)
    by_year = Counter(p["Mødedato"][:4] for p in points)
    assert len(by_year) > 5  # spread over the years the synthetic meetings cover

    # Filters: one body and a period.
    body_rows = search_decisions(db, body="Takstgruppen", since="2020-01-01", until="2022-12-31", limit=100_000)
    assert body_rows and all(c["Møde"].startswith("Takstgruppen") for c in meeting_counts(body_rows))
    assert all("2020-01-01" <= p["Mødedato"] <= "2022-12-31" for p in capacity_points(body_rows))


def test_register_page_shows_both_charts_and_the_empty_state(seed_store, monkeypatch):
    from tests.test_app import REGISTER_PAGE, plain, start

    monkeypatch.setenv("ASSISTANT_STORE", str(seed_store))
    at = start(REGISTER_PAGE)
    charts = at.get("vega_lite_chart")
    assert len(charts) == 2
    assert [s.value for s in at.subheader][:2] == ["Punkter pr. møde", "Pladser åbnet og lukket"]
    at.date_input(key="reg_until").set_value(date(2023, 1, 1)).run()
    assert len(at.get("vega_lite_chart")) == 1
    assert any("Ingen af de viste punkter nævner et antal pladser" in plain(i.value) for i in at.info)
    at.text_input(key="reg_query").set_value("zzzqqq").run()
    assert not at.get("vega_lite_chart")
    assert any("Ingen punkter passer til filtrene" in plain(i.value) for i in at.info)
