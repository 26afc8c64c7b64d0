"""Bodies of the cooperation: name resolution, body_facts and who_chairs."""
from __future__ import annotations

import difflib
import re
import unicodedata
from datetime import date
from functools import lru_cache

from .inputs import RuleInputError, parse_date, parse_role, role_of
from .loader import applicable, dataset
from .result import (RuleResult, citations, date_da, date_en, iso, join_da, join_en, period_da,
                     period_en)
from .schema import Body, Fact
from .scope import scope

_FIELDS = ("composition", "meeting_frequency", "parent", "secretariat")
_LABELS_DA = {"composition": "Sammensætning", "meeting_frequency": "Mødes",
              "parent": "Forankring", "secretariat": "Sekretariat", "tasks": "Opgaver"}
_LABELS_EN = {"composition": "Composition", "meeting_frequency": "Meets",
              "parent": "Placed under", "secretariat": "Secretariat", "tasks": "Tasks"}


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    return re.sub(r"[\s\-_'’.,()/]+", "", text)


@lru_cache(maxsize=None)
def _index() -> dict[str, Body]:
    index: dict[str, Body] = {}
    for body in dataset("bodies").bodies:
        for name in (body.id, body.name, body.full_name, *body.aliases):
            if name:
                index.setdefault(_norm(name), body)
    return index


def known_bodies() -> list[str]:
    """Canonical names of every body the rules know."""
    return [b.name for b in dataset("bodies").bodies]


def get_body(name: object) -> Body:
    """The body a name refers to (aliases, case, hyphens and small typos tolerated)."""
    if not isinstance(name, str) or not name.strip():
        raise RuleInputError(
            f"'{name}' is not a body name: give one of {', '.join(known_bodies())}."
        )
    key, index = _norm(name), _index()
    if key in index:
        return index[key]
    close = difflib.get_close_matches(key, list(index), n=1, cutoff=0.8)
    if close:
        return index[close[0]]
    nearest = difflib.get_close_matches(key, list(index), n=6, cutoff=0.5)
    suggestions = list(dict.fromkeys(index[c].name for c in nearest))[:3]
    hint = f"; closest known: {', '.join(suggestions)}" if suggestions else ""
    raise RuleInputError(
        f"Unknown body '{name}': the rules know {', '.join(known_bodies())}{hint}."
    )


def resolve_body(name: str) -> str:
    """Canonical name of the body a user's name refers to; RuleInputError when none matches."""
    return get_body(name).name


def _person(name: str, affiliation: str | None) -> str:
    return f"{name} ({affiliation})" if affiliation else name


def _text(fact: Fact | None, lang: str):
    if fact is None:
        return None
    return getattr(fact, lang)


def body_facts(body: str, on: date) -> RuleResult:
    """Composition, meetings, parent body, secretariat and tasks of a body on a date."""
    b, day = get_body(body), parse_date(on, "on")
    hits = applicable(b.versions, day)
    if not hits:
        return _facts_unknown(b, day)
    v = hits[0]
    facts = {k: getattr(v, k) for k in (*_FIELDS, "tasks", "description", "appointed_by")}
    fields = {
        "body": b.name,
        "name_in_version": v.name_da or b.name,
        **{k: _text(facts[k], "da") for k in _FIELDS},
        "tasks": list(_text(facts["tasks"], "da") or []),
        "description": _text(facts["description"], "da"),
        "chair_appointed_by": _text(facts["appointed_by"], "da"),
        "en": {**{k: _text(facts[k], "en") for k in _FIELDS},
               "tasks": list(_text(facts["tasks"], "en") or []),
               "description": _text(facts["description"], "en")},
    }
    title = b.name + (f" ({v.name_da})" if v.name_da and v.name_da != b.name else "")
    source = scope().source_name
    da = [f"{title} efter {source(v.version, 'da')} (gældende {period_da(v.valid_from, v.valid_to)})"]
    en = [f"{title} according to {source(v.version, 'en')} (in force {period_en(v.valid_from, v.valid_to)})"]
    if facts["description"]:
        da[0] += f": {facts['description'].da}"
        en[0] += f": {facts['description'].en}"
    for key in _FIELDS:
        da.append(f"{_LABELS_DA[key]}: {facts[key].da if facts[key] else 'ikke oplyst i notatet'}")
        en.append(f"{_LABELS_EN[key]}: {facts[key].en if facts[key] else 'not stated in the note'}")
    if facts["tasks"]:
        da.append(f"{_LABELS_DA['tasks']}: " + "; ".join(facts["tasks"].da))
        en.append(f"{_LABELS_EN['tasks']}: " + "; ".join(facts["tasks"].en))
    sources = [s for f in facts.values() if f for s in f.source]
    return RuleResult(
        tool="body_facts", known=True, answer_da=". ".join(da) + ".", answer_en=". ".join(en) + ".",
        fields=fields, rule_id=f"bodies/{b.id}/{v.version}", version=v.version,
        valid_from=iso(v.valid_from), valid_to=iso(v.valid_to), citations=citations(sources),
    )


