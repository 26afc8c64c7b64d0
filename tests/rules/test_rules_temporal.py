"""Temporal coverage (Catala-style): on every date at most one version applies, and every tool
either answers from exactly that version or says explicitly that it does not know."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest

import rules
from rules.loader import dataset
from rules.schema import Dated

START, END = date(2017, 1, 1), date(2028, 12, 31)


def _groups() -> dict[str, list]:
    """Every dated collection, split so that entries in one group must never overlap."""
    groups: dict[str, list] = defaultdict(list)
    groups["capacity_adjustment"] = list(dataset("capacity_adjustment").versions)
    groups["framework rules"] = list(dataset("framework_agreements").rules)
    groups["framework agreements"] = list(dataset("framework_agreements").agreements)
    groups["tariff versions"] = list(dataset("tariff_agreements").versions)
    for b in dataset("bodies").bodies:
        groups[f"body {b.id}"] = list(b.versions)
        groups[f"body remarks {b.id}"] = list(b.remarks)
    for c in dataset("chairs").chairs:
        groups[f"chairs {c.body}"].append(c)
    for r in dataset("chairs").remarks:
        groups[f"chair remarks {r.body}"].append(r)
    return groups


def _boundaries() -> set[date]:
    days: set[date] = set()
    for entries in _groups().values():
        for e in entries:
            for d in (e.valid_from, e.valid_to):
                if d:
                    days.update({d - timedelta(days=1), d, d + timedelta(days=1)})
    for cal in dataset("meetings").calendars:
        for d in (cal.covers_from, *(m.date for m in cal.meetings)):
            days.update({d - timedelta(days=1), d, d + timedelta(days=1)})
    return days


def _sweep() -> list[date]:
    days = {START + timedelta(days=i) for i in range(0, (END - START).days + 1, 7)}
    days |= {d for d in _boundaries() if START <= d <= END}
    days |= {date(2020, 2, 29), date(2024, 2, 29), date(2028, 2, 29), END}
    return sorted(days)


DAYS = _sweep()


def test_sweep_covers_every_boundary():
    assert len(DAYS) > 626
    assert date(2022, 12, 31) in DAYS and date(2023, 1, 1) in DAYS and date(2017, 3, 1) in DAYS


@pytest.mark.parametrize("group", sorted(_groups()))
def test_no_two_versions_on_any_day(group):
    entries: list[Dated] = _groups()[group]
    for day in DAYS:
        hits = [e for e in entries if e.applies(day)]
        assert len(hits) <= 1, f"{group}: {len(hits)} versions apply on {day}"


def test_no_two_calendars_answer_the_same_day():
    by_body = defaultdict(list)
    for cal in dataset("meetings").calendars:
        by_body[cal.body].append(cal)
    for body, cals in by_body.items():
        for day in DAYS:
            assert sum(c.covers(day) for c in cals) <= 1, f"{body}: two calendars on {day}"


def _check(result, day: date, period=("valid_from", "valid_to")):
    """A known answer comes from one version whose period contains the day; otherwise it says unknown."""
    r = result.to_dict()
    if r["known"]:
        assert r["version"] != "unknown"
        assert r["citations"]
        start, end = (r[period[0]], r[period[1]]) if period[0] in r else (r["fields"][period[0]], r["fields"][period[1]])
        assert start is None or date.fromisoformat(start) <= day
        assert end is None or day <= date.fromisoformat(end)
    else:
        assert r["answer_en"] and r["answer_da"]
        assert any(w in r["answer_en"] for w in ("do not", "does not", "not described", "know no", "not known", "no chair"))
    return r


def test_capacity_and_hearing_over_time():
    versions = dataset("capacity_adjustment").versions
    for day in DAYS:
        expected = [v.version for v in versions if v.applies(day)]
        for kwargs in ({"change": -7}, {"change": 11}, {"offer_size": 1, "whole_offer_closes": True}):
            r = _check(rules.capacity_adjustment(on=day, **kwargs), day)
            assert ([r["version"]] if r["known"] else []) == expected
        r = _check(rules.hearing_deadline(day), day)
        assert ([r["version"]] if r["known"] else []) == expected
        if r["known"]:
            assert date.fromisoformat(r["fields"]["deadline"]) - day == timedelta(days=14)


@pytest.mark.parametrize("body", rules.known_bodies())
def test_bodies_and_chairs_over_time(body):
    for day in DAYS:
        _check(rules.body_facts(body, day), day)
        r = _check(rules.who_chairs(body, day), day)
        if r["known"]:
            assert r["fields"]["chair"]


@pytest.mark.parametrize("body", ["DASSOS", "KOSU", "KD-net", "KKR", "Takstgruppen"])
def test_calendar_over_time(body):
    for day in DAYS:
        r = _check(rules.meeting_calendar(body, after=day), day)
        if r["known"]:
            assert date.fromisoformat(r["fields"]["next_meeting"]) > day


def test_agreements_over_time():
    for day in DAYS:
        r = _check(rules.framework_period(day), day)
        if r["known"]:
            assert r["fields"]["period_from"] <= day.isoformat() <= r["fields"]["period_to"]
        else:
            assert day < date(2019, 1, 1)
        t = rules.tariff_agreement(day).to_dict()
        assert t["known"] == (date(2019, 1, 1) <= day <= date(2022, 12, 31))
