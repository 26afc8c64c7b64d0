"""Which tool answers a question: the rule tools when the slots their inputs need are there, else the documents.

A route names a tool and its arguments. Rule routes whose slots are thin (a body and a vague cue) are marked
`weak`: the planner then checks whether a document passage covers the question better than the rule result.
Cue words are language, not domain knowledge; bodies and regions come from the data (assistant.names).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from assistant.slots import Slots, question_date
from assistant.spans import answer_type
from rules.inputs import ROLES

RULE_TOOLS = ("capacity_adjustment", "hearing_deadline", "who_chairs", "body_facts", "meeting_calendar",
              "framework_period", "tariff_agreement")


class _Cue:
    """A cue pattern, compiled at its first search: routing stops at the first tool that fits, so a question
    needs only a few of the cues (compiling all of them at import cost a cold question about 4 ms)."""

    def __init__(self, source: str):
        self.source = source

    @cached_property
    def pattern(self) -> re.Pattern:
        return re.compile(self.source, re.I)

    def search(self, text: str) -> re.Match | None:
        return self.pattern.search(text)


def _cue(*alternatives: str) -> _Cue:
    # Alternatives are plain words/stems joined by single spaces (the question is whitespace-collapsed).
    return _Cue(r"(?<!\w)(?:" + "|".join(alternatives) + r")")


MAIL = _cue(r"mail\w*", r"e-mail\w*", "email", r"skriftlig\w*", "written")
HEARING = _cue(r"mailhøring\w*", r"høring\w*", r"hørring\w*", "hearing", "consultation")
DEADLINE = _cue(r"udløb\w*", r"slut\w*", r"ende[rs]?\b", r"ends?\b", "deadline", r"frist\w*", "hvornår", "when",
                r"expir\w*", "hvor mange dage", "how many days", "hvor lang", "how long", "sendt", "sent", "sendes")
APPROVAL = _cue(r"godkend\w*", r"approv\w*", r"kræve[rs]?", "krav", "tilladelse", "permission", r"requir\w*",
                r"sign[- ]off", "skal vi", "må vi", "may we", "can we", "kan vi", "must", "procedure", "fremgangsmåde",
                "hvad skal", "forbi", "through", "hvem kan", "who can", "hvordan", "how do", r"bagatelgrænse\w*",
                "threshold", "de minimis", "skal det", "skal en", "skal der")
CAPACITY = _cue(r"kapacitet\w*", r"\w*plads\w*", r"places?\b", r"beds?\b", "capacity", r"bagatel\w*", "threshold",
                "de minimis", r"\w*tilbud\w*", r"offers?\b")
# A change of capacity by its verb ("lukningen af Kollegiet", "expanding a service"): the rule's hearing is of one.
CHANGE = _cue(r"luk\w*", r"clos\w*", r"udvid\w*", r"expan\w*", r"reduc\w*", r"nedlæg\w*", r"nedskær\w*")
# The hearing of something named ("høringen af Rammeaftale 2023-24", "the consultation on the disability policy").
HEARING_OF = _cue(r"(?:høring\w*|hørring\w*|hearing|consultation) (?:af|for|om|på|of|on|about) ")
THRESHOLD = _cue(r"bagatel\w*", "threshold", "de minimis", r"grænse\w*")
PAST = _cue("hvad skete", "what happened", "blev det", "blev der", "was it", "was put", "was proposed",
            "was decided", "har været", r"forelagt\w*", "put to", "hvad blev", r"histor\w*",
            "sager om", "cases about", "hvilke sager")
CHAIR = _cue(r"formand\w*", r"medformand\w*", r"næstformand\w*", r"chair\w*", r"co-chair\w*", r"udpeg\w*",
             r"appoint\w*", "leder af", r"leads?\b", "who runs", r"fortsætter\w*", "hvor længe", "until when")


def _role_cue(wanted: str) -> _Cue:
    """The words of who_chairs' role input that name a role, as stems ("udpege" also finds "udpeges")."""
    return _cue(*sorted({re.sub(r"\\[- ]", "[- ]?", re.escape(word)) + r"\w*"
                         for word, role in ROLES.items() if role == wanted}))


