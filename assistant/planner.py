"""The deterministic planner: recognise the intent, call the same tools as the agent, compose a cited answer."""
from __future__ import annotations

import re
from datetime import date

from assistant.answer import Answer, Citation, ToolCall, date_short
from assistant.evidence import Evidence
from assistant.intents import Intent, recognise
from assistant.slots import detect_language

_FRAMEWORK_NAME = re.compile(r"(?:rammeaftale|framework\s+agreement)\s*(20\d\d)\s*[-–/]\s*((?:20)?\d\d)", re.I)
_OTHER_REGION = re.compile(r"\b(nordjylland\w*|syddanmark\w*|region\s+sjælland|sjælland\w*|hovedstaden\w*|"
                           r"north\s+denmark|southern\s+denmark|zealand|capital\s+region)\b", re.I)
_SINCE = re.compile(r"(?:siden|since|efter|after)\s+(20\d\d)\b", re.I)


def rule_call(intent: Intent, question: str, as_of: date) -> tuple[str, dict] | None:
    """Which rule tool, with which arguments; None when the intent is not procedural."""
    s = intent.slots
    first_date = s["dates"][0] if s["dates"] else None
    on = first_date or as_of
    if intent.name == "capacity":
        places = s["places"]
        whole = s.get("whole_offer")
        args: dict = {"on": on.isoformat(), "whole_offer_closes": whole}
        if whole and places is not None:
            args["offer_size"] = abs(places)
            args["change"] = -abs(places)
        elif places is None and not whole:
            # "Hvad er bagatelgrænsen?": no size given; the rule for a zero change states the threshold.
            args["change"] = 0
        else:
            args["change"] = places
        return "capacity_adjustment", args
    if intent.name == "hearing":
        return "hearing_deadline", {"sent": on.isoformat()}
    if intent.name == "chair":
        return "who_chairs", {"body": s["body"] or "DASSOS", "on": on.isoformat()}
    if intent.name == "body":
        return "body_facts", {"body": s["body"], "on": on.isoformat()}
    if intent.name == "meeting":
        return "meeting_calendar", {"body": s["body"] or "DASSOS", "after": on.isoformat()}
    if intent.name == "framework":
        m = _FRAMEWORK_NAME.search(question)
        if m:
            end = m.group(2)[-2:]
            return "framework_period", {"agreement": f"Rammeaftale {m.group(1)}-{end}"}
        return "framework_period", {"on": on.isoformat()}
    if intent.name == "tariff":
        return "tariff_agreement", {"on": on.isoformat()}
    return None


def call_rule(name: str, args: dict) -> dict:
    """Run a rule tool; bad input becomes an error result, never an exception."""
    from rules import TOOL_FUNCTIONS, RuleInputError

    fn = TOOL_FUNCTIONS[name]
    kwargs = {k: v for k, v in args.items() if v is not None or k == "whole_offer_closes"}
    try:
        return fn(**kwargs).to_dict()
    except RuleInputError as exc:
        return {"error": str(exc)}


class DeterministicPlanner:
    name = "deterministic"

    def __init__(self, evidence: Evidence):
        self.evidence = evidence

    def answer(self, question: str, as_of: date, filters=None) -> Answer:
        lang = detect_language(question)
        out = Answer(question=question, answer="", as_of=as_of.isoformat(), language=lang, planner=self.name)
        other = _OTHER_REGION.search(question)
        if other:
            out.abstained = True
            out.answer = (f"Dokumenterne handler om samarbejdet i Region Midtjylland; de siger intet om {other.group(0)}."
                          if lang == "da" else
                          f"The documents cover the cooperation in Central Denmark Region (Midtjylland); they say nothing about {other.group(0)}.")
            return out
        intent = recognise(question, as_of)
        call = rule_call(intent, question, as_of)
        if call is not None:
            name, args = call
            result = call_rule(name, args)
            out.tool_calls.append(ToolCall(name, args, result))
            if "error" in result:
                out.answer = result["error"]
                out.abstained = True
                return out
            self.evidence.rule_answer(out, result)
            return out
        if intent.name == "decisions":
            since = _SINCE.search(question)
            from assistant.glossary import expand_query

            args = {"query": expand_query(question), "since": f"{since.group(1)}-01-01" if since else None,
                    "until": as_of.isoformat()}
            meeting_days = intent.slots["dates"]
            rows = self.evidence.find_decisions(**args)
            if meeting_days and not any(r["meeting_date"] in {d.isoformat() for d in meeting_days}
                                        for r in self.evidence.find_decisions(since=meeting_days[0].isoformat(),
                                                                              until=meeting_days[-1].isoformat())):
                day = meeting_days[0]
                out.abstained = True
                out.answer = (f"Dokumenterne indeholder hverken dagsorden eller referat fra et møde den {date_short(day.isoformat())}, "
                              "så de siger ikke, hvad der blev besluttet." if lang == "da" else
                              f"The documents hold no agenda or minutes of a meeting on {day.isoformat()}, so they do not "
                              "say what was decided.")
                out.tool_calls.append(ToolCall("find_decisions", {"since": day.isoformat(), "until": day.isoformat()},
                                               {"items": []}))
                return out
            out.tool_calls.append(ToolCall("find_decisions", args, {"items": [_brief(r) for r in rows]}))
            if rows:
                self.evidence.decisions_answer(out, rows, filters)
                return out
        self.evidence.document_answer(out, filters)
        return out


def _brief(row: dict) -> dict:
    return {k: row.get(k) for k in ("doc_id", "meeting_date", "item_no", "title", "item_type", "status")} | {
        "verbs": [r["verb"] for r in row.get("recommendations", [])]}


__all__ = ["DeterministicPlanner", "rule_call", "call_rule", "date_short", "Citation"]
