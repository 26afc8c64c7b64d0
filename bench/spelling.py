"""The spelling look-up against plain difflib over a store's whole vocabulary: same best match, and ms per word.

    .venv/bin/python -m bench.spelling bench/.work/store-100x     # 300 misspelt index words and 5 real ones
"""
from __future__ import annotations

import difflib
import random
import sys
import time
from pathlib import Path

from assistant import evidence
from ingest.layout import Build, read_current


def main(argv: list[str] | None = None) -> int:
    store = Path((argv or sys.argv[1:] or [".store"])[0])
    keyword = Build(store, read_current(store)).keyword
    vocabulary = sorted(keyword.vocabulary())
    rnd = random.Random(1)
    words = []
    for w in rnd.sample(vocabulary, min(300, len(vocabulary))):
        i = rnd.randrange(len(w))
        words.append(w[:i] + rnd.choice("aeiouxyz") + w[i + 1:])
    words += ["kapacitetsjustering", "herberg", "takstaftale", "formandskab", "ledsagerordning"]

    t0 = time.perf_counter()
    ours = [(evidence._spellings(keyword).closest(w, n=1) or [("", 0.0)])[0] for w in words]
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    plain = []
    for w in words:
        best = difflib.get_close_matches(w, vocabulary, n=1, cutoff=evidence.MIN_CLOSE)
        plain.append((best[0], difflib.SequenceMatcher(None, best[0], w).ratio()) if best else ("", 0.0))
    t_plain = time.perf_counter() - t0
    same = sum(a == b for a, b in zip(ours, plain))
    print(f"{len(vocabulary)} indexed words; {same} of {len(words)} look-ups give difflib's best match; "
          f"{t_plain / len(words) * 1000:.2f} ms a word over the whole vocabulary, {t_ours / len(words) * 1000:.2f} ms ours")
    return 0 if same == len(words) else 1


if __name__ == "__main__":
    raise SystemExit(main())
