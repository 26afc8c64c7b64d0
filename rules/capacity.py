"""Kapacitetsjusteringer: when a change of places needs approval, and the 14-day hearing deadline."""
from __future__ import annotations

from datetime import date, timedelta

from .calendar import next_meeting
from .inputs import RuleInputError, parse_date, parse_flag, parse_places
from .loader import applicable, dataset
from .result import (RuleResult, citations, date_da, date_en, iso, join_da, join_en, or_da, or_en,
                     period_da, period_en)
from .schema import CapacityVersion
from .scope import scope, steering_id


def capacity_version(on: date) -> CapacityVersion | None:
    hits = applicable(dataset("capacity_adjustment").versions, on)
    return hits[0] if hits else None


def _coverage(lang: str) -> str:
    versions = dataset("capacity_adjustment").versions
    fmt, join = (period_da, join_da) if lang == "da" else (period_en, join_en)
    return join([f"{fmt(v.valid_from, v.valid_to)} ({scope().source_name(v.version, lang)})" for v in versions])


def _signed(n: int) -> str:
    return f"{n:+d}" if n else "0"


def capacity_adjustment(change: int | None = None, *, on: date, whole_offer_closes: bool | None = None,
                        offer_size: int | None = None, covered_by_framework: bool = True) -> RuleResult:
    """Whether a change in places of an offer needs prior approval, by whom and how."""
    day = parse_date(on, "on")
    change = parse_places(change, "change")
    size = parse_places(offer_size, "offer_size")
    closes = parse_flag(whole_offer_closes, "whole_offer_closes")
    covered = parse_flag(covered_by_framework, "covered_by_framework")
    if size is not None and size < 0:
        raise RuleInputError(f"'{offer_size}' is not accepted for 'offer_size': give the offer's number of places as 0 or more.")
    if change is None:
        if size is None or closes is not True:
            v = capacity_version(day)
            return _unknown(day, None) if v is None else _procedure(v)
        change = -size
    if closes is True and change > 0:
        raise RuleInputError(f"A change of {_signed(change)} places cannot close a whole offer: closing an offer removes places, so give a negative change or whole_offer_closes=false.")
    v = capacity_version(day)
    if v is None:
        return _unknown(day, change)
    return _decide(v, day, change, closes, covered is not False, size)


def _unknown(day: date, change: int | None) -> RuleResult:
    da = (f"Dokumenterne beskriver ikke arbejdsgangen ved kapacitetsjusteringer den {date_da(day)}; "
          f"det beskriver den for {_coverage('da')}.")
    en = (f"The documents do not describe the capacity adjustment procedure on {date_en(day)}; "
          f"it describes it for {_coverage('en')}.")
    return RuleResult(tool="capacity_adjustment", known=False, answer_da=da, answer_en=en,
                      fields={"change": change, "approval_required": None, "cases": [], "routes": [], "approvers": [],
                              "hearing_days": None, "threshold": None, "must_contact_affected_municipalities": None,
                              "secretariat": None},
                      rule_id="capacity_adjustment", version="unknown")


def _where(v: CapacityVersion) -> tuple[str, str]:
    """Which document's procedure this is and when it is in force, in Danish and English."""
    name = scope().source_name
    return (f"(arbejdsgangen efter {name(v.version, 'da')}, gældende {period_da(v.valid_from, v.valid_to)})",
            f"(the procedure in {name(v.version, 'en')}, in force {period_en(v.valid_from, v.valid_to)})")


def _procedure(v: CapacityVersion) -> RuleResult:
    """The procedure itself, when no change is given: threshold, who approves and how."""
    s = v.sources
    where_da, where_en = _where(v)
    steering = scope().steering_body
    da = (f"Kapacitetsjusteringer på op til {v.threshold} pladser kan gennemføres uden forudgående godkendelse i "
          f"{steering}. Lukning af hele tilbud og justeringer på mere end {v.threshold} pladser godkendes af "
          f"{or_da(v.approvers)} ad en af disse veje: {or_da(v.routes_da)} {where_da}. "
          f"{v.secretariat_da[:1].upper()}{v.secretariat_da[1:]} kontaktes med henblik på mailhøring eller godkendelse "
          "på et kommende møde. "
          "Driftskommunen/regionen skal uanset justeringens størrelse kontakte de berørte kommuner.")
    en = (f"Capacity adjustments of up to {v.threshold} places need no prior approval by {steering}. Closing a whole "
          f"offer and changes of more than {v.threshold} places are approved by {or_en(v.approvers)} through one of "
          f"these routes: {or_en(v.routes_en)} {where_en}. Contact {v.secretariat_en} to arrange the mail hearing or "
          "approval at a coming meeting. Whatever the size, the operating municipality/region must contact the "
          "affected municipalities.")
    fields = {"change": None, "threshold": v.threshold, "hearing_days": v.hearing_days, "secretariat": v.secretariat_da,
              "routes": list(v.routes_da), "routes_en": list(v.routes_en), "approvers": list(v.approvers),
              "procedure_applies": True, "approval_required": None, "cases": [],
              "must_contact_affected_municipalities": True}
    return RuleResult(tool="capacity_adjustment", known=True, answer_da=da, answer_en=en, fields=fields,
                      citations=citations([s.threshold, s.no_approval, s.approval, s.secretariat]),
                      rule_id=f"capacity_adjustment/{v.version}", version=v.version, valid_from=iso(v.valid_from),
                      valid_to=iso(v.valid_to))


