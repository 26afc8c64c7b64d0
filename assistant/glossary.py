"""Danish–English domain glossary for query expansion: an English question gets the Danish words added."""
from __future__ import annotations

import re


def _load() -> dict:
    from rules.loader import DATA_DIR, load_yaml

    return load_yaml((DATA_DIR / "glossary.yaml").read_text(encoding="utf-8"))


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
_ENDINGS = "(?:s|es|d|ed|ing)?"


def _word_pattern(word: str) -> str:
    stem = word[:-1] if len(word) > 3 and word.endswith("e") else word  # "close" -> clos(e|es|ed|ing)
    ending = "(?:e|es|ed|ing)?" if stem != word else _ENDINGS
    return re.escape(stem) + ending


def _compile(terms: dict[str, str]) -> tuple[tuple[str, ...], re.Pattern | None]:
    """The phrases, longest first, and one pattern for all of them, group `p<i>` for phrase i: one pass over
    the question finds every phrase (a pattern per phrase cost about 1 ms per search, as much as the rest of
    retrieval besides embedding)."""
    phrases = sorted(terms, key=len, reverse=True)
    groups = (f"(?P<p{i}>{r'[ ]+'.join(_word_pattern(w) for w in p.split())})" for i, p in enumerate(phrases))
    pattern = re.compile(r"\b(?:" + "|".join(groups) + r")\b") if phrases else None
    return tuple(phrases), pattern


_PHRASES, _PATTERN = _compile(EN_DA)

def expand_query(question: str, replace: bool = False, keep=None) -> str:
    """Return the question with the Danish terms for any English domain words it contains.

    With replace=True the English phrases are swapped for their Danish terms (used to measure how much
    of a question the documents cover); otherwise both are kept (used for search). `keep`, when given, says
    which Danish terms to add (search adds only terms the index holds).
    """
    low = question.lower()
    ranks = sorted({int(m.lastgroup[1:]) for m in _PATTERN.finditer(low)}) if _PATTERN else []
    found = [_PHRASES[i] for i in ranks]
    extra = [EN_DA[p] for p in found if keep is None or keep(EN_DA[p])]
    if replace:
        if found:
            low = _PATTERN.sub(" ", low)
        return f"{low} {' '.join(extra)}"
    return question if not extra else f"{question} {' '.join(extra)}"



def without_phrases(text: str) -> str:
    """The text with the glossary's English phrases blanked out, case kept elsewhere: "the National Board of Social
    Services" is a term the glossary translates, not a name the documents must spell."""
    low = text.lower()
    if _PATTERN is None or len(low) != len(text):
        return text
    out = list(text)
    for m in _PATTERN.finditer(low):
        out[m.start():m.end()] = " " * (m.end() - m.start())
    return "".join(out)
