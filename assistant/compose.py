"""The answer of a model run: the model's text checked and cited (model-written), or the tools' own wording
(model-routed) where the run stopped early or the text failed the fact check."""
from __future__ import annotations

import json
import re
from datetime import date

from assistant.answer import Answer, ToolCall
from assistant.evidence import Evidence, sentences
from assistant.factcheck import disagreements, unsupported, wrong_language
from assistant.modelrun import MODEL_ROUTED, MODEL_WRITTEN, ModelRun
from assistant.planner import call_rule, rule_call
from ingest.clean import normalize_ws
from ingest.text import tokenize


class Composer:
    """Composes the answer from what one model run produced; `tools` is the run's record of retrieved passages."""

    def __init__(self, evidence: Evidence, rule_names: set[str]):
        self.evidence, self.rule_names = evidence, rule_names

    def compose(self, out: Answer, text: str, tools, question: str, as_of: date, filters, run: ModelRun) -> str:
        """The model's text, checked and cited (model-written); the tools' wording where the check fails."""
        rules = self._rule_results(out, question, as_of)
        problems = [f"the model's text did not match {r['tool']} ({p})" for r in rules
                    for p in (disagreements(r, text) if r.get("known", True) else
                              ["the tool has no answer for this date"])]
        if why := wrong_language(question, text):
            problems.append(why)
        if not problems:
            text = self._supported(text, out, tools, question, run)
            if not text:
                problems.append("no sentence of the model's text is supported by the passages and tool results")
        if problems:
            out.notes += [f"{p}; the tools' wording is used" for p in problems]
            self.from_tools(out, tools, question, as_of, filters)
            return MODEL_ROUTED
        decisions = self._decision_items(out)
        if not rules and not decisions and tools.searches and self.evidence.is_silent(
                question, [h for hits in tools.searches for h in hits]):
            out.notes.append("the documents are silent on the question; the standard wording is used")
            self.evidence.document_answer(out, filters)
            return MODEL_ROUTED
        out.passages = [h.to_dict() for h in tools.hits.values()]
        body = self._cite_passages(out, text, tools)
        marks = []
        for r in rules:
            marks += [int(n) for n in re.findall(r"\[(\d+)\]", self._rule_wording(out, r))]
        for item in self._relied_on(decisions, body, key=lambda i: i["citation"]["section"], min_shared=2):
            marks += self._cite_decision(out, item)
        if tools.hits and not re.search(r"\[\d+\]", body) and not rules and not decisions:
            for hit in self._relied_on(list(tools.hits.values()), body, key=lambda h: h.chunk.text, fallback=2):
                marks.append(self.evidence.add_citation(out, self.evidence.cite_chunk(hit.chunk, _best_sentence(
                    hit.chunk.text, body))))
        marks = sorted(set(marks) - {int(n) for n in re.findall(r"\[(\d+)\]", body)})
        out.answer = body + (" " + "".join(f"[{n}]" for n in marks) if marks else "")
        return MODEL_WRITTEN

    def _supported(self, text: str, out: Answer, tools, question: str, run: ModelRun) -> str:
        """The text without the sentences that no passage or tool result supports; each drop is noted."""
        sources = [h.chunk.text for h in tools.hits.values()]
        sources += [json.dumps(c.result, ensure_ascii=False, default=str) for c in out.tool_calls]
        sources += [c.result.get(k, "") for c in out.tool_calls for k in ("answer_da", "answer_en")]
        kept = text
        for sentence, why in unsupported(text, sources, question):
            kept = kept.replace(sentence, "", 1)
            run.dropped.append(sentence)
            out.notes.append(f"dropped an unsupported sentence of the model ({why}): {sentence[:160]}")
        return normalize_ws(kept) if re.search(r"\w", kept) else ""

    def from_tools(self, out: Answer, tools, question: str, as_of: date, filters) -> None:
        """The answer in the tools' own wording, from the calls the model chose (model-routed)."""
        out.citations, out.abstained = [], False
        rules = self._rule_results(out, question, as_of)
        own = rule_call(question, as_of)
        if rules and not any(r.get("known", True) for r in rules) and (own is None or own[0] not in
                                                                       {r.get("tool") for r in rules}):
            # A rule tool the question does not ask for had no answer (the model routed a document question to
            # it); the documents may well hold one.
            self.evidence.document_answer(out, filters)
            if not out.abstained:
                out.notes.append("the rule tools had no answer; the documents are quoted")
                return
            out.citations, out.passages = [], []
        if rules:
            out.answer = "\n\n".join(self._rule_wording(out, r) for r in rules)
            out.abstained = any(not r.get("known", True) for r in rules)
            return
        for call in out.tool_calls:
            if call.name == "find_decisions" and call.result.get("items"):
                rows = self.evidence.find_decisions(**{k: v for k, v in call.args.items()
                                                       if k in ("query", "body", "since", "until", "item_type",
                                                                "verb")})
                if rows:
                    self.evidence.decisions_answer(out, rows, filters)
                    return
        hits = list(tools.hits.values())
        if not hits or self.evidence.is_silent(question, hits):
            self.evidence.document_answer(out, filters)
            return
        out.passages = [h.to_dict() for h in hits]
        lines = []
        for hit, sent in self.evidence.best_sentences(question, hits):
            n = self.evidence.add_citation(out, self.evidence.cite_chunk(hit.chunk, sent))
            lines.append(f"• «{normalize_ws(sent)}» [{n}]")
        head = "Det fremgår af dokumenterne:" if out.language == "da" else "The documents say (quoted in Danish):"
        out.answer = "\n".join([head, *lines])

    @staticmethod
    def _decision_items(out: Answer) -> list[dict]:
        return [item for c in out.tool_calls if c.name == "find_decisions" for item in c.result.get("items", [])]

    def _rule_results(self, out: Answer, question: str, as_of: date) -> list[dict]:
        """The successful rule results of the run, held to the question: where the question's own slots call the
        same tool with other arguments and another outcome, that call replaces the model's (the model routes; it
        cannot change a rule outcome by its choice of arguments). A procedural question the model left unchecked
        is run here."""
        own = rule_call(question, as_of)
        seen, results = set(), []
        for i, c in enumerate(out.tool_calls):
            if c.name not in self.rule_names or "error" in c.result:
                continue
            if own is not None and own[0] == c.name and own[1] != c.args:
                checked = call_rule(*own)
                if "error" not in checked and _outcome(checked) != _outcome(c.result):
                    out.notes.append(f"the model called {c.name} with {json.dumps(c.args, default=str)}; the "
                                     f"question gives {json.dumps(own[1], default=str)}, whose outcome is used")
                    c = out.tool_calls[i] = ToolCall(c.name, dict(own[1]), checked)
            key = (c.name, json.dumps(c.args, sort_keys=True, default=str))
            if key not in seen:
                seen.add(key)
                results.append(c.result)
        if not results and own is not None:
            result = call_rule(*own)
            out.tool_calls.append(ToolCall(own[0], own[1], result))
            out.notes.append(f"the model did not use a rule tool for a procedural question; {own[0]} was run "
                             "to check its answer")
            if "error" not in result:
                results.append(result)
        return results

    def _rule_wording(self, out: Answer, result: dict) -> str:
        """The tool's own answer in the question's language, citing into `out` as Evidence.rule_answer does."""
        part = Answer(question=out.question, answer="", language=out.language, citations=out.citations)
        self.evidence.rule_answer(part, result)
        out.notes += part.notes
        return part.answer

    def _cite_decision(self, out: Answer, item: dict) -> list[int]:
        cit = item["citation"]
        chunk = self.evidence.find_quote(cit["doc_id"], cit["quote"], cit["section"].split()[0])
        return [self.evidence.add_citation(out, self.evidence.cite_chunk(chunk, cit["quote"]))] if chunk else []

    def _cite_passages(self, out: Answer, text: str, tools) -> str:
        """The text with the model's [P1] refs turned into citation numbers; its own [n] numbers are dropped."""
        text = re.sub(r"\s*\[\d+\](?!\()", "", text)

        def cite(m: re.Match) -> str:
            before = text[:m.start()]
            claim = re.split(r"(?<=[.!?])\s+", before)[-1] or before[-300:]
            nums = []
            for ref in re.findall(r"P\d+", m.group(0)):
                hit = tools.hits.get(ref)
                if hit is not None:
                    quote = _best_sentence(hit.chunk.text, claim)
                    nums.append(self.evidence.add_citation(out, self.evidence.cite_chunk(hit.chunk, quote)))
            return "".join(f"[{n}]" for n in dict.fromkeys(nums))

        return re.sub(r"\[\s*P\d+(?:\s*[,;]\s*P\d+)*\s*\]", cite, text).strip()

    @staticmethod
    def _relied_on(items: list, text: str, key, fallback: int = 3, min_shared: int = 3) -> list:
        """The items whose words the text shares most; the first few when it shares none."""
        words = set(tokenize(text))
        scored = [(len(words & set(tokenize(key(i)))), n, i) for n, i in enumerate(items)]
        picked = [i for s, _, i in sorted(scored, key=lambda x: (-x[0], x[1])) if s >= min_shared][:3]
        return picked or items[:fallback]


OUTCOME_FIELDS = ("approval_required", "procedure_applies", "deadline", "next_meeting", "chair", "agreement",
                  "known")


def _outcome(result: dict) -> tuple:
    fields = result.get("fields") or {}
    return tuple(fields.get(k, result.get(k)) for k in OUTCOME_FIELDS)


def _best_sentence(chunk_text: str, claim: str) -> str:
    """The chunk sentence sharing most words with the claim: a quote that occurs in the chunk word for word."""
    options = sentences(chunk_text) or [chunk_text.strip()[:300]]
    words = set(tokenize(claim))
    return max(options, key=lambda s: (len(words & set(tokenize(s))), -options.index(s)))
