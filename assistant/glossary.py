"""Danish–English domain glossary for query expansion: an English question gets the Danish words added."""
from __future__ import annotations

import re
from functools import lru_cache


def _load() -> dict:
    from rules.loader import DATA_DIR, cached_parse, load_yaml

    return cached_parse(DATA_DIR / "glossary.yaml", lambda path: load_yaml(path.read_text(encoding="utf-8")))


_DATA = _load()
# english phrase -> danish terms (the words the documents use), from rules/data/glossary.yaml
EN_DA: dict[str, str] = dict(_DATA["terms"])
_SPELLING: tuple[tuple[str, str], ...] = tuple((str(a), str(b)) for a, b in _DATA.get("spelling") or ())
_DOUBLE = re.compile(r"(.)\1")


def fold(word: str) -> str:
    """A word spelt so that an English word and its Danish cognate look alike ("representant", "konferenke")."""
    word = word.lower()
    for a, b in _SPELLING:
        word = word.replace(a, b)
    return _DOUBLE.sub(r"\1", word)


# Regular English endings: a phrase of the glossary is found in any of its words' regular forms ("takes effect",
# "closed", "approving"); irregular forms ("took") need their own entry.
_ENDINGS = ("s", "es", "d", "ed", "ing")
# A hyphen joins two words as a space does: "vice-chair" is the phrase "vice chair".
_WORD = re.compile(r"[\w'’]+")


def _bases(word: str) -> set[str]:
    """The forms a glossary word may have that this word is a regular form of ("closing" -> closing, clos, close)."""
    out = {word}
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            out.update((word[:-len(ending)], word[:-len(ending)] + "e"))
    return out


class _Phrases:
    """The glossary's phrases, longest first, found word by word: one pass over the question's words with a look-up
    per word (one regular expression of every phrase in every form cost 0.3 ms a question and 47 ms for 2,000
    characters; a pattern per phrase about 1 ms)."""

    def __init__(self, phrases: tuple[str, ...]):
        self.by_first: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        for rank, phrase in enumerate(phrases):
            words = tuple(_WORD.findall(phrase))
            self.by_first.setdefault(words[0], []).append((rank, words))

    def finditer(self, low: str) -> list[tuple[int, int, int]]:
        """(start, end, rank) of each phrase in the lower-cased text, the longest at each place, none overlapping."""
        words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(low)]
        bases = [_bases(w) for w, _, _ in words]
        out, i = [], 0
        while i < len(words):
            best = None
            for base in bases[i]:
                for rank, phrase in self.by_first.get(base, ()):
                    if best is not None and rank >= best[0]:
                        break
                    n = len(phrase)
                    if i + n <= len(words) and all(
                            phrase[j] in bases[i + j] and not low[words[i + j - 1][2]:words[i + j][1]].strip(" -")
                            for j in range(1, n)):
                        best = (rank, n)
            if best is None:
                i += 1
                continue
            rank, n = best
            out.append((words[i][1], words[i + n - 1][2], rank))
            i += n
        return out


def _compile(terms: dict[str, str]) -> tuple[tuple[str, ...], _Phrases]:
    """The phrases, longest first, and their matcher."""
    phrases = tuple(sorted(terms, key=len, reverse=True))
    return phrases, _Phrases(phrases)


_PHRASES, _MATCHER = _compile(EN_DA)


def expand_query(question: str, replace: bool = False, keep=None) -> str:
    """Return the question with the Danish terms for any English domain words it contains.

    With replace=True the English phrases are swapped for their Danish terms (used to measure how much
    of a question the documents cover); otherwise both are kept (used for search). `keep`, when given, says
    which Danish terms to add (search adds only terms the index holds).
    """
    low = question.lower()
    matches = _MATCHER.finditer(low)
    found = [_PHRASES[i] for i in sorted({rank for _, _, rank in matches})]
    extra = [EN_DA[p] for p in found if keep is None or keep(EN_DA[p])]
    if replace:
        for start, end, _ in reversed(matches):
            low = f"{low[:start]} {low[end:]}"
        return f"{low} {' '.join(extra)}"
    return question if not extra else f"{question} {' '.join(extra)}"


def in_place(text: str) -> str:
    """The (lower-cased) text with each English domain phrase the glossary knows followed, where it stands, by its
    Danish terms: "approved by all 11 city councils" -> "… all 11 city councils byråd byrådene", so that what stands
    beside a number or an amount in an English passage is read as a Danish question names it, and as an English
    one does."""
    low = text.lower()
    for _, end, rank in reversed(_MATCHER.finditer(low)):
        low = f"{low[:end]} {EN_DA[_PHRASES[rank]]}{low[end:]}"
    return low


@lru_cache(maxsize=1)
def _da_en() -> dict[str, tuple[str, ...]]:
    """Danish word (stemmed) -> the English phrases the glossary gives it for: the glossary read backwards."""
    from ingest.text import tokenize

    out: dict[str, list[str]] = {}
    for english, danish in EN_DA.items():
        for term in set(tokenize(danish)):
            phrases = out.setdefault(term, [])
            if english not in phrases:
                phrases.append(english)
    return {term: tuple(phrases) for term, phrases in out.items()}


def english_terms(question: str, keep=None) -> str:
    """The English phrases for the question's Danish domain words ("pladser" -> "places place"), for searching
    pages written in English; `keep` says which to add (search adds only phrases the index holds)."""
    from ingest.text import tokenize

    table, out = _da_en(), []
    for term in dict.fromkeys(tokenize(question)):
        for phrase in table.get(term, ()):
            if phrase not in out and (keep is None or keep(phrase)):
                out.append(phrase)
    return " ".join(out)


@lru_cache(maxsize=1)
def _past_stems() -> tuple[tuple[str, str], ...]:
    """(stem of a past form, stem of its present), longest past first, from the glossary's past_forms."""
    from ingest.text import stem

    pairs = {(stem(str(past)), stem(str(base))) for past, base in (_DATA.get("past_forms") or {}).items()}
    return tuple(sorted(((p, b) for p, b in pairs if p and b and p != b), key=lambda x: -len(x[0])))


def present_forms(term: str) -> list[str]:
    """The stems of the present a (stemmed) Danish past form may be of, a compound's first part kept ("deltog" ->
    "deltag", "indgik" -> "indgå"); empty for a word that ends in no past form the glossary knows."""
    return [term[:len(term) - len(past)] + base for past, base in _past_stems() if term.endswith(past)]


def without_phrases(text: str) -> str:
    """The text with the glossary's English phrases blanked out, case kept elsewhere: "the National Board of Social
    Services" is a term the glossary translates, not a name the documents must spell."""
    low = text.lower()
    if len(low) != len(text):
        return text
    out = list(text)
    for start, end, _ in _MATCHER.finditer(low):
        out[start:end] = " " * (end - start)
    return "".join(out)
