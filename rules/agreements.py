"""Which framework agreement (Rammeaftale) and which tariff agreement apply on a date."""
from __future__ import annotations

import re
from datetime import date

from .inputs import RuleInputError, parse_date
from .loader import applicable, dataset
from .result import RuleResult, citations, date_da, date_en, iso, join_da, join_en, period_da, period_en
from .schema import Agreement

_LABEL = re.compile(r"^(?:rammeaftale(?:n)?\s*)?(\d{4})\s*[-–/]\s*(\d{2}|\d{4})$", re.IGNORECASE)


def _parse_label(text: object) -> int:
    """Start year of an agreement label such as 'Rammeaftale 2025-26' or '2025-2026'."""
    m = _LABEL.match(text.strip()) if isinstance(text, str) else None
    if m:
        start, end = int(m.group(1)), m.group(2)
        if (int(end) if len(end) == 4 else (start // 100) * 100 + int(end)) == start + 1:
            return start
    raise RuleInputError(
        f"'{text}' is not a framework agreement label: write two consecutive years, "
        f"such as 2025-26, 2025-2026 or Rammeaftale 2025-26."
    )


def _rule_for(a: Agreement):
    return applicable(dataset("framework_agreements").rules, a.valid_from)[0]


def _known_span() -> tuple[str, str]:
    names = [a.name for a in dataset("framework_agreements").agreements]
    return join_da(names), join_en(names)


def framework_period(on: date | None = None, agreement: str | None = None) -> RuleResult:
    """The Rammeaftale in force on a date, or the period and start of a named one."""
    data = dataset("framework_agreements")
    if on is None and agreement is None:
        raise RuleInputError("Give a date 'on' (such as 2026-03-01) or an 'agreement' (such as 2025-26).")
    day = parse_date(on, "on") if on is not None else None
    if agreement is not None:
        start = _parse_label(agreement)
        hits = [a for a in data.agreements if a.valid_from.year == start]
        label = f"Rammeaftale {start}-{str(start + 1)[2:]}"
        miss_da, miss_en = f"Dokumenterne kender ingen {label}", f"The documents know no {label}"
    else:
        hits = applicable(data.agreements, day)
        miss_da = f"Dokumenterne oplyser ikke, hvilken rammeaftale der gælder den {date_da(day)}"
        miss_en = f"The documents do not say which framework agreement applies on {date_en(day)}"
    if not hits:
        names_da, names_en = _known_span()
        rule = data.rules[-1]
        da = f"{miss_da}; de kender {names_da}. {rule.rule_da}"
        en = f"{miss_en}; they know {names_en}. {rule.rule_en}"
        return RuleResult(tool="framework_period", known=False, answer_da=da, answer_en=en,
                          fields={"agreement": None, "period_from": None, "period_to": None, "prepared_year": None,
                                  "known_agreements": [a.name for a in data.agreements]},
                          rule_id="framework_period", version="unknown", citations=citations(rule.sources[:1]))
    a = hits[0]
    rule = _rule_for(a)
    following = [x for x in data.agreements if x.valid_from.year == a.valid_to.year + 1]
    by_date = day is not None and agreement is None
    lead_da = f"Den {date_da(day)} gælder {a.name}, som" if by_date else a.name
    lead_en = f"On {date_en(day)} {a.name} is in force; it" if by_date else a.name
    da = (f"{lead_da} dækker {period_da(a.valid_from, a.valid_to)} og træder i kraft {date_da(a.valid_from)}; "
          f"udarbejdelsesår {a.prepared_year} ({a.status_da}). {rule.rule_da} {rule.approval_da}")
    en = (f"{lead_en} covers {period_en(a.valid_from, a.valid_to)} and takes effect on {date_en(a.valid_from)}; "
          f"year of preparation {a.prepared_year} ({a.status_en}). {rule.rule_en} {rule.approval_en}")
    fields = {"agreement": a.name, "period_from": iso(a.valid_from), "period_to": iso(a.valid_to),
              "prepared_year": a.prepared_year, "status": a.status_da, "status_en": a.status_en,
              "next_agreement": following[0].name if following else None}
    if by_date and following:
        da += f" Næste aftale er {following[0].name} ({following[0].status_da})."
        en += f" The next one is {following[0].name} ({following[0].status_en})."
    if day is not None and agreement is not None:
        applies = a.applies(day)
        fields["applies_on"] = applies
        da += f" Den {date_da(day)} gælder {a.name}{'' if applies else ' ikke'}."
        en += f" On {date_en(day)} {a.name} {'is' if applies else 'is not'} in force."
    sources = list(a.sources) + list(rule.sources)
    return RuleResult(tool="framework_period", known=True, answer_da=da, answer_en=en, fields=fields,
                      rule_id=f"framework_period/{a.name}", version=rule.version, valid_from=iso(a.valid_from),
                      valid_to=iso(a.valid_to), citations=citations(sources))


def tariff_agreement(on: date) -> RuleResult:
    """What the tariff agreement in force on a date allows, as far as the documents say."""
    day = parse_date(on, "on")
    versions = dataset("tariff_agreements").versions
    hits = applicable(versions, day)
    if hits and hits[0].content_known:
        t = hits[0]
        da = (f"Den {date_da(day)} gælder {t.agreement} ({period_da(t.valid_from, t.valid_to)}): "
              + "; ".join(x.da for x in t.allows) + f". {t.statement_da}")
        en = (f"On {date_en(day)} the {t.agreement} applies ({period_en(t.valid_from, t.valid_to)}): "
              + "; ".join(x.en for x in t.allows) + f". {t.statement_en}")
        return RuleResult(
            tool="tariff_agreement", known=True, answer_da=da, answer_en=en,
            fields={"agreement": t.agreement, "period_from": iso(t.valid_from), "period_to": iso(t.valid_to),
                    "allows": [x.da for x in t.allows], "allows_en": [x.en for x in t.allows]},
            rule_id=f"tariff_agreement/{t.id}", version=t.sources[0].doc, valid_from=iso(t.valid_from),
            valid_to=iso(t.valid_to), citations=citations([*(x.source for x in t.allows), *t.sources]))
    known = [v for v in versions if v.content_known]
    span_da = join_da([f"{v.agreement} ({period_da(v.valid_from, v.valid_to)})" for v in known])
    span_en = join_en([f"{v.agreement} ({period_en(v.valid_from, v.valid_to)})" for v in known])
    da = f"Dokumenterne oplyser ikke indholdet af den takstaftale, der gælder den {date_da(day)}; de kender {span_da}."
    en = f"The documents do not give the content of the tariff agreement in force on {date_en(day)}; they know {span_en}."
    sources = []
    for v in hits:
        da += f" {v.statement_da}"
        en += f" {v.statement_en}"
        sources += v.sources
    return RuleResult(tool="tariff_agreement", known=False, answer_da=da, answer_en=en,
                      fields={"agreement": None, "period_from": None, "period_to": None, "allows": [],
                              "known_agreements": [v.agreement for v in known]},
                      rule_id=f"tariff_agreement/{hits[0].id}" if hits else "tariff_agreement",
                      version="unknown", valid_from=iso(hits[0].valid_from) if hits else None,
                      citations=citations(sources))


def agreement_start(label: str) -> date | None:
    """The day a named framework agreement took effect ("Rammeaftale 2021-22" -> 2021-01-01), if known."""
    try:
        start = _parse_label(label)
    except RuleInputError:
        return None
    hits = [a for a in dataset("framework_agreements").agreements if a.valid_from.year == start]
    return hits[0].valid_from if hits else None
