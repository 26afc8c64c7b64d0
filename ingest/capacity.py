"""Capacity changes named in an agenda item: places opened (+) or closed (-), per municipality.

A change is a count of places ("7 pladser", "syv pladser", "fra 18 til 12 pladser") in a sentence with a verb of
opening or closing, in a sentence that names a municipality (or an item about one municipality). A count after
"mere end", "op til", "højst" … is a rule's threshold, not a change. Municipalities come from the scope profile
(rules/data/scope.yaml) through the pattern the register passes in; nothing here names one.
"""
from __future__ import annotations

import re

NUMBER_WORDS = {
    "én": 1, "ét": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7, "otte": 8, "ni": 9, "ti": 10,
    "elleve": 11, "tolv": 12, "tretten": 13, "fjorten": 14, "femten": 15, "seksten": 16, "sytten": 17, "atten": 18,
    "nitten": 19, "tyve": 20, "tredive": 30, "fyrre": 40, "halvtreds": 50,
}
_DECREASE = ("lukk", "lukning", "nedlæg", "nedlag", "nedjuster", "nedskær", "nednorm", "reduc", "redukt", "afvikl",
             "nedsæt", "nedbring", "færre", "fjern", "afskaf")
_INCREASE = ("udvid", "opret", "forøg", "udbyg", "opjuster", "opnorm", "etabler", "åbn", "åbning", "øge", "øget",
             "øgning", "flere", "tilføj")
# Words before a count that make it a threshold of a rule ("mere end 10 pladser"), not a change.
_THRESHOLD = {"end", "til", "over", "under", "højst", "mindst", "maksimalt", "minimum", "maks", "op", "uanset"}
_TOKEN = re.compile(r"\d{1,6}|[^\W\d_]{1,40}|[.,;:()]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])")
_WRAPPED_HYPHEN = re.compile(r"-[ \t]{0,4}\n[ \t]{0,4}(?=[A-ZÆØÅ])")
MAX_LOOKBACK = 3  # "7 nye midlertidige pladser"


def _number(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    return NUMBER_WORDS.get(token.lower())


def _direction(tokens: list[str], at: int) -> int:
    """+1 or -1 by the verb nearest the count, 0 when the sentence has none."""
    best, sign = None, 0
    for i, tok in enumerate(tokens):
        low = tok.lower()
        s = -1 if low.startswith(_DECREASE) else (1 if low.startswith(_INCREASE) else 0)
        if s and (best is None or abs(i - at) < best):
            best, sign = abs(i - at), s
    return sign


def _changes_in(sentence: str) -> list[int]:
    tokens = _TOKEN.findall(sentence)
    out = []
    for j, tok in enumerate(tokens):
        if not tok.lower().endswith(("plads", "pladser", "pladserne")):
            continue
        k = next((k for k in range(j - 1, max(-1, j - 1 - MAX_LOOKBACK), -1)
                  if _number(tokens[k]) is not None or not tokens[k][0].isalnum()), None)
        if k is None or not tokens[k][0].isalnum():
            continue
        n = _number(tokens[k])
        before = [t.lower() for t in tokens[max(0, k - 3):k]]
        if len(before) >= 3 and before[0] == "fra" and before[2] == "til" and _number(tokens[k - 2]) is not None:
            change = n - _number(tokens[k - 2])  # "fra 18 til 12 pladser"
            if change:
                out.append(change)
            continue
        if before and before[-1] in _THRESHOLD:
            continue
        sign = _direction(tokens, k)
        if sign and n:
            out.append(sign * n)
    return out


def capacity_changes(subject: str, item_municipalities: list[str], pattern: re.Pattern | None) -> list[dict]:
    """[{"municipality": "<name> Kommune", "places": -7, "quote": sentence}] for the changes the item names."""
    only = [m for m in item_municipalities if m.endswith(" Kommune")]
    out: list[dict] = []
    seen: set[tuple[str, int]] = set()
    for paragraph in re.split(r"\n[ \t]*\n|\n(?=[•▪●\-–] )", subject):
        # A name wrapped at its hyphen ("Ikast-\nBrande") is one word again.
        text = " ".join(_WRAPPED_HYPHEN.sub("-", paragraph).split())
        for sentence in _SENTENCE_END.split(text):
            changes = _changes_in(sentence)
            if not changes:
                continue
            named = pattern.findall(sentence) if pattern else []
            if named:
                name = named[0]
                municipality = f"{'Aa' + name[1:] if name.startswith('Å') else name} Kommune"
            elif len(only) == 1:
                municipality = only[0]
            else:
                continue
            for places in changes:
                if (municipality, places) in seen:  # the Indstilling and the case text name the same change
                    continue
                seen.add((municipality, places))
                out.append({"municipality": municipality, "places": places, "quote": sentence})
    return out