def _decide(v: CapacityVersion, day: date, change: int, closes: bool | None, covered: bool,
            size: int | None) -> RuleResult:
    s = v.sources
    steering = scope().steering_body
    base = {"change": change, "offer_size": size, "whole_offer_closes": closes, "covered_by_framework": covered,
            "threshold": v.threshold, "hearing_days": v.hearing_days, "secretariat": v.secretariat_da,
            "routes": list(v.routes_da), "routes_en": list(v.routes_en), "approvers": list(v.approvers)}
    meta = dict(tool="capacity_adjustment", rule_id=f"capacity_adjustment/{v.version}", version=v.version,
                valid_from=iso(v.valid_from), valid_to=iso(v.valid_to))
    where_da, where_en = _where(v)
    if not covered:
        return RuleResult(
            known=True, citations=citations([s.scope]),
            answer_da=(f"Tilbuddet er ikke omfattet af rammeaftalen, så den aftalte arbejdsgang ved kapacitetsjusteringer "
                       f"{where_da} gælder ikke: den omfatter kun kommunale og regionale tilbud, der anvendes af flere "
                       f"kommuner end driftskommunen. Dokumenterne siger ikke, hvad der gælder for andre tilbud."),
            answer_en=(f"The offer is not covered by the framework agreement, so the agreed capacity adjustment procedure "
                       f"{where_en} does not apply: it only covers municipal and regional offers used by more municipalities "
                       f"than the one running them. The documents do not say what applies to other offers."),
            fields={**base, "routes": [], "routes_en": [], "approvers": [], "procedure_applies": False,
                    "approval_required": None, "cases": [],
                    "must_contact_affected_municipalities": None, "contact_secretariat": None}, **meta)
    big = abs(change) > v.threshold
    if closes is None and change >= 0:
        closes = False  # adding places (or none) cannot close a whole offer
    approval = True if (big or closes) else (None if closes is None else False)
    fields = {**base, "procedure_applies": True, "approval_required": approval,
              "must_contact_affected_municipalities": change != 0 or closes is not False,
              "contact_secretariat": approval is not False, "cases": []}
    if approval is None:
        fields["cases"] = [{"whole_offer_closes": True, "approval_required": True},
                           {"whole_offer_closes": False, "approval_required": False}]
    change_da = "lukning af hele tilbuddet" if closes else f"en kapacitetsjustering på {_signed(change)} pladser"
    change_en = "closing the whole offer" if closes else f"a capacity adjustment of {_signed(change)} places"
    how_da = (f"Godkendelse gives af {or_da(v.approvers)} ad en af disse veje: {or_da(v.routes_da)}; "
              f"{v.secretariat_da} kontaktes med henblik på mailhøring eller godkendelse på et kommende møde.")
    how_en = (f"Approval is given by {or_en(v.approvers)} through one of these routes: {or_en(v.routes_en)}; "
              f"contact {v.secretariat_en} to arrange the mail hearing or approval at a coming meeting.")
    contact_da = "Driftskommunen/regionen skal uanset justeringens størrelse kontakte de berørte kommuner forud for justeringen."
    contact_en = "Whatever the size, the operating municipality/region must contact the affected municipalities before the adjustment."
    if change == 0 and closes is False:
        da = (f"En ændring på 0 pladser er ingen kapacitetsjustering og kræver ikke godkendelse {where_da}; "
              f"bagatelgrænsen er plus/minus {v.threshold} pladser.")
        en = (f"A change of 0 places is not a capacity adjustment and needs no approval {where_en}; "
              f"the de minimis threshold is plus/minus {v.threshold} places.")
        cites = [s.threshold, s.no_approval]
    elif approval is True:
        reason_da = ("lukning af hele tilbud kræver godkendelse uanset antal pladser" if closes
                     else f"justeringen er på mere end {v.threshold} pladser")
        reason_en = ("closing a whole offer needs approval whatever its size" if closes
                     else f"the change is more than {v.threshold} places")
        da = f"Ja: {change_da} kræver forudgående godkendelse, fordi {reason_da} {where_da}. {how_da} {contact_da}"
        en = f"Yes: {change_en} needs prior approval, because {reason_en} {where_en}. {how_en} {contact_en}"
        cites = [s.approval, s.contact_municipalities, s.secretariat]
    elif approval is False:
        da = (f"Nej: {change_da} kræver ikke forudgående godkendelse i {steering}, fordi den er på højst {v.threshold} pladser "
              f"og ikke lukker hele tilbuddet {where_da}. {contact_da}")
        en = (f"No: {change_en} needs no prior approval by {steering}, because it is at most {v.threshold} places and does not "
              f"close the whole offer {where_en}. {contact_en}")
        cites = [s.no_approval, s.contact_municipalities]
    else:
        da = (f"Det afhænger af, om hele tilbuddet lukker {where_da}. Lukker hele tilbuddet, kræver det forudgående "
              f"godkendelse uanset antal pladser. {how_da} Lukker det ikke, kræver {change_da} ikke forudgående godkendelse "
              f"i {steering}, fordi den er på højst {v.threshold} pladser. {contact_da}")
        en = (f"It depends on whether the whole offer closes {where_en}. If the whole offer closes, it needs prior approval "
              f"whatever the number of places. {how_en} If not, {change_en} needs no prior approval by {steering}, being at most "
              f"{v.threshold} places. {contact_en}")
        cites = [s.approval, s.no_approval, s.contact_municipalities, s.secretariat]
        for p in dataset("capacity_adjustment").precedents:
            if v.applies(p.date):
                da += f" Eksempel: {p.summary_da}"
                en += f" Example: {p.summary_en}"
                cites += p.source
    if v.note_da:
        da += f" {v.note_da}"
        en += f" {v.note_en}"
        cites += [s.in_force] if s.in_force else []
    return RuleResult(known=True, answer_da=da, answer_en=en, fields=fields, citations=citations(cites), **meta)


