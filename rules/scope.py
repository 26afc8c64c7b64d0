"""The deployment profile (rules/data/scope.yaml): which region and bodies the rules cover, by name."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .loader import RuleDataError, dataset


@dataclass(frozen=True)
class Scope:
    region_da: str
    region_en: str
    region_names: tuple[str, ...]
    other_region_names: tuple[tuple[str, str], ...]  # (name as written in data, canonical Danish name)
    municipalities: tuple[str, ...]
    bodies: tuple[str, ...]  # canonical names of the bodies the rules answer for
    body_aliases: tuple[tuple[str, str], ...]  # (alias, canonical name), every name the rules accept
    steering_body: str  # canonical name
    source_names: tuple[tuple[str, str, str], ...] = ()  # (rule version / document id, Danish name, English name)

    def region(self, lang: str) -> str:
        return self.region_da if lang == "da" else self.region_en

    def source_name(self, version: str, lang: str) -> str:
        """How an answer names the document a rule version comes from ("organisationsnotatet fra 2023"); the
        version id itself where the data gives no name."""
        for key, da, en in self.source_names:
            if key == version:
                return da if lang == "da" else en
        return version


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


@lru_cache(maxsize=None)
def scope() -> Scope:
    """The scope profile, validated against bodies.yaml (an unknown body id is a data error)."""
    data = dataset("scope")
    bodies = {b.id: b for b in dataset("bodies").bodies}
    unknown = [b for b in [*data.bodies, data.steering_body] if b not in bodies]
    if unknown:
        raise RuleDataError(f"scope.yaml: unknown body id '{unknown[0]}' (known: {', '.join(bodies)})")
    covered = [bodies[b] for b in data.bodies]
    aliases = []
    for b in covered:
        for name in (b.name, b.full_name, *b.aliases):
            if name:
                aliases.append((name, b.name))
    others = tuple((name, r.name_da) for r in data.other_regions for name in r.names())
    return Scope(region_da=data.region.name_da, region_en=data.region.name_en,
                 region_names=tuple(data.region.names()), other_region_names=others,
                 municipalities=tuple(data.municipalities), bodies=tuple(b.name for b in covered),
                 body_aliases=tuple(aliases), steering_body=bodies[data.steering_body].name,
                 source_names=tuple((k, v.da, v.en) for k, v in data.source_names.items()))


def _word_pattern(names: list[str]) -> re.Pattern:
    # Longest names first so "Region X" wins over "X"; whole words only.
    alts = sorted({_fold(n) for n in names}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(a) for a in alts) + r")(?!\w)")


@lru_cache(maxsize=None)
def _other_region_pattern() -> tuple[re.Pattern | None, dict[str, str]]:
    s = scope()
    if not s.other_region_names:
        return None, {}
    return _word_pattern([n for n, _ in s.other_region_names]), {_fold(n): c for n, c in s.other_region_names}


def other_region(text: str) -> str | None:
    """The canonical name of a region outside the scope that the text names, else None."""
    pattern, canonical = _other_region_pattern()
    if pattern is None:
        return None
    m = pattern.search(_fold(text))
    return canonical[m.group(1)] if m else None


def steering_id() -> str:
    """The id (in bodies.yaml) of the steering body whose meetings are the alternative to a mail hearing."""
    return dataset("scope").steering_body