VICE = _role_cue("vice-chair")
APPOINTER = _role_cue("appointer")  # who appoints the chair: who_chairs with role=appointer
MEETING = _cue(r"næste (?:\S+ ){0,2}møde\w*", r"næste \S*-møde\w*", r"next (?:\S+ ){0,3}meeting", r"mødeplan\w*",
               r"mødekalender\w*", "meeting plan", "meeting calendar", "meeting dates", r"møder i \d{4}",
               r"meetings in \d{4}", r"mødedato\w*", "hvornår mødes", r"hvornår holder \S+ møde", "holder møde",
               r"when (?:does|is|will) \S+(?: \S+)? meet", "punkter til næste", "punkter til mødet",
               "frist for punkter", "items for the next", "kommende møde", "upcoming meeting", "remaining meetings",
               "meetings remain", r"mødes \S+ efter", r"\S+-møde efter", "møder tilbage", "hvilke datoer")
# A question that asks when a body meets, in any words: a meeting word and a word that asks for dates, or a
# yes/no question that opens with the meeting ("Er der et styregruppemøde i juni?", "Mødes udvalget i august?").
MEETING_WORD = _cue(r"møde\w*", r"\S+-møde\w*", r"meetings?\b", r"meets?\b")
DATE_ASK = _cue("hvornår", "when", r"dato\w*", r"dates?\b", "er der", "is there", "are there", "hvilke møder",
                "which meetings", "what meetings", r"(?<!\S)mødes(?=\s)", r"does \S+ meet")
LAST = _cue("sidste", "forrige", "seneste", "last", "previous", "latest")
FREQUENCY = _cue("hvor ofte", "hvor tit", "how often", "gange om året")  # how often a body meets: body_facts
COUNT = _cue("hvor mange", "how many")
BODY_FACTS = _cue("hvor ofte", "hvor tit", "gange om året", "how often", "times a year", "sidder i", "who sits",
                  "who is on", r"består", r"sammensat\w*", r"sammensætning\w*", r"medlem\w*", "composition",
                  "composed", r"members?\b", r"mødefrekvens\w*", "frequency", r"mødes\b", r"mødtes\b", r"meets?\b",
                  r"opgave\w*", r"tasks?\b", "duties", r"sekretariat\w*", "secretariat", r"forankret\w*",
                  "under hvem", "parent", "reports to", "hvad er", "what is", "what does", "hvad laver",
                  r"rolle\w*", r"roles?\b", "holder møder", "holder \\S+ møder")
FRAMEWORK = _cue(r"rammeaftale\w*", r"framework agreements?")
FRAMEWORK_Q = _cue(r"gælde\w*", r"gyldig\w*", "applies", "apply", "in force", r"ikraft\w*", "træder i kraft",
                   r"take\w* effect", "hvilken", "which", "hvornår", "when", r"udarbejde\w*", "prepared",
                   "lige år", "even years", "indgået", "concluded")
TARIFF = _cue(r"takstaftale\w*", "tariff agreement", r"tariff\w*", r"takststigning\w*", r"prisstigning\w*",
              "price increase")
DECISIONS = _cue("hvilke sager", r"which (?:items|cases|matters)", "sager om", "items about", r"forelagt\w*",
                 "put to", r"været (?:på|behandlet)", r"dagsordenspunkt\w*", r"agenda items?", r"beslutning(?:er|spunkter)",
                 r"decisions?\b", r"hvad blev (?:besluttet|foreslået|indstillet)", r"what was (?:proposed|decided|put)",
                 r"hvornår (?:drøftede|diskuterede|behandlede)", "hvad skete", "what happened", "proposed", "foreslået")