def _facts_unknown(b: Body, day: date) -> RuleResult:
    remarks = applicable(b.remarks, day) if b.versions else []
    if b.versions:
        spans_da = join_da([period_da(v.valid_from, v.valid_to) for v in b.versions])
        spans_en = join_en([period_en(v.valid_from, v.valid_to) for v in b.versions])
        if remarks:
            # What the documents do say of the body on that date ("not part of the organisation from 1.1.2023") is
            # the answer, sourced like any fact; the described periods follow it.
            da = " ".join(r.da for r in remarks) + f" Organisationsnotaterne beskriver {b.name} for {spans_da}."
            en = " ".join(r.en for r in remarks) + f" The organisation notes describe {b.name} for {spans_en}."
        else:
            da = (f"Dokumenterne beskriver ikke {b.name} den {date_da(day)}; organisationsnotaterne beskriver "
                  f"{b.name} for {spans_da}.")
            en = (f"The documents do not describe {b.name} on {date_en(day)}; the organisation notes describe "
                  f"{b.name} for {spans_en}.")
        sources = [s for r in remarks for s in r.sources]
    else:
        da = (f"{b.name} er ikke beskrevet i organisationsnotaterne, så sammensætning, møder og opgaver "
              f"kendes ikke. Dokumenterne nævner: " + " ".join(m.da for m in b.mentions))
        en = (f"{b.name} is not described in the organisation notes, so its composition, meetings and tasks "
              f"are not known. The documents mentions: " + " ".join(m.en for m in b.mentions))
        sources = [s for m in b.mentions for s in m.source]
    said = remarks[0] if remarks else None  # a remark answers: its source document is the version, its period the validity
    return RuleResult(
        tool="body_facts", known=said is not None, answer_da=da, answer_en=en,
        fields={"body": b.name, **{k: None for k in _FIELDS}, "tasks": [],
                "known_periods": [[iso(v.valid_from), iso(v.valid_to)] for v in b.versions]},
        rule_id=f"bodies/{b.id}" + ("/remark" if said else ""), version=said.sources[0].doc if said else "unknown",
        valid_from=iso(said.valid_from) if said else None, valid_to=iso(said.valid_to) if said else None,
        citations=citations(sources),
    )


