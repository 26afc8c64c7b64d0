"""Danish–English domain glossary for query expansion: an English question gets the Danish words added."""
from __future__ import annotations

import re

def _load() -> dict[str, str]:
    from rules.loader import DATA_DIR, load_yaml

    return dict(load_yaml((DATA_DIR / "glossary.yaml").read_text(encoding="utf-8"))["terms"])


# english phrase -> danish terms (the words the documents use), from rules/data/glossary.yaml
EN_DA: dict[str, str] = _load()

_PHRASES = sorted(EN_DA, key=len, reverse=True)


def expand_query(question: str, replace: bool = False, keep=None) -> str:
    """Return the question with the Danish terms for any English domain words it contains.

    With replace=True the English phrases are swapped for their Danish terms (used to measure how much
    of a question the documents cover); otherwise both are kept (used for search). `keep`, when given, says
    which Danish terms to add (search adds only terms the index holds).
    """
    low = question.lower()
    extra: list[str] = []
    for phrase in _PHRASES:
        if re.search(rf"\b{re.escape(phrase)}\b", low):
            if keep is None or keep(EN_DA[phrase]):
                extra.append(EN_DA[phrase])
            low = re.sub(rf"\b{re.escape(phrase)}\b", " ", low)
    if replace:
        return f"{low} {' '.join(extra)}"
    return question if not extra else f"{question} {' '.join(extra)}"
