"""Shared fixtures for the rules tests: the cleaned corpus text, keyed by doc id."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def corpus_texts() -> dict[str, str]:
    from rules.loader import corpus_texts as load

    return load(CORPUS)