def who_chairs(body: str, on: date, role: str | None = None) -> RuleResult:
    """Who chairs (or co-chairs) a body on a date, or who is its vice-chair, as far as the documents say."""
    b, day, wanted = get_body(body), parse_date(on, "on"), parse_role(role, "role")
    data = dataset("chairs")
    entries = [c for c in data.chairs if c.body == b.id]
    hits = applicable(entries, day)
    if wanted == "vice-chair":
        return _vice_chair(b, day, hits, entries)
    if wanted == "appointer":
        appointer = _appointer(b, day, hits)
        if appointer:
            return appointer
    if not hits:
        remarks = [r for r in applicable(data.remarks, day) if r.body == b.id]
        return _chair_unknown(b, day, entries, remarks + applicable(b.remarks, day))
    c = hits[0]
    others = [{"name": p.name, "role_da": p.role_da, "role_en": p.role_en,
               "affiliation_da": p.affiliation_da, "affiliation_en": p.affiliation_en} for p in c.others]
    da = (f"{_person(c.chair, c.affiliation_da)} er {c.role_da} for {b.name} "
          f"({c.period_da}, {period_da(c.valid_from, c.valid_to)})")
    en = (f"{_person(c.chair, c.affiliation_en)} is {c.role_en} of {b.name} "
          f"({c.period_en}, {period_en(c.valid_from, c.valid_to)})")
    if c.others:
        da += "; " + "; ".join(f"{_person(p.name, p.affiliation_da)} er {p.role_da}" for p in c.others)
        en += "; " + "; ".join(f"{_person(p.name, p.affiliation_en)} is {p.role_en}" for p in c.others)
    if c.appointed_by:
        da += f". Formanden udpeges af {c.appointed_by}"
        en += f". The chair is appointed by {c.appointed_by}"
    da += "." + (f" {c.note_da}" if c.note_da else "")
    en += "." + (f" {c.note_en}" if c.note_en else "")
    return RuleResult(
        tool="who_chairs", known=True, answer_da=da, answer_en=en,
        fields={"body": b.name, "chair": c.chair, "role_da": c.role_da, "role_en": c.role_en,
                "affiliation_da": c.affiliation_da, "affiliation_en": c.affiliation_en,
                "appointed_by": c.appointed_by, "period_from": iso(c.valid_from),
                "period_to": iso(c.valid_to), "others": others},
        rule_id=f"chairs/{b.id}/{c.valid_from.isoformat()}", version=c.sources[0].doc,
        valid_from=iso(c.valid_from), valid_to=iso(c.valid_to), citations=citations(c.sources),
    )


def _is_vice(person) -> bool:
    return "vice-chair" in (role_of(person.role_en), role_of(person.role_da))


def _vice_chair(b: Body, day: date, hits, entries) -> RuleResult:
    """The vice-chair the chair entry in force lists beside the chair; unknown when none is listed, never the chair."""
    for c in hits:
        for p in c.others:
            if _is_vice(p):
                da = (f"{_person(p.name, p.affiliation_da)} er {p.role_da} for {b.name} "
                      f"({c.period_da}, {period_da(c.valid_from, c.valid_to)}); "
                      f"formand er {_person(c.chair, c.affiliation_da)}.")
                en = (f"{_person(p.name, p.affiliation_en)} is {p.role_en} of {b.name} "
                      f"({c.period_en}, {period_en(c.valid_from, c.valid_to)}); "
                      f"the chair is {_person(c.chair, c.affiliation_en)}.")
                return RuleResult(
                    tool="who_chairs", known=True, answer_da=da, answer_en=en,
                    fields={"body": b.name, "role": "vice-chair", "vice_chair": p.name, "chair": c.chair,
                            "role_da": p.role_da, "role_en": p.role_en, "affiliation_da": p.affiliation_da,
                            "affiliation_en": p.affiliation_en, "period_from": iso(c.valid_from),
                            "period_to": iso(c.valid_to)},
                    rule_id=f"chairs/{b.id}/{c.valid_from.isoformat()}/vice-chair", version=c.sources[0].doc,
                    valid_from=iso(c.valid_from), valid_to=iso(c.valid_to), citations=citations(c.sources))
    da = f"Dokumenterne oplyser ikke, hvem der er næstformand for {b.name} den {date_da(day)}."
    en = f"The documents do not say who is vice-chair of {b.name} on {date_en(day)}."
    named = [(c, p) for c in entries for p in c.others if _is_vice(p)]
    if named:
        da += " De navngiver næstformanden for " + join_da(
            [f"{period_da(c.valid_from, c.valid_to)} ({p.name})" for c, p in named]) + "."
        en += " They name the vice-chair for " + join_en(
            [f"{period_en(c.valid_from, c.valid_to)} ({p.name})" for c, p in named]) + "."
    if hits:
        da += f" Formand: {_person(hits[0].chair, hits[0].affiliation_da)}."
        en += f" Chair: {_person(hits[0].chair, hits[0].affiliation_en)}."
    return RuleResult(
        tool="who_chairs", known=False, answer_da=da, answer_en=en,
        fields={"body": b.name, "role": "vice-chair", "vice_chair": None,
                "chair": hits[0].chair if hits else None,
                "known_periods": [[iso(c.valid_from), iso(c.valid_to)] for c, _ in named]},
        rule_id=f"chairs/{b.id}/vice-chair", version=hits[0].sources[0].doc if hits else "unknown",
        citations=citations(hits[0].sources) if hits else [])


