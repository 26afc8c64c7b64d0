"""Meeting calendars: the next meeting of a body after a date, and its item deadline."""
from __future__ import annotations

from datetime import date, timedelta

from .bodies import get_body
from .inputs import parse_date
from .loader import dataset
from .result import RuleResult, citations, date_da, date_en, iso, join_da, join_en, period_da, period_en
from .schema import Calendar, Meeting


def calendar_for(body_id: str, after: date) -> Calendar | None:
    """The calendar that knows the next meeting of the body after the date, if any."""
    hits = [c for c in dataset("meetings").calendars if c.body == body_id and c.covers(after)]
    return hits[0] if hits else None


def has_calendar(body: str) -> bool:
    """Whether the rule data hold a meeting calendar of the body (any period)."""
    b = get_body(body)
    return any(c.body == b.id for c in dataset("meetings").calendars)


def next_meeting(body_id: str, after: date) -> Meeting | None:
    cal = calendar_for(body_id, after)
    return next(m for m in cal.meetings if m.date > after) if cal else None


def meeting_calendar(body: str | None = None, *, after: date) -> RuleResult:
    """Next meeting of a body (the steering body when none is named) after a date, with its item deadline."""
    from .scope import scope

    b, day = get_body(body or scope().steering_body), parse_date(after, "after")
    cal = calendar_for(b.id, day)
    if cal is None:
        return _unknown(b, day)
    m = next(m for m in cal.meetings if m.date > day)
    place_da = f" i {cal.location.da}" if cal.location else ""
    place_en = f" in {cal.location.en}" if cal.location else ""
    da = f"Næste møde i {b.name} efter {date_da(day)} er den {date_da(m.date)}{f', kl. {m.time}' if m.time else ''}{place_da}."
    en = f"The next {b.name} meeting after {date_en(day)} is on {date_en(m.date)}{f', {m.time} h' if m.time else ''}{place_en}."
    if m.item_deadline:
        passed = m.item_deadline < day
        da += (f" Punkter til mødet kan meldes ind til sekretariatet senest den {date_da(m.item_deadline)}"
               + (" (fristen er overskredet)." if passed else "."))
        en += (f" Items for the meeting can be sent to the secretariat until {date_en(m.item_deadline)}"
               + (" (that deadline has passed)." if passed else "."))
    else:
        da += " Dokumenterne oplyser ingen frist for punkter til dette møde."
        en += " The documents give no deadline for items for this meeting."
    if m.note_da:
        da += f" Bemærk: {m.note_da}"
        en += f" Note: {m.note_en}"
    later = [x.date for x in cal.meetings if x.date > m.date]
    if later:
        da += f" Senere møder ifølge {cal.label}: {join_da([date_da(x) for x in later])}."
        en += f" Later meetings according to {cal.label}: {join_en([date_en(x) for x in later])}."
    sources = [m.source, *( [m.item_deadline_source] if m.item_deadline_source else [] ),
               *( [m.note_source] if m.note_source else [] ),
               *(cal.location.source if cal.location else [])]
    last_known = cal.meetings[-1].date - timedelta(days=1)
    return RuleResult(
        tool="meeting_calendar", known=True, answer_da=da, answer_en=en,
        fields={"body": b.name, "after": iso(day), "next_meeting": iso(m.date), "time": m.time,
                "location": cal.location.da if cal.location else None,
                "item_deadline": iso(m.item_deadline),
                "item_deadline_passed": (m.item_deadline < day) if m.item_deadline else None,
                "meetings": [iso(x.date) for x in cal.meetings], "calendar": cal.label},
        rule_id=f"meetings/{cal.id}", version=m.source.doc,
        valid_from=iso(cal.covers_from), valid_to=iso(last_known), citations=citations(sources),
    )


def _unknown(b, day: date) -> RuleResult:
    cals = [c for c in dataset("meetings").calendars if c.body == b.id]
    da = f"Dokumenterne oplyser ikke, hvornår {b.name} holder næste møde efter {date_da(day)}."
    en = f"The documents do not say when {b.name} next meets after {date_en(day)}."
    if cals:
        da += " Det kender næste møde for datoer i " + join_da(
            [period_da(c.covers_from, c.meetings[-1].date - timedelta(days=1)) for c in cals]) + "."
        en += " It knows the next meeting for dates in " + join_en(
            [period_en(c.covers_from, c.meetings[-1].date - timedelta(days=1)) for c in cals]) + "."
    else:
        bodies = sorted({get_body(c.body).name for c in dataset("meetings").calendars})
        da += f" Dokumenterne har kun mødeplaner for {join_da(bodies)}."
        en += f" The documents only has meeting plans for {join_en(bodies)}."
    return RuleResult(
        tool="meeting_calendar", known=False, answer_da=da, answer_en=en,
        fields={"body": b.name, "after": iso(day), "next_meeting": None, "item_deadline": None,
                "meetings": [iso(m.date) for c in cals for m in c.meetings]},
        rule_id=f"meetings/{b.id}", version="unknown",
        citations=citations([c.covers_from_source for c in cals]),
    )
