"""When the documents are silent: no passage holds the question's rare terms or the kind of fact it asks for."""
from __future__ import annotations

from assistant.spans import Span
from ingest.text import stem

# A passage answers when it holds most of the question's information (idf-weighted content terms) or is
# semantically close; both bars were set on the dev split and are checked on the test and out-of-corpus splits.
# MIN_DENSE is the middle of the dev plateau 0.86-0.87 (`python -m evals.sweep --split dev 0.85 0.86 0.87 0.88`)
# since passages are embedded without their document title, which moved every similarity (it was 0.856).
MIN_DENSE = 0.865
MIN_WEIGHTED_COVERAGE = 0.5
# A question word a passage does not hold may still be what the passage speaks of, in other words (a synonym, an
# inflection the stemmer misses, an English word over a Danish text): it counts as held when the passage is among
# the NEAR_SHARE of the store's passages nearest to that word alone, by the embedding that searches. A share of the
# store, not a similarity: the model's similarities of a single word lie in a narrow band that moves with the word.
NEAR_SHARE = 0.05
# Only a passage that already holds this much of the question in its own words is read for the rest by meaning: a
# question none of whose words a passage holds ("What is the capital of France?") is nearest to its own best
# passages by construction, so each of its words would seem to be meant by them (dev: 3 abstentions lost).
MIN_LITERAL = 0.25


# The shortest part of a compound that counts on its own ("alder" + "grupp" of "aldersgrupp").
COMPOUND_PART = 4


def holds(term: str, words: set[str]) -> bool:
    """A passage's words hold the (stemmed) term, alone, inside a compound, or as the parts of the compound it is."""
    return term in words or (len(term) >= 5 and any(term in w for w in words)) or parts_held(term, words)


def parts_held(term: str, words: set[str]) -> bool:
    """The term is a compound whose head begins a word of the passage and whose tail stands in one: "alderen …
    målgruppen" holds "aldersgruppe". A linking s or e between the two may fall away ("alders-")."""
    n = COMPOUND_PART
    for i in range(n, len(term) - n + 1):
        head, tail = term[:i], term[i:]
        if not any(tail in w for w in words):
            continue
        heads = {head, head[:-1]} if head[-1] in "se" and i > n else {head}
        heads |= {stem(h) for h in heads}  # "alder" is indexed as "ald"
        if any(h in words or (len(h) >= n and any(w.startswith(h) for w in words)) for h in heads):
            return True
    return False


def weighted_coverage(terms: set[str], words: set[str], idf, meant: set[str] = frozenset()) -> float:
    """Share of the question's information (sum of idf of its terms) that a passage holds; `meant`: terms it holds
    by meaning, not by word."""
    total = sum(idf(t) for t in terms)
    if not total:
        return 0.0
    held = sum(idf(t) for t in terms if t in meant or holds(t, words))
    return held / total


def silence(best_dense: float, coverage: float, spans: list[Span], kind: str | None,
            unknown: list[str] = ()) -> str | None:
    """Why the documents do not answer (None when they do)."""
    if not spans:
        return "no passage was found"
    if unknown and coverage < MIN_WEIGHTED_COVERAGE:
        return f"no document about it mentions «{unknown[0]}»"
    if kind in ("money",) and not any(s.carries_answer for s in spans):
        return f"no passage gives the {kind} the question asks for"
    if coverage < MIN_WEIGHTED_COVERAGE and best_dense < MIN_DENSE:
        return "no passage holds the question's key terms"
    return None

