"""Fuzz tests (issue 14): no input hangs, crashes or empties the index. Bounded: well under 3 minutes in CI.

Property tests run a fixed number of derandomized Hypothesis examples (the same inputs on every run); each call
must finish within a time limit (SIGALRM stops a pattern that backtracks, so a hang fails instead of stalling CI).
The malformed-file table ingests each kind of bad file through the real `assistant ingest` into one store and
checks after each that the previous documents are still there and answering. `python -m bench.fuzz` runs the
long version.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.fuzz import MALFORMED_FILES, QUESTION_SEEDS, allowed_error, make_malformed_file, within

pytestmark = pytest.mark.fuzz
ROOT = Path(__file__).resolve().parent.parent

FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


# Inputs a hostile or clumsy user types: any Unicode (surrogates and control characters included), long digit
# runs, full-text-search and regex syntax, dates at and beyond the limits, mixed into real questions.
any_char = st.characters(codec=None, categories=None)
junk = st.one_of(
    st.text(any_char, max_size=200),
    st.integers(1, 4000).map(lambda n: "9" * n),
    st.integers(1, 400).map(lambda n: "1." * n),
    st.lists(st.sampled_from(['"', "*", "NEAR(", " OR ", " AND ", "(", ")", "^", "[", "]", "\\", "{2,}", "|",
                              "?", "+", ":", "-", "−", "§", "%", "'", "\x00", "\u2028", "\U0001F600"]),
             max_size=60).map("".join),
    st.sampled_from(["31.12.9999", "0001-01-01", "9999-12-31", "30. februar 2026", "1. januar 1899",
                     "2199-12-31", "1900-01-01", "29/2-2100", "32.13.2026", "§108", "covid19", "A4", "+-7"]),
)
question = st.builds(lambda seed, extra, at: seed[:at] + extra + seed[at:], st.sampled_from(QUESTION_SEEDS), junk,
                     st.integers(0, 200))


@FUZZ
@given(text=st.one_of(junk, question))
def test_slot_parsers_finish_and_raise_only_documented_errors(text):
    from assistant.slots import extract_dates, extract_places

    with within(2.0):
        extract_places(text)
    try:
        with within(2.0):
            extract_dates(text)
    except ValueError as exc:
        assert allowed_error(exc), f"{exc.__class__.__name__}: {exc}"


@pytest.fixture(scope="module")
def warm_assistant(seed_assistant):
    """The seed assistant with its embedding model loaded, so the time limit measures the question alone."""
    seed_assistant.ask("Hvad står der om herberger?", as_of=date(2026, 3, 1))
    return seed_assistant


@FUZZ
@given(text=question, as_of=st.one_of(st.sampled_from([date(1900, 1, 1), date(2199, 12, 31)]),
                                       st.dates(date(1900, 1, 1), date(2199, 12, 31))))
def test_ask_finishes_with_an_answer_or_a_documented_refusal(warm_assistant, text, as_of):
    try:
        with within(5.0):
            answer = warm_assistant.ask(text, as_of=as_of)
    except ValueError as exc:
        assert allowed_error(exc), f"{exc.__class__.__name__}: {exc}"
        return
    assert isinstance(answer.answer, str) and answer.answer.strip()


# --- malformed files ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fuzz_store(seed_store, tmp_path_factory):
    import shutil

    store = tmp_path_factory.mktemp("fuzz") / "store"
    shutil.copytree(seed_store, store)
    return store


@pytest.mark.parametrize("kind", list(MALFORMED_FILES))
def test_malformed_file_gives_one_line_and_keeps_the_index(fuzz_store, tmp_path, kind):
    from assistant.api import Assistant
    from assistant.config import load_settings
    from ingest.index import read_current

    before = set(read_current(fuzz_store)["documents"])
    path = make_malformed_file(kind, tmp_path)
    started = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(path), "--store", str(fuzz_store),
                          "--quiet", "--date", "2026-01-15"], capture_output=True, text=True, timeout=90,
                         cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    seconds = time.monotonic() - started
    expect_indexed = MALFORMED_FILES[kind]
    assert "Traceback" not in out.stderr + out.stdout
    assert seconds < 60, f"{kind}: {seconds:.0f} s"
    lines = [ln for ln in out.stderr.splitlines() if ln.startswith(("failed:", "added", "error:"))]
    assert len(lines) == 1, out.stderr
    if expect_indexed:
        assert out.returncode == 0 and lines[0].startswith("added"), out.stderr
    else:
        assert out.returncode in (1, 2) and lines[0].startswith(("failed:", "error:")), out.stderr
    after = set(read_current(fuzz_store)["documents"])
    assert before <= after and len(after) == len(before) + expect_indexed
    assistant = Assistant(load_settings(store_dir=fuzz_store).with_(llm_provider="none"))
    answer = assistant.ask("Hvad står der om herberger?", as_of=date(2026, 3, 1))
    assert answer.citations, "the previous index no longer answers"
    assert not re.search(r"root:|\x00", " ".join(c.quote for c in answer.citations))
