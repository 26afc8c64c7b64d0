"""Knowledge in data: no region, body, alias or municipality name in the Python of the product."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.names import find_body, find_other_region, scope_names

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = [*sorted((ROOT / "assistant").rglob("*.py")), *sorted((ROOT / "ingest").rglob("*.py")),
           *sorted((ROOT / "rules").rglob("*.py")), ROOT / "app.py"]
# Words that are names in the data but also ordinary words in code and prose (Danish "ku", English "Capital").
_TOO_COMMON = 4
# Aliases that are also plain Danish nouns, used as cue words in code ("sekretariat", "dobbeltdiagnose").
_PLAIN_WORDS = {"sekretariat", "sekretariatet", "dobbeltdiagnose", "cirklen"}


def _names() -> list[str]:
    names = {n for group in scope_names().values() for n in group}
    return sorted(n for n in names if len(n) >= _TOO_COMMON and n.casefold() not in _PLAIN_WORDS)


def test_the_data_has_names_to_check():
    names = _names()
    assert len(names) > 60 and "Region Midtjylland" in names


@pytest.mark.parametrize("path", PRODUCT, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_domain_name_in_python(path):
    text = path.read_text(encoding="utf-8")
    found = [n for n in _names() if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text, re.I)]
    assert not found, f"{path.relative_to(ROOT)} names {found[:5]}: read them from rules/data/*.yaml"


@pytest.mark.parametrize("text,body", [
    ("Hvem er formand for takstgrupen?", "Takstgruppen"),  # a typo
    ("Takstgruppens formand", "Takstgruppen"),  # genitive
    ("Hvornår er næste DASSOS-møde?", "DASSOS"),  # compound with a hyphen
    ("who chairs the KD net", "KD-net"),
    ("Hvad er temaet for KKR-konferencen?", "KKR Midtjylland"),
    ("Hvad står der om botilbuddet Kollegiet?", None),
])
def test_bodies_are_found_by_the_data_aliases(text, body):
    assert find_body(text) == body


def test_other_regions_come_from_the_data():
    assert find_other_region("Hvad gør man i Region Nordjylland?") == "Region Nordjylland"
    assert find_other_region("What about Southern Denmark?") == "Region Syddanmark"
    assert find_other_region("Hvad siger rammeaftalen for Midtjylland?") is None


def test_every_rule_version_has_a_source_name_so_no_answer_shows_an_id():
    """Answers name the document a rule version comes from ("organisationsnotatet fra 2023"), never its id."""
    from datetime import date

    from rules import body_facts, capacity_adjustment
    from rules.loader import dataset
    from rules.scope import scope

    versions = {v.version for v in dataset("capacity_adjustment").versions}
    versions |= {v.version for b in dataset("bodies").bodies for v in b.versions}
    named = {key for key, _, _ in scope().source_names}
    assert versions and versions <= named, f"rules/data/scope.yaml source_names lacks {sorted(versions - named)}"
    for on in (date(2020, 6, 1), date(2026, 6, 1)):
        for result in (capacity_adjustment(change=-7, on=on), body_facts("DASSOS", on=on)):
            text = result.answer_da + " " + result.answer_en
            assert result.known and not any(v in text for v in versions), text
            assert "organisationsnotatet fra 20" in result.answer_da and "organisation note" in result.answer_en
