"""Recognising the bodies and regions a question names, by the names in the rules' data (never in code)."""
from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_MAX_NGRAM = 8


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    return re.sub(r"[\s\-_'’.,()/]+", "", text)


@lru_cache(maxsize=None)
def _alias_index() -> tuple[dict[str, str], dict[str, str], int]:
    """folded alias -> canonical body; folded one-word aliases long enough for typo matching; longest alias."""
    from rules.scope import scope

    index, single, longest = {}, {}, 1
    for alias, canonical in scope().body_aliases:
        key = _fold(alias)
        index.setdefault(key, canonical)
        n = len(_WORD.findall(alias))
        longest = max(longest, n)
        if n == 1 and len(key) >= 6:
            single.setdefault(key, canonical)
    return index, single, min(longest, _MAX_NGRAM)


def find_body(text: str) -> str | None:
    """The first body (of those the rules cover) the text names: aliases, case, hyphens, genitive, small typos. A
    one-word alias after a name ("Den Vestjyske Styregruppe") is another body's name, not the alias."""
    index, single, longest = _alias_index()
    found = list(_WORD.finditer(text))[:600]
    words = [m.group() for m in found]
    for i in range(len(words)):
        # a capitalised word right before a word that is not an acronym, not the question's first: "Vestjyske"
        qualified = (i > 1 and words[i - 1][:1].isupper() and not words[i].isupper()
                     and not text[found[i - 1].end():found[i].start()].strip())
        # an acronym right before a capitalised word that is no name of our region: "<ACRONYM> <Place>" is
        # another region's body of that name (a longer alias, "<ACRONYM> <our region>", is matched first)
        qualifies = (words[i].isupper() and i + 1 < len(words) and words[i + 1][:1].isupper()
                     and not words[i + 1].isupper() and not text[found[i].end():found[i + 1].start()].strip()
                     and not _names_our_region(text[found[i + 1].start():]))
        for n in range(min(longest, len(words) - i), 0, -1):
            if n == 1 and (qualified or qualifies):
                break
            key = _fold("".join(words[i:i + n]))
            for candidate in (key, key[:-1] if key.endswith("s") else None, key[:-2] if key.endswith("'s") else None):
                if candidate and candidate in index:
                    return index[candidate]
        if qualified or qualifies:
            continue
        key = _fold(words[i])
        if len(key) >= 5:
            close = difflib.get_close_matches(key, single, n=1, cutoff=0.85)
            if close:
                return single[close[0]]
    return None


def _names_our_region(text: str) -> bool:
    """Whether the text begins with a name the scope gives its own region (rules/data/scope.yaml)."""
    from rules.scope import scope

    head = _fold(text[:60])
    return any(head.startswith(_fold(n)) for n in scope().region_names)


def find_other_region(text: str) -> str | None:
    """A region outside the rules' scope that the text names (canonical Danish name), else None."""
    from rules.scope import other_region

    return other_region(text)


def scope_names() -> dict[str, list[str]]:
    """Every region, body, alias and municipality name in the data (for tests and the agent's prompt)."""
    from rules.scope import scope

    s = scope()
    return {"region": list(s.region_names), "other_regions": [n for n, _ in s.other_region_names],
            "bodies": list(s.bodies), "aliases": [a for a, _ in s.body_aliases],
            "municipalities": list(s.municipalities)}


def region_names(canonical: str) -> list[str]:
    """Every name the data gives a region outside the scope (by its canonical Danish name)."""
    from rules.scope import scope

    return [n for n, c in scope().other_region_names if c == canonical]


_OWNER = re.compile(r"\(([^()]{1,120})\)")
# A name and, in brackets, another name for it: "the Liaison Board (<body>)", "<alias> (<body>)".
_GLOSSED = re.compile(r"((?:[A-ZÆØÅ][\w'’-]*\s+){0,3}[A-ZÆØÅ][\w'’-]*)\s*\(([^()]{1,80})\)")


def without_glosses(text: str) -> str:
    """The text with one of two names of a body blanked where the other stands beside it in brackets: a name the
    user gives a body the rules know ("the Liaison Board (<body>)") is that body, not something
    else the question asks about."""
    def blank(m: re.Match) -> str:
        before, inside = m.group(1), m.group(2)
        if find_body(inside):
            return " " * len(before) + m.group()[len(before):]
        if find_body(before):
            return m.group()[:m.start(2) - m.start()] + " " * len(inside) + ")"
        return m.group()

    return _GLOSSED.sub(blank, text[:4000])


@lru_cache(maxsize=4096)
def body_in_scope(body: str) -> bool:
    """Whether a document's body ("<a body>", "<a body> (<a region>)", "Socialudvalget (X Kommune)") lies within
    the rules' scope: a body the rules cover, our region or one of its municipalities. A document without a body
    counts as ours (nothing says otherwise)."""
    from rules.scope import scope

    if not body.strip():
        return True
    if find_other_region(body):
        return False
    s = scope()
    folded = _fold(body)
    if any(_fold(n) in folded for n in s.region_names) or any(_fold(m) + "kommune" in folded for m in s.municipalities):
        return True
    owner = _OWNER.search(body)
    return owner is None and find_body(body) is not None