# An event that dates a named agreement: "da Rammeaftale 2021-22 blev indgået".
AGREEMENT_EVENT = _cue("indgået", "indgik", "vedtaget", "trådte i kraft", "træder i kraft", "gjaldt", "begyndte",
                       "concluded", "signed", "took effect", "came into force", "entered into force", "started")


@dataclass(frozen=True)
class Route:
    """A tool and its arguments, why it was chosen, and whether a passage might answer better."""

    tool: str  # a rule tool, "find_decisions" or "search_documents"
    args: dict = field(default_factory=dict)
    reasons: tuple[str, ...] = ()
    weak: bool = False
    on: date | None = None
    date_note: str | None = None  # what in the question set the date, when it is not the as-of date


def _on(slots: Slots, question: str, as_of: date) -> tuple[date, str | None]:
    on, why = question_date(slots, question, as_of)
    if slots.agreement and AGREEMENT_EVENT.search(question) and not slots.day_dates:
        from rules.agreements import agreement_start

        start = agreement_start(slots.agreement)
        if start:
            return start, slots.agreement
    return on, why


# Kinds of fact (spans.answer_type) that no rule tool's result holds.
NO_RULE_GIVES = frozenset({"reason", "money", "phone", "email"})


def route(question: str, slots: Slots, as_of: date) -> Route:
    """The route for a prepared question; rule tools only for the region and bodies the rules cover. No rule gives
    a cause, an amount or a contact: a question that asks for one, names no body the rules know and only touches a
    rule's words ("Hvorfor blev høringsfristen for … forlænget?") is asked of the documents. (Why a body has its
    chair is in the source the rule quotes.)"""
    r = _route(question, slots, as_of)
    if r.weak and not slots.body and answer_type(question) in NO_RULE_GIVES:
        return Route("search_documents", {}, (f"asks for a {answer_type(question)}, which no rule gives",), on=r.on,
                     date_note=r.date_note)
    return r