def _appointer(b: Body, day: date, hits) -> RuleResult | None:
    """Who appoints the body's chair on a date: the chair entry in force says so, else the body's description in force.
    None when neither does (the chair answer then says what the documents hold)."""
    entry = next((c for c in hits if c.appointed_by), None)
    version = next((v for v in applicable(b.versions, day) if v.appointed_by), None)
    if entry is None and version is None:
        return None
    who_da = who_en = entry.appointed_by if entry else None
    if entry is None:
        who_da, who_en = version.appointed_by.da, version.appointed_by.en
    sources = list(entry.sources if entry else version.appointed_by.source)
    chair = hits[0].chair if hits else None  # the chair in office then, where the documents name one
    if chair:  # the chair's own source is cited too (citations() drops repeats)
        sources += hits[0].sources
    return RuleResult(
        tool="who_chairs", known=True,
        answer_da=f"Formanden for {b.name} udpeges af {who_da} (gældende den {date_da(day)})."
                  + (f" Formand: {chair}." if chair else ""),
        answer_en=f"The chair of {b.name} is appointed by {who_en} (as in force on {date_en(day)})."
                  + (f" Chair: {chair}." if chair else ""),
        fields={"body": b.name, "role": "appointer", "appointed_by": who_da, "chair": chair},
        rule_id=f"chairs/{b.id}/appointer", version=sources[0].doc, citations=citations(sources))


def _chair_unknown(b: Body, day: date, entries, remarks) -> RuleResult:
    appointer = next((v.appointed_by for v in applicable(b.versions, day) if v.appointed_by), None)
    da = f"Dokumenterne oplyser ikke, hvem der er formand for {b.name} den {date_da(day)}."
    en = f"The documents do not say who chairs {b.name} on {date_en(day)}."
    if entries:
        da += " Dokumenterne navngiver formandskabet for " + join_da(
            [f"{period_da(c.valid_from, c.valid_to)} ({c.chair})" for c in entries]) + "."
        en += " It names the chair for " + join_en(
            [f"{period_en(c.valid_from, c.valid_to)} ({c.chair})" for c in entries]) + "."
    else:
        da += f" Dokumenterne navngiver ingen formand for {b.name}."
        en += f" The documents name no chair of {b.name}."
    if appointer and not remarks:
        da += f" Formanden udpeges af {appointer.da}."
        en += f" The chair is appointed by {appointer.en}."
    for r in remarks:
        da += f" {r.da}"
        en += f" {r.en}"
    sources = [s for r in remarks for s in r.sources]
    if appointer:
        sources += appointer.source
    return RuleResult(
        tool="who_chairs", known=False, answer_da=da, answer_en=en,
        fields={"body": b.name, "chair": None, "appointed_by": appointer.da if appointer else None,
                "period_from": None, "period_to": None,
                "known_periods": [[iso(c.valid_from), iso(c.valid_to)] for c in entries]},
        rule_id=f"chairs/{b.id}", version="unknown", citations=citations(sources),
    )
