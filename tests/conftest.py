"""Shared fixtures: the real seed corpus indexed once per test session with the real embedding model."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory) -> Path:
    """A store holding the five seed documents (built once; treat as read-only)."""
    from ingest.index import build_index

    store = tmp_path_factory.mktemp("seed-store")
    cache = ROOT / ".store" / "embeddings.sqlite"
    if cache.exists():  # reuse vectors a developer already computed; a fresh clone computes them
        import sqlite3

        with sqlite3.connect(cache) as src, sqlite3.connect(store / "embeddings.sqlite") as dst:
            src.backup(dst)  # a consistent copy even while an ingest writes to it
    report = build_index(CORPUS, store, "e5-small")
    assert not report.failed, report.failed
    return store


@pytest.fixture
def store_copy(seed_store, tmp_path) -> Path:
    """A private copy of the seed store, for tests that change it."""
    dst = tmp_path / "store"
    shutil.copytree(seed_store, dst)
    return dst


@pytest.fixture
def own_store(store_copy, monkeypatch) -> Path:
    """A private copy of the seed store that the app uses (it reads ASSISTANT_STORE when it loads its settings)."""
    monkeypatch.setenv("ASSISTANT_STORE", str(store_copy))
    return store_copy


def committee_agenda(offer: str, places: str, opens: str) -> str:
    """A municipal committee's agenda in its own layout ("Punkt N", no "Beslutningspunkter" heading), three items,
    the second about a new offer with a word no seed document uses, so an answer citing it can only come from it."""
    return f"""Socialudvalget
Dagsorden

Punkt 1 Godkendelse af dagsorden
Dagsordenen forelægges til godkendelse.

Punkt 2 Etablering af {offer}
Forvaltningen foreslår at etablere {offer}, et botilbud for unge voksne med autisme.
{offer} åbner den {opens} og har {places} pladser.

Punkt 3 Orientering om ventelister
Forvaltningen orienterer om ventelisterne til botilbud.
"""


@pytest.fixture(scope="session")
def seed_settings(seed_store):
    from assistant.config import load_settings

    return load_settings(store_dir=seed_store, corpus_dir=CORPUS)


@pytest.fixture(scope="session")
def seed_assistant(seed_settings):
    from assistant.api import Assistant

    return Assistant(seed_settings.with_(llm_provider="none"))