def _route(question: str, slots: Slots, as_of: date) -> Route:
    on, why = _on(slots, question, as_of)
    q = question

    def rule(tool: str, args: dict, reason: str, weak: bool = False) -> Route:
        return Route(tool, args, (reason,), weak, on, why)

    if slots.other_region or slots.other_scope:
        return Route("search_documents", {}, (f"names {slots.other_region or slots.other_scope}, outside the rules' "
                                              "scope",), on=on, date_note=why)
    hearing = HEARING.search(q)
    # The rule's hearing is the mail hearing of a capacity change: a hearing of anything else ("høringsfristen for
    # handicappolitikken") may be in the documents, which are weighed against it.
    own_hearing = bool(CAPACITY.search(q) or MAIL.search(q) or CHANGE.search(q) or slots.body)
    if hearing and not own_hearing and HEARING_OF.search(q):
        return Route("search_documents", {}, ("the hearing of something else than a capacity change",), on=on,
                     date_note=why)
    if hearing and (slots.day_dates or DEADLINE.search(q)):
        return rule("hearing_deadline", {"sent": on.isoformat()}, "hearing with a date or a deadline word",
                    weak=not own_hearing)
    places, whole = slots.places, slots.whole_offer
    if CAPACITY.search(q) and APPROVAL.search(q) and not PAST.search(q):
        if places is not None or whole:
            args: dict = {"on": on.isoformat(), "whole_offer_closes": whole}
            if whole and places is not None:
                args["offer_size"] = places.count
                args["change"] = -places.count
            else:
                args["change"] = places.change if places else None
            return rule("capacity_adjustment", args, "a change of places or a closure, and an approval word")
        if THRESHOLD.search(q) or re.search(r"(?<!\w)(hvem|who)\b", q, re.I) or (
                re.search(r"kapacitet\w*|capacity", q, re.I)):
            return rule("capacity_adjustment", {"on": on.isoformat(), "change": None},
                        "the capacity procedure, no change given")
    if hearing:
        return rule("hearing_deadline", {"sent": on.isoformat()}, "a hearing word", weak=not own_hearing)
    if MEETING.search(q) and not (slots.body and FREQUENCY.search(q)):
        args = {"after": on.isoformat()}
        if slots.body:
            args["body"] = slots.body
        return rule("meeting_calendar", args, "a meeting-date word", weak=slots.body is None)
    if (slots.body and _asks_meeting_dates(q) and not LAST.search(q) and not PAST.search(q)
            and not DECISIONS.search(q) and not CHAIR.search(q)
            and not FREQUENCY.search(q) and not COUNT.search(q)
            and _has_calendar(slots.body)):
        return rule("meeting_calendar", {"after": on.isoformat(), "body": slots.body},
                    "a known body, a meeting word and a date question", weak=True)
    if CHAIR.search(q) and slots.body:
        args = {"body": slots.body, "on": on.isoformat()}
        if VICE.search(q):
            args["role"] = "vice-chair"
        elif APPOINTER.search(q):
            args["role"] = "appointer"
        return rule("who_chairs", args, "a chair word and a known body", weak=True)
    if TARIFF.search(q) and not DECISIONS.search(q):
        return rule("tariff_agreement", {"on": on.isoformat()}, "a tariff word", weak=True)
    if FRAMEWORK.search(q) and FRAMEWORK_Q.search(q) and not slots.body and not DECISIONS.search(q):
        if slots.agreement and not AGREEMENT_EVENT.search(q):
            return rule("framework_period", {"agreement": slots.agreement}, "a named framework agreement", weak=True)
        if slots.day_dates or why or re.search(r"gælder|gjaldt|gældende|applies|in force|ikraft|effect|lige år|"
                                               r"even years|prepared|udarbejdes", q, re.I):
            return rule("framework_period", {"on": on.isoformat()}, "which agreement is in force", weak=True)
    if slots.body and BODY_FACTS.search(q) and not DECISIONS.search(q):
        return rule("body_facts", {"body": slots.body, "on": on.isoformat()}, "a known body and a fact word",
                    weak=True)
    if DECISIONS.search(q) or PAST.search(q):
        return Route("find_decisions", {}, ("a past-case word",), on=on, date_note=why)
    return Route("search_documents", {}, ("no rule tool's inputs are in the question",), on=on, date_note=why)


def _asks_meeting_dates(question: str) -> bool:
    """One part of the question both names a meeting and asks for its date ("…på mødet i februar, og hvornår
    trådte reglerne i kraft?" asks the date of something else)."""
    from assistant.spans import question_parts

    return any(MEETING_WORD.search(p) and DATE_ASK.search(p) for p in question_parts(question))


def _has_calendar(body: str) -> bool:
    """The meeting calendar answers only for a body whose calendar the rule data hold."""
    from rules.calendar import has_calendar

    return has_calendar(body)


# Words of each tool's own vocabulary: a question word among them is covered by choosing the tool.
TOOL_WORDS = {
    "who_chairs": "formand formanden formandskab formandskabet medformand næstformand chair chairs udpeger udpeget "
                  "udpegede appoint appoints appointed leder fortsætter længe hvor",
    "body_facts": "ofte tit gange året mødes mødtes meets består sammensat sammensætning medlemmer members "
                  "composition opgaver tasks sekretariat secretariat forankret rolle role møder holder sidder",
    "meeting_calendar": "næste møde mødet møder meeting meetings mødes frist punkter items dato datoer dates "
                        "holder kommende",
    "framework_period": "rammeaftale rammeaftalen rammeaftaler framework agreement gælder gældende applies "
                        "force periode period træder kraft udarbejdes prepared hvilken which",
    "tariff_agreement": "takstaftale takstaftalen takst takster tariff tariffs agreement gælder indebar",
}
