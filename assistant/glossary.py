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


def _compile(terms: dict[str, str]) -> tuple[dict[str, int], re.Pattern | None]:
    """Each phrase's rank (longest first) and one pattern for all of them: one pass over the question finds every
    phrase (a pattern per phrase cost about 1 ms per search, as much as the rest of retrieval besides embedding)."""
    phrases = sorted(terms, key=len, reverse=True)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b") if phrases else None
    return {phrase: i for i, phrase in enumerate(phrases)}, pattern


_RANK, _PATTERN = _compile(EN_DA)


def expand_query(question: str, replace: bool = False, keep=None) -> str:
    """Return the question with the Danish terms for any English domain words it contains.

    With replace=True the English phrases are swapped for their Danish terms (used to measure how much
    of a question the documents cover); otherwise both are kept (used for search). `keep`, when given, says
    which Danish terms to add (search adds only terms the index holds).
    """
    low = question.lower()
    found = sorted({m.group(0) for m in _PATTERN.finditer(low)}, key=_RANK.__getitem__) if _PATTERN else []
    extra = [EN_DA[p] for p in found if keep is None or keep(EN_DA[p])]
    if replace:
        if found:
            low = _PATTERN.sub(" ", low)
        return f"{low} {' '.join(extra)}"
    return question if not extra else f"{question} {' '.join(extra)}"
