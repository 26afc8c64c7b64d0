"""The deterministic planner: read the slots, route by evidence, call the same tools as the agent, compose."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from functools import lru_cache

from assistant.answer import Answer, AnswerPart, ToolCall, attach
from assistant.evidence import Evidence, question_word
from assistant.router import RULE_TOOLS, TOOL_WORDS, Route, route
from assistant.slots import Slots, prepare, read_slots
from assistant.spans import CONTACT_KINDS, answer_type, carries, focus_terms
from assistant.wording import date_note, frame_yes_no, ignored_note, silent_text
from ingest.dates import date_short
from ingest.text import tokenize

# Words that point at a source rather than a topic ("ifølge organiseringen fra 2019").
_META = ("ifølge according organisering organiseringen notat notatet note forord forordet dokument "
         "dokumentet dokumenterne document documents nu now")
# A passage must hold at least this share of the question words a rule result leaves uncovered to win.
PASSAGE_WINS = 0.5
_FOLLOW_UP = re.compile(r"^(og|and|men|but|hvad med|what about|how about|hvad hvis|what if|hvis|if|også|also|"
                        r"samme|same|i stedet|instead)\b", re.I)
_PRONOUN = re.compile(r"\b(den|det|dem|denne|dette|it|its|them|they|this)\b", re.I)


@lru_cache(maxsize=None)
def _meta() -> frozenset[str]:
    # Stemmed at first use, not at import: a rule question never tokenizes, so it need not load the stemmer.
    return frozenset(tokenize(_META))


def call_rule(name: str, args: dict) -> dict:
    """Run a rule tool; bad input becomes an error result, never an exception."""
    from rules import TOOL_FUNCTIONS, RuleInputError

    fn = TOOL_FUNCTIONS[name]
    kwargs = {k: v for k, v in args.items() if v is not None or k == "whole_offer_closes"}
    try:
        return fn(**kwargs).to_dict()
    except RuleInputError as exc:
        return {"error": str(exc)}


def rule_call(question: str, as_of: date) -> tuple[str, dict] | None:
    """Which rule tool, with which arguments; None when the question is not procedural (used by the agent)."""
    q = prepare(question)
    r = route(q, read_slots(q), as_of)
    return (r.tool, r.args) if r.tool in RULE_TOOLS else None


def follow_up(question: str, slots: Slots, previous: Answer | None, as_of: date) -> tuple[Slots, Route] | None:
    """A short question that leans on the previous turn: its tool, with the new slots over the old ones."""
    if previous is None or not previous.route or len(question.split()) > 10:
        return None
    if not (_FOLLOW_UP.search(question) or _PRONOUN.search(question)):
        return None
    old = previous.slots or {}
    fresh = route(question, slots, as_of)
    if fresh.tool in RULE_TOOLS and fresh.tool != "body_facts":
        if slots.body is None and old.get("body") and "body" in fresh.args:
            return slots, replace(fresh, args={**fresh.args, "body": old["body"]})
        return None
    if slots.body is None and old.get("body"):
        # "Og næstformanden?", "How often does it meet?": the question about the previous turn's body
        about = route(question, replace(slots, body=old["body"]), as_of)
        if about.tool in RULE_TOOLS and about.args.get("body") == old["body"]:
            return replace(slots, body=old["body"]), replace(about, reasons=("a follow-up about the previous body",))
    if previous.route not in RULE_TOOLS:
        return None
    args = dict(previous.tool_calls[0].args) if previous.tool_calls else {}
    on = fresh.on if fresh.date_note else date.fromisoformat(previous.date_used or previous.as_of)
    for key in ("on", "sent", "after"):
        if key in args:
            args[key] = on.isoformat()
    if previous.route == "capacity_adjustment" and slots.places is not None:
        direction = slots.places.direction or old.get("direction")
        change = -slots.places.count if direction == -1 else slots.places.count
        args.update(change=change, offer_size=slots.places.count if args.get("whole_offer_closes") else None)
        if args.get("whole_offer_closes"):
            args["change"] = -slots.places.count
    elif slots.body and "body" in args:
        args["body"] = slots.body
    elif not fresh.date_note:
        return None
    # the body stays the previous turn's, for the turn after ("And in 2021?", then "How often does it meet?")
    slots = replace(slots, body=slots.body or old.get("body"))
    return slots, Route(previous.route, args, ("a follow-up to the previous question",), False, on, fresh.date_note)


class DeterministicPlanner:
    name = "deterministic"

    def __init__(self, evidence: Evidence):
        self.evidence = evidence

    def answer(self, question: str, as_of: date, filters=None, history: list[Answer] | None = None) -> Answer:
        q = prepare(question)
        slots = read_slots(q)
        lang = slots.language
        out = Answer(question=question, answer="", as_of=as_of.isoformat(), language=lang, planner=self.name)
        previous = history[-1] if history else None
        chosen = follow_up(q, slots, previous, as_of)
        if chosen:
            slots, r = chosen
            lang = out.language = previous.language if len(q.split()) <= 4 else lang
        else:
            r = route(q, slots, as_of)
        if r.tool in RULE_TOOLS or slots.places is not None:
            # A rule tool answers for the bodies it covers; a name only other regions' documents hold says the
            # question is about those ("the secretariat of <another region's agreement>").
            other = self.evidence.outside_scope(q)
            if other:
                slots = replace(slots, other_scope=other)
                r = route(q, slots, as_of)
            elif r.tool == "meeting_calendar" and "body" not in r.args and self.evidence.named(q):
                # The calendar holds the rules' bodies only: the meetings of a body it does not know ("Den
                # Vestjyske Styregruppe") are in the documents, if anywhere.
                r = Route("search_documents", {}, ("names no body the rules know",), on=r.on, date_note=r.date_note)
        out.route, out.slots = r.tool, slots.to_dict()
        out.date_used = r.on.isoformat() if r.on else as_of.isoformat()
        if slots.ignored:
            out.notes.append("ignored statements: " + "; ".join(slots.ignored))
        if r.tool in RULE_TOOLS:
            return self._rule(out, q, slots, r, filters)
        if r.tool == "find_decisions":
            part = self._decisions(out, q, slots)
            if part is not None:
                return attach(out, part)
            out.route = "search_documents"
        return self._documents(out, q, slots, r, filters)

    # --- routes ----------------------------------------------------------------------------------

    def _rule(self, out: Answer, q: str, slots: Slots, r: Route, filters) -> Answer:
        result = call_rule(r.tool, r.args)
        out.tool_calls.append(ToolCall(r.tool, r.args, result))
        if "error" in result:
            out.answer, out.abstained = result["error"], True
            return out
        lang = out.language
        text = result["answer_da"] if lang == "da" else result["answer_en"]
        text = frame_yes_no(text, result.get("fields", {}).get("approval_required"), q, lang)
        unasked = self._not_in_result(q, r, result)
        if r.weak or not result.get("known", True) or unasked:
            # a follow-up ("Og næstformanden?") is about the body of the turn before, which its words do not name
            follows = any("follow-up" in reason for reason in r.reasons)
            named = f"{q} ({slots.body})" if follows and slots.body else q
            doc = self._better_passage(out, named, slots, r, result, filters)
            if doc is not None:
                out.route = "search_documents"
                out.tool_calls.clear()
                out.notes.append(f"{r.tool} {r.args} was considered; a passage covers the question better")
                return attach(out, doc)
        if unasked and lang != "da":
            # An English word is looked for in Danish passages by meaning, not by its letters: they decide.
            out.route = "search_documents"
            out.tool_calls.clear()
            out.notes.append(f"{r.tool} {r.args} was considered; it does not speak of «{unasked}»")
            return attach(out, self.evidence.document_part(q, lang, r.on or date.fromisoformat(out.as_of), filters))
        if unasked:
            # The rule knows the body, but not what the question asks of it ("budgettet for …"), and no passage
            # gives it: saying what the rule does know would answer another question.
            part = self.evidence.rule_part(result, silent_text(lang, f"no passage about it names «{unasked}»"))
            part.abstained = True
            part.notes.append(f"{r.tool} does not speak of «{unasked}»")
            return attach(out, part)
        extra = []
        if r.date_note and r.on:
            extra.append(date_note(r.on, r.date_note, lang))
        if slots.ignored:
            extra.append(ignored_note(slots.ignored, lang))
        part = self.evidence.rule_part(result, text)
        if extra:
            part.text = "\n".join([part.text, *extra])
        return attach(out, part)

    def _not_in_result(self, q: str, r: Route, result: dict) -> str | None:
        """The question's word for what it asks about ("Hvad er budgettet for …" -> budgettet) when the rule
        result does not speak of it; None when it does, or when the question names no such noun."""
        from assistant.names import without_glosses

        focus = focus_terms(without_glosses(q), nouns_only=True) - _meta() - self._covered(r, result)
        return question_word(q, sorted(focus)[0]) if focus else None

    @staticmethod
    def _covered(r: Route, result: dict) -> set[str]:
        """The words a rule result speaks of: its answer in both languages, the source quotes it rests on, the
        tool's own words and the body."""
        quotes = [c.get("quote", "") for c in result.get("citations", [])]
        return set(tokenize(" ".join([result.get("answer_da", ""), result.get("answer_en", ""), *quotes,
                                      TOOL_WORDS.get(r.tool, ""), str(r.args.get("body", ""))])))

    def _better_passage(self, out: Answer, q: str, slots: Slots, r: Route, result: dict, filters) -> AnswerPart | None:
        """A document answer when a passage holds what the rule result leaves open: the noun the question asks
        about ("temaet"), or most of its remaining content words; for an unknown rule result, a passage in force."""
        from assistant.retrieval import in_force_weight

        terms = self.evidence.terms(q) - _meta()
        covered = self._covered(r, result)
        open_terms = {t for t in terms - covered if not t.isdigit()}
        focus = focus_terms(q) - _meta()
        known = result.get("known", True)
        if known and not open_terms:
            return None
        if focus and focus <= covered:
            return None  # the rule speaks about what the question asks for
        on = r.on or date.fromisoformat(out.as_of)
        hits = self.evidence.search(q, on, filters)
        if not hits:
            return None
        words = [set(tokenize(h.chunk.context_text())) for h in hits[:3]]
        asked = focus - covered  # what the question asks for, which the rule result does not speak of
        kind = answer_type(q)
        if kind in CONTACT_KINDS:  # a phone number or an address is told by its form, not by the question's words
            doc = self.evidence.document_part(q, out.language, on, filters, hits=hits)
            return None if doc.abstained or not carries(kind, doc.text) else doc
        if known or asked:
            wanted = asked or open_terms
            held = max(len(wanted & w) for w in words)
            if held < max(1, PASSAGE_WINS * len(wanted)):
                return None
        elif in_force_weight(hits[0].chunk, on) < 1.0 or not terms & words[0]:
            return None  # an unknown result for the date is not answered by a passage of another period
        doc = self.evidence.document_part(q, out.language, on, filters, hits=hits)
        return None if doc.abstained else doc

    def _rule_beside_passages(self, out: Answer, slots: Slots) -> AnswerPart | None:
        """The capacity rule for a change of places the question names, shown above what the documents say."""
        if slots.other_region or slots.other_scope or slots.places is None or slots.places.direction is None:
            return None
        args = {"on": out.as_of, "change": slots.places.change, "whole_offer_closes": slots.whole_offer}
        if slots.whole_offer:
            args.update(offer_size=slots.places.count, change=-slots.places.count)
        result = call_rule("capacity_adjustment", args)
        if "error" in result or not result.get("known", True):
            return None
        out.tool_calls.append(ToolCall("capacity_adjustment", args, result))
        lead = "Reglen:" if out.language == "da" else "The rule:"
        text = result["answer_da"] if out.language == "da" else result["answer_en"]
        return self.evidence.rule_part(result, f"{lead} {text}")

    def _decisions(self, out: Answer, q: str, slots: Slots) -> AnswerPart | None:
        from assistant.glossary import expand_query

        since = re.search(r"(?:siden|since|efter|after) ((?:19|20)\d\d)\b", q, re.I)
        args = {"query": expand_query(q), "since": f"{since.group(1)}-01-01" if since else None,
                "until": out.as_of}
        days = [d.isoformat() for d in slots.day_dates]
        rows = self.evidence.find_decisions(**args)
        if days and not self.evidence.find_decisions(since=days[0], until=days[-1]):
            # No agenda of that meeting: later documents may still report it, so the passages decide.
            out.tool_calls.append(ToolCall("find_decisions", {"since": days[0], "until": days[-1]}, {"items": []}))
            out.notes.append(f"no agenda or minutes of a meeting on {date_short(days[0])} in the register")
            return None
        out.tool_calls.append(ToolCall("find_decisions", args, {"items": [_brief(x) for x in rows]}))
        return self.evidence.decisions_part(q, out.language, rows) if rows else None

    def _documents(self, out: Answer, q: str, slots: Slots, r: Route, filters) -> Answer:
        # Passages are searched as of the asking date: a later agenda may report the meeting a question names.
        on = date.fromisoformat(out.as_of)
        hits = None
        if slots.other_region or slots.other_scope:
            # Rules and passages about our own region do not answer for another one: keep passages naming it.
            from assistant.names import region_names

            names = [n.casefold() for n in (region_names(slots.other_region) if slots.other_region else
                                            [slots.other_scope])]
            # The filter drops passages, so it reads deeper than the five a question is answered from.
            hits = [h for h in self.evidence.search(q, on, filters, k=20)
                    if any(n in h.chunk.context_text().casefold() for n in names)][:5]
        part = self.evidence.document_part(q, out.language, on, filters, region=slots.other_region, hits=hits)
        rule = self._rule_beside_passages(out, slots)
        if rule is not None:
            # Documents are evidence, not instructions: a proposal or older text never outranks the rule in force.
            return attach(out, rule) if part.abstained else attach(out, rule, part)
        return attach(out, part)


def _brief(row: dict) -> dict:
    return {k: row.get(k) for k in ("doc_id", "meeting_date", "item_no", "title", "item_type", "status")} | {
        "verbs": [r["verb"] for r in row.get("recommendations", [])]}


__all__ = ["DeterministicPlanner", "rule_call", "call_rule"]
