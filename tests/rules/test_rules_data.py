"""The rule data: strict schema, exact quotes, and values that agree with their quotes."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rules.loader import (CACHE_ENV, FILES, RuleDataError, cached_parse, dataset, iter_sources, parse_file,
                          verify_sources)
from rules.schema import CapacityFile, ChairsFile

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
DATA = Path(__file__).resolve().parents[2] / "rules" / "data"


@pytest.mark.parametrize("name", sorted(FILES))
def test_data_file_loads(name):
    assert dataset(name) is not None


def test_every_quote_is_in_its_cleaned_document():
    assert verify_sources(CORPUS) == []


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_file_has_sources(name):
    if name == "scope":  # the deployment profile names, it does not quote
        return
    assert list(iter_sources(dataset(name)))


def test_capacity_numbers_agree_with_their_quotes():
    for v in dataset("capacity_adjustment").versions:
        assert f"{v.threshold} pladser" in v.sources.approval.quote
        assert f"{v.hearing_days} dages" in v.sources.approval.quote
        assert f"plus/minus {v.threshold}" in v.sources.threshold.quote
        for approver in v.approvers:
            assert approver[:14].lower() in v.sources.approval.quote.lower()
        assert v.secretariat_da.lower() in v.sources.secretariat.quote.lower()


def test_precedent_numbers_agree_with_their_quotes():
    for p in dataset("capacity_adjustment").precedents:
        quotes = " ".join(s.quote for s in p.source)
        assert f"{p.places_total} pladser" in quotes


def test_agreements_follow_the_two_year_cycle():
    for a in dataset("framework_agreements").agreements:
        assert a.valid_from == date(a.valid_from.year, 1, 1) and a.valid_from.year % 2 == 1
        assert a.valid_to == date(a.valid_from.year + 1, 12, 31)
        assert a.prepared_year == a.valid_from.year - 1
        assert str(a.valid_from.year) in a.name


def test_references_between_files_name_known_bodies():
    ids = {b.id for b in dataset("bodies").bodies}
    chairs = dataset("chairs")
    assert {c.body for c in chairs.chairs} <= ids
    assert {r.body for r in chairs.remarks} <= ids
    assert {c.body for c in dataset("meetings").calendars} <= ids


def test_aliases_do_not_point_at_two_bodies():
    from rules.bodies import _norm

    seen: dict[str, str] = {}
    for b in dataset("bodies").bodies:
        for alias in {_norm(a) for a in (b.id, b.name, *b.aliases)}:
            assert seen.setdefault(alias, b.id) == b.id, f"alias {alias} used by {seen[alias]} and {b.id}"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    return path


_CHAIRS_OK = """
description: test
chairs:
  - body: dassos
    chair: X
    role_da: formand
    role_en: chair
    valid_from: 2026-01-01
    period_da: p
    period_en: p
    sources:
      - {doc: org-2023, section: s, quote: "DASSOS formand udpeges af KD-net"}
"""


def test_schema_accepts_a_good_file(tmp_path):
    assert parse_file(_write(tmp_path, _CHAIRS_OK), ChairsFile).chairs[0].chair == "X"


def test_unknown_key_is_an_error_naming_file_and_entry(tmp_path):
    path = _write(tmp_path, _CHAIRS_OK.replace("    chair: X\n", "    chair: X\n    chiar: Y\n"))
    with pytest.raises(RuleDataError) as exc:
        parse_file(path, ChairsFile)
    message = str(exc.value)
    assert "bad.yaml" in message and "chairs[0] (dassos)" in message and "chiar" in message
    assert "unknown key" in message


def test_missing_source_is_an_error_naming_file_and_entry(tmp_path):
    text = _CHAIRS_OK.split("    sources:")[0]
    with pytest.raises(RuleDataError) as exc:
        parse_file(_write(tmp_path, text), ChairsFile)
    message = str(exc.value)
    assert "bad.yaml" in message and "chairs[0] (dassos)" in message and "missing source" in message


def test_empty_quote_and_reversed_dates_are_errors(tmp_path):
    text = _CHAIRS_OK.replace('quote: "DASSOS formand udpeges af KD-net"', 'quote: ""')
    with pytest.raises(RuleDataError, match="quote"):
        parse_file(_write(tmp_path, text), ChairsFile)
    text = _CHAIRS_OK.replace("valid_from: 2026-01-01", "valid_from: 2026-01-01\n    valid_to: 2025-01-01")
    with pytest.raises(RuleDataError, match="valid_to"):
        parse_file(_write(tmp_path, text), ChairsFile)


def test_capacity_version_without_a_required_source_is_an_error(tmp_path):
    text = (DATA / "capacity_adjustment.yaml").read_text(encoding="utf-8")
    text = text.replace("      no_approval:\n        doc: org-2019", "      no_approvall:\n        doc: org-2019", 1)
    with pytest.raises(RuleDataError) as exc:
        parse_file(_write(tmp_path, text), CapacityFile)
    assert "versions[0] (org-2019)" in str(exc.value) and "no_approval" in str(exc.value)


def test_unknown_doc_id_and_changed_quote_are_reported(tmp_path):
    text = _CHAIRS_OK + """  - body: kkr
    chair: Y
    role_da: formand
    role_en: chair
    valid_from: 2021-01-01
    period_da: p
    period_en: p
    sources:
      - {doc: no-such-doc, section: s, quote: "Torben Hansen Steen Vindum"}
      - {doc: org-2023, section: s, quote: "DASSOS formand udpeges af KKR"}
"""
    problems = verify_sources(CORPUS, {"chairs": parse_file(_write(tmp_path, text), ChairsFile)})
    assert len(problems) == 2
    assert "unknown doc id 'no-such-doc'" in problems[0]
    assert "quote not in org-2023" in problems[1]


def _parse_chairs(calls: list):
    def parse(path: Path):
        calls.append(path)
        return parse_file(path, ChairsFile)
    return parse


def test_parsed_rule_file_is_read_back_from_the_cache_until_the_file_changes(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(cache))
    path, calls = _write(tmp_path, _CHAIRS_OK), []
    first = cached_parse(path, _parse_chairs(calls))
    second = cached_parse(path, _parse_chairs(calls))
    assert len(calls) == 1 and second == first and second is not first  # the second came from the pickle
    assert len(list(cache.glob("bad-*.pickle"))) == 1

    path.write_text(_CHAIRS_OK.replace("chair: X", "chair: Z"), encoding="utf-8")
    changed = cached_parse(path, _parse_chairs(calls))
    assert len(calls) == 2 and changed.chairs[0].chair == "Z"
    assert len(list(cache.glob("bad-*.pickle"))) == 1  # the pickle of the old bytes is removed


def test_a_corrupt_cache_is_parsed_over_and_a_bad_file_is_never_cached(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(cache))
    path, calls = _write(tmp_path, _CHAIRS_OK), []
    cached_parse(path, _parse_chairs(calls))
    (pickled,) = cache.glob("bad-*.pickle")
    pickled.write_bytes(b"not a pickle")
    assert cached_parse(path, _parse_chairs(calls)).chairs[0].chair == "X" and len(calls) == 2

    path.write_text(_CHAIRS_OK.replace("    chair: X\n", "    chair: X\n    chiar: Y\n"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(RuleDataError, match="unknown key"):
            cached_parse(path, _parse_chairs(calls))
    assert len(calls) == 4


def test_the_cache_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    calls: list = []
    for _ in range(2):
        cached_parse(_write(tmp_path, _CHAIRS_OK), _parse_chairs(calls))
    assert len(calls) == 2 and not (tmp_path / "xdg").exists()