def hearing_deadline(sent: date, *, on: date | None = None) -> RuleResult:
    """Deadline of a mail hearing on a capacity adjustment sent on a date, and the steering body's next meeting."""
    day = parse_date(sent, "sent")
    today = parse_date(on, "on") if on is not None else None
    v = capacity_version(day)
    if v is None:
        da = (f"Dokumenterne beskriver ikke høringsfristen for kapacitetsjusteringer for en høring sendt {date_da(day)}; "
              f"det beskriver den for {_coverage('da')}.")
        en = (f"The documents do not describe the hearing deadline for capacity adjustments for a hearing sent on "
              f"{date_en(day)}; it describes it for {_coverage('en')}.")
        return RuleResult(tool="hearing_deadline", known=False, answer_da=da, answer_en=en,
                          fields={"sent": iso(day), "deadline": None, "days": None, "next_dassos_meeting": None},
                          rule_id="hearing_deadline", version="unknown")
    deadline = day + timedelta(days=v.hearing_days)
    steering = scope().steering_body
    meeting = next_meeting(steering_id(), day)
    da = (f"En mailhøring om en kapacitetsjustering sendt {date_da(day)} har {v.hearing_days} dages høringsfrist, "
          f"dvs. frist {date_da(deadline)} (regnet i kalenderdage fra afsendelsen; dokumenterne siger intet om weekender og helligdage).")
    en = (f"A mail hearing on a capacity adjustment sent on {date_en(day)} has a {v.hearing_days}-day deadline, "
          f"i.e. {date_en(deadline)} (counted in calendar days from sending; the documents say nothing about weekends or holidays).")
    if meeting:
        da += f" Alternativt kan sagen godkendes på næste {steering}-møde den {date_da(meeting.date)}."
        en += f" Alternatively, the case can be approved at the next {steering} meeting on {date_en(meeting.date)}."
    else:
        da += f" Dokumenterne oplyser ikke datoen for næste {steering}-møde efter afsendelsen."
        en += f" The documents do not give the date of the next {steering} meeting after sending."
    fields = {"sent": iso(day), "deadline": iso(deadline), "days": v.hearing_days,
              "next_dassos_meeting": iso(meeting.date) if meeting else None,
              "next_dassos_item_deadline": iso(meeting.item_deadline) if meeting else None}
    if today is not None:
        left = (deadline - today).days
        fields.update(on=iso(today), days_left=left, expired=left < 0)
        da += (f" Pr. {date_da(today)} er fristen udløbet." if left < 0
               else f" Pr. {date_da(today)} er der {left} dage tilbage.")
        en += (f" As of {date_en(today)} the deadline has passed." if left < 0
               else f" As of {date_en(today)} there are {left} days left.")
    cites = [v.sources.approval, v.sources.secretariat] + ([meeting.source] if meeting else [])
    return RuleResult(tool="hearing_deadline", known=True, answer_da=da, answer_en=en, fields=fields,
                      rule_id=f"hearing_deadline/{v.version}", version=v.version, valid_from=iso(v.valid_from),
                      valid_to=iso(v.valid_to), citations=citations(cites))
