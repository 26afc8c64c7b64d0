"""Answer parts from the index: a rule result cited, passages quoted, decision-register items listed."""
from __future__ import annotations

import bisect
import math
import re
from datetime import date
from functools import lru_cache
from itertools import islice

from assistant.abstention import MIN_LITERAL, MIN_WEIGHTED_COVERAGE, NEAR_SHARE, holds, silence, weighted_coverage
from assistant.answer import AnswerPart
from assistant.citations import CitationList, find_quote, markers
from assistant.glossary import present_forms
from assistant.meaning import by_meaning
from assistant.retrieval import Filters, Hit, Retriever
from assistant.spans import (CONTACT_KINDS, Span, answer_type, asks_total, carries, counted, counts, holds_any,
                             decision_span, focus_terms, gives, question_parts, sentences, top_spans)
from assistant.wording import in_recommendation, is_proposal, proposal_note, silent_text
from ingest.clean import normalize_ws
from ingest.dates import date_short, day_months, days_named, names_day, years_named
from ingest.text import tokenize


class Evidence:
    """Access to the index for citing: retrieval, the register and chunk look-ups."""

    def __init__(self, retriever: Retriever, register_path=None):
        self.retriever = retriever
        self.index = retriever.index
        self.register_path = register_path

    def citations(self) -> CitationList:
        return CitationList(lambda cid: self.index.chunks[cid].text)

    def idf(self, term: str) -> float:
        n = self.index.keyword.n or 1
        df = self.index.keyword.df(term) or n
        return math.log(1 + n / df)

    def terms(self, question: str) -> set[str]:
        """The question's content terms (stemmed), English domain words joined by their Danish terms, and for a
        word the index never uses, the indexed word it misspells or the compound it splits ("bosteds læge")."""
        from assistant.glossary import expand_query

        tokens = tokenize(expand_query(question))
        keyword = self.index.keyword
        # a past form is also asked as its present, which the documents may use instead ("deltog": "deltager")
        presents = {w for t in tokens for w in present_forms(t) if w in keyword}
        return (set(tokens) | presents | _spelled_as_indexed(tokens, keyword)) - generic()

    def part_terms(self, question: str, part: str) -> set[str]:
        """The terms one part of a question is answered by: the whole question's, less the words only the other
        parts use ("Who chairs X, and who is the vice-chair?": the chair's part does not look for "vice"). A part
        with no words of its own ("Hvornår og hvor …") is answered by the whole question's terms."""
        whole, own = self.terms(question), self.terms(part)
        if not own:
            return whole
        others = set().union(*(self.terms(p) for p in question_parts(question) if p != part)) - own
        # The names and years stay: they say what every part is about ("How many meetings will DSS hold in 2027,
        # and when is the first one?": the date is of DSS's meetings in 2027).
        others -= self.named(question) | {t for t in others if t.isdigit()}
        return (whole - others) or whole

    # --- rule results ----------------------------------------------------------------------------

    def rule_part(self, result: dict, text: str) -> AnswerPart:
        """The rule's own wording, with its source quotes cited."""
        cites, marks, notes = self.citations(), [], []
        for rc in result.get("citations", []):
            chunk = self.find_quote(rc["doc_id"], rc["quote"], rc.get("section", ""))
            if chunk is None:
                notes.append(f"source quote of {result['tool']} not found in the index: {rc['doc_id']}")
                continue
            marks.append(cites.add(chunk, rc["quote"]))
        if marks:
            text += " " + markers(marks)
        return AnswerPart(text, cites.items, abstained=not result.get("known", True), notes=notes)

    # --- documents -------------------------------------------------------------------------------

    def search(self, question: str, as_of: date, filters: Filters | None, k: int = 5) -> list[Hit]:
        return self.retriever.search(question, k=k, filters=filters, as_of=as_of)

    def spans(self, question: str, hits: list[Hit], n: int = 5, asked: str | None = None,
              per_hit: int = 1) -> list[tuple[Hit, Span]]:
        """The best span of each of the first n passages. With `asked` (one part of a question that asks several
        things), the kind of fact, the focus and what is counted come from that part, and the terms are the whole
        question's less those only the other parts use (part_terms). With per_hit, that many spans of each."""
        terms = self.part_terms(question, asked) if asked else self.terms(question)
        asked = asked or question
        kind, focus = answer_type(asked), self.indexed_focus(asked)
        nouns = self.counted_nouns(asked)
        out = []
        for rank, h in enumerate(hits[:n]):
            read = reading_of(question, h.chunk.text)
            for span in top_spans(terms, h.chunk.text, kind, self.idf, focus, per_hit, nouns, subject_terms(h.chunk),
                                  heading_words(h.chunk.section_title), read):
                # The item or heading a sentence stands under speaks for it: "Punktet blev udsat" answers a question
                # about the item "Fokusområder for Rammeaftalen Syd" though the sentence names neither.
                heading = (terms & set(tokenize(read(h.chunk.section_title)))) - set(tokenize(read(span.text)))
                bonus = 0.5 * sum(self.idf(t) for t in heading)
                out.append((h, Span(span.text, span.score + bonus - 0.3 * rank, span.carries_answer)))
        return out

    def indexed_focus(self, question: str) -> set[str]:
        """What the question asks about (spans.focus_terms), an English word also as the Danish words the glossary
        gives for it or that it is a cognate of ("representative" -> "repræsentant")."""
        from assistant.glossary import EN_DA

        keyword = self.index.keyword
        out = set()
        for t in focus_terms(question):
            out.add(t)
            out.update(w for w in present_forms(t) if w in keyword)
            if t not in keyword:
                out.update(_cognates(keyword, t))
        for t in list(out):  # a one-word glossary entry whose stem is the word itself
            if t in EN_DA:
                out.update(tokenize(EN_DA[t]))
        return out

    def unknown_terms(self, question: str, hits: list[Hit] = ()) -> list[str]:
        """Question words the documents never use, not even misspelt or as parts of a hyphenated compound; with
        hits, also words that only other documents than those of the best passages use: what the store holds
        besides the subject's documents says nothing about whether these speak of it."""
        keyword = self.index.keyword
        # A Danish question word that an English document lacks says nothing about what that document speaks of:
        # with one among the best passages, an indexed word is not looked for in the Danish ones either.
        languages = {passage_language(h.chunk.text) for h in hits[:3]}
        subject = {h.chunk.doc_id for h in hits[:3]} if languages == {"da"} else set()
        near: set[str] | None = None
        out = []
        # What the question asks for ("Hvilken aldersgruppe …?") is given by the answer's value ("18-30 år"), not
        # by the word: only the words about its subject must stand in the documents.
        for t in sorted(set(tokenize(question)) - generic() - focus_terms(question)):
            if t.isdigit() or len(t) < 4 or "-" in t:  # a compound's parts are terms of their own
                continue
            if t in keyword:
                if subject and not any(self.index.term_documents(f) & subject for f in _forms(keyword, t)):
                    if near is None:
                        near = {w for h in hits[:5] for w in tokenize(h.chunk.context_text())}
                    if not _spoken_of(t, near):
                        out.append(t)
                continue
            # misspelt (at least MIN_CLOSE alike) or the English spelling of an indexed word
            if _compound(t, keyword) or _present(keyword, t) or _closest(keyword, t)[0] or _cognate(keyword, t):
                continue
            if hits:  # another form of a word the best passages use ("maksimal" / "maksimumtakst")
                if near is None:
                    near = {w for h in hits[:5] for w in tokenize(h.chunk.context_text())}
                if _spoken_of(t, near):
                    continue
            out.append(t)
        return out

    def coverage(self, question: str, hits: list[Hit], lang: str = "da") -> float:
        """How much of the question's information the best of the top passages holds. A Danish word the index
        has never seen weighs most (the question asks about something the documents lack); in an English
        question such a word may just be English, so it weighs half as much. Below the bar, a word a passage
        speaks of in other words counts as held (`meant_by`)."""
        from assistant.glossary import expand_query

        asked = expand_query(question, replace=True)
        keyword = self.index.keyword
        # an English word the glossary lacks is looked for as the indexed word it is a cognate of
        terms = {t if t in keyword else (_present(keyword, t) or _cognate(keyword, t) or t)
                 for t in set(tokenize(asked)) - generic()}
        n = keyword.n or 1

        unseen = math.log(1 + n) if lang == "da" else math.log(1 + n) / 2

        def weight(t: str) -> float:
            return self.idf(t) if t in keyword else unseen

        top = [(h, passage_words(h.chunk.context_text())) for h in hits[:3]]
        literal = [weighted_coverage(terms, words, weight) for _, words in top]
        best = max(literal, default=0.0)
        if best >= MIN_WEIGHTED_COVERAGE:
            return best
        read = [(h, words) for (h, words), cov in zip(top, literal) if cov >= MIN_LITERAL]
        missing = sorted({t for _, words in read for t in terms if not holds(t, words)})
        near = self.meant_by(asked, missing, [h for h, _ in read])
        return max([best] + [weighted_coverage(terms, words, weight,
                                               {t for t in missing if h.chunk.id in near.get(t, ())})
                             for h, words in read])

    def meant_by(self, text: str, terms: list[str], hits: list[Hit]) -> dict[str, set[str]]:
        """For each (stemmed) term, the ids of those hits that are among the passages nearest to the term's own
        word in `text`, by meaning alone (abstention.NEAR_SHARE of the store). Empty where no vectors can be
        searched."""
        if not terms or not hits:
            return {}
        k = max(3, math.ceil(NEAR_SHARE * len(self.index.chunks)))
        ids = {h.chunk.id for h in hits}
        nearest = self.index.dense_search_many([question_word(text, t) for t in terms], k)
        return {t: ids & {cid for cid, _ in near} for t, near in zip(terms, nearest)}

    def named(self, question: str) -> set[str]:
        """The names the question gives (capitalised words after its first, that the index holds): Danish writes
        only names with a capital, so each names a place, body, offer or person the answer must be about. A date's
        month ("5 May 2022", "in September") names a day, not a subject; an English phrase the glossary translates
        ("National Board of Social Services") is looked for as its Danish terms by the coverage, not as a name."""
        from assistant.glossary import without_phrases
        from ingest.dates import MONTHS

        words = [w for w in re.findall(r"(?<![\w.])[A-ZÆØÅ][\w-]*", without_phrases(question))
                 if w.lower() not in MONTHS]
        first = re.match(r"\W*([\w-]+)", question)
        if first and words and words[0] == first.group(1):
            words = words[1:]
        found = {t for w in words for t in tokenize(w)[:1] if t in self.index.keyword and not t[:1].isdigit()}
        if not re.search(r"[A-ZÆØÅ]", question):  # typed in lower case: a name is a word the documents capitalise
            found |= {t for t in (set(tokenize(without_phrases(question))) - generic())
                      if len(t) >= 4 and not t[:1].isdigit() and not any(m.startswith(t) for m in MONTHS)
                      and self.written_as_name(t)}
        return found

    def written_as_name(self, term: str) -> bool:
        """Whether the documents write the (stemmed) term as a name, in the first NAME_PASSAGES passages that hold it:
        with a capital inside a line, and in lower case in less than 1 - NAME_SHARE of the places counted
        ("roskilde" -> "Mødested: Roskilde Rådhus"; not "socialtilsyn", written "et socialtilsyn" as often as
        "Socialtilsyn Midt"). A capital at a line's start says nothing."""
        postings = self.index.keyword.postings(term)
        if postings is None:
            return False
        rows = sorted(int(r) for r in postings[:NAME_PASSAGES, 0])
        ids = list(self.index.chunks.ids_at(rows).values())
        capital = small = 0
        word = re.compile(rf"(?<![\w./@-]){re.escape(term)}", re.I)  # not inside an address ("takst@kommune.dk")
        for chunk in self.index.chunks.many(ids).values():
            for m in word.finditer(chunk.text):
                if m.group()[0].islower():
                    small += 1  # written in lower case anywhere: a common word
                    continue
                before = chunk.text[max(0, m.start() - 12):m.start()]
                lead = before.rstrip(" \t")
                if lead != before and lead and (lead[-1].islower() or lead[-1] in ",:("):
                    capital += 1  # a capital inside a line, after a word, comma or colon; a line's first says nothing
        return capital >= 1 and capital >= NAME_SHARE * (capital + small)

    def outside_scope(self, question: str) -> str | None:
        """A name the question gives that only documents outside the rules' scope hold (another region's body, a
        municipality or offer of another region), as the question writes it; None when there is none. Such a
        question is about those documents, not about the bodies the rule tools answer for."""
        from assistant.names import body_in_scope, without_glosses
        from assistant.slots import strip_dates

        outside = {d for d, info in self.index.document_info().items() if not body_in_scope(info.body)}
        if not outside:
            return None  # a store of our own documents only: nothing to look up
        # "22 December 2026" names a day, not a body; "the Rate Group (<body>)" names the body
        names = self.named(strip_dates(without_glosses(question)))
        for n in sorted(names):
            docs = self.index.term_documents(n)
            if docs and docs <= outside:
                return question_word(question, n)
        return None

    def names_about(self, names: set[str], hit: Hit, span: Span, asks: str | None) -> set[str]:
        """The question's names that a quote is about (names_held); a document of the rules' own scope is about
        their region under any of the names the scope gives it (an English name of the region, where the
        Danish text says "<region>'s municipalities" in its own words)."""
        from assistant.names import body_in_scope

        held = names_held(names, hit, span, asks, self.opening(hit, names))
        info = self.index.document_info().get(hit.chunk.doc_id)
        if names - held and body_in_scope(info.body if info else hit.chunk.body):
            held |= names & own_region_terms()
        return held

    def counted_nouns(self, question: str) -> set[str]:
        """The stems of what a "how many" question counts, English words given as their Danish terms."""
        from assistant.glossary import expand_query

        words = counted(question)
        nouns = set(tokenize(expand_query(words, replace=True))) - function_words() if words else set()
        # A word the index never uses (English the glossary lacks, a synonym) cannot be looked for next to a number.
        return nouns if any(n in self.index.keyword for n in nouns) else set()

    def unasked(self, question: str, hits: list[Hit], quoted: list[tuple[Hit, Span]]) -> str | None:
        """Why the passages found speak of the question's subject but not of what it asks (None when one does):
        no passage found counts what a "how many" question counts, or no passage quoted holds every name and year
        the question gives."""
        names, years, asks = self.named(question), years_named(question), answer_type(question)
        nouns = self.counted_nouns(question)
        # An amount answers only beside what the question prices: "taksten pr. døgn" is not "Udvidelsen koster 2,3
        # mio. kr.", as a count answers only beside what is counted.
        # A word the index never uses (an English word over Danish minutes) cannot be looked for beside an amount.
        priced = ({t for t in focus_terms(question, nouns_only=True) or priced_subject(question)
                   if t in self.index.keyword} if asks == "money" else set())
        total = asks_total(question)
        if nouns and not any(counts(nouns, reading_of(question, h.chunk.text)(h.chunk.text), total=total) for h in hits):
            return f"no passage gives the number of «{counted(question)}»"
        days = days_named(question)
        asked_days = day_months(question)
        # One quoted passage must answer every part of the question at once: the day, each name and year it gives,
        # and the kind of fact it asks for. A day named by one quote and a decision carried by another
        # ("the next meeting is on 18 May" and "on 30 January it was decided …") answer nothing; and what was
        # decided on a day is told only by a document of that day or later.
        fits = []
        for h, s in quoted:
            c = h.chunk
            head = c.context_text()
            valid = f"{c.valid_from[:4]}-{(c.valid_to or c.valid_from)[:4]}" if c.valid_from else ""
            read = reading_of(question, c.text)(s.text)
            fits.append((all(names_day(head, d) and (asks != "decision" or not c.date or c.date >= d.isoformat())
                             for d in days), self.names_about(names, h, s, asks),
                         years_named(head) | years_named(valid),
                         gives(asks, s.text, years, asked_days)
                         and (not nouns or counts(nouns, read, total=total))
                         and (not priced or holds_any(set(tokenize(read)), priced))))
        if not fits or any(day and names <= held and years <= covered and kind for day, held, covered, kind in fits):
            return None
        # Why not: the first part that no quote answers; else (each part is answered, but by different passages)
        # the first part the best quote misses.
        together = (any(f[0] for f in fits), set().union(*(f[1] for f in fits)), set().union(*(f[2] for f in fits)),
                    any(f[3] for f in fits))
        parts = (question, days, names, years, asks, nouns)
        return _shortfall(*parts, *together) or _shortfall(*parts, *fits[0])

    def document_part(self, question: str, lang: str, as_of: date, filters: Filters | None,
                      region: str | None = None, hits: list[Hit] | None = None) -> AnswerPart:
        """Quoted answer spans of the best passages, or a truthful abstention with the closest passages."""
        hits = self.search(question, as_of, filters) if hits is None else hits
        # Across languages, three spans of each passage are candidates for the choice by meaning; the best of each
        # (its first) is what the abstention weighs either way.
        crossing = self.crosses_language(lang, hits)
        found = self.spans(question, hits, per_hit=3 if crossing else 1)
        kind = answer_type(question)
        if kind in CONTACT_KINDS and hits and not any(s.carries_answer for _, s in found):
            hits = hits + self.carried_elsewhere(kind, hits)
            found = self.spans(question, hits, n=len(hits), per_hit=3 if crossing else 1)
        spans = list({id(h): (h, s) for h, s in reversed(found)}.values())[::-1]  # the first span of each passage
        passages = [h.to_dict() for h in hits]
        ranked = sorted(found, key=lambda x: -x[1].score)
        if crossing:
            ranked = by_meaning(question, ranked, self.embeddings())
        # A phone number or an address is what the question asks for: the spans that give one come first.
        ranked.sort(key=lambda x: not (kind in CONTACT_KINDS and x[1].carries_answer))
        # The first is quoted; the others only if their words score half the best's (by meaning, the first need not
        # be the best by words).
        best = max((s.score for _, s in ranked), default=0.0)
        quoted = distinct_quotes(ranked, best)
        best_dense = max((h.dense_score or 0.0 for h in hits), default=0.0)
        # Every candidate span counts for the kind of fact asked: across languages a passage's best span by words is
        # not always the one that gives the amount.
        why = silence(best_dense, self.coverage(question, hits, lang), [s for _, s in found], kind,
                      self.unknown_terms(question, hits) if lang == "da" else [])
        notes: list[str] = []
        if not why and (why := self.unasked(question, hits, quoted)) and crossing:
            # The quotes chosen by meaning miss a name, day or kind of fact the question asks for; of the spans
            # ranked lower, the best by its words that answers all of it is quoted first instead of abstaining.
            answering = next(((h, s) for h, s in sorted(ranked, key=lambda x: -x[1].score) if (h, s) not in quoted
                              and self.unasked(question, hits, [(h, s)]) is None), None)
            if answering:
                notes.append(f"quoted by its words: the sentences chosen by meaning gave {why}")
                why, quoted = None, [answering, *quoted[:2]]
        cites = self.citations()
        if why:
            for h in hits[:2]:
                first = (sentences(h.chunk.text) or [h.chunk.text[:200]])[0]
                cites.add(h.chunk, first)
            return AnswerPart(silent_text(lang, why, region), cites.items, abstained=True, passages=passages,
                              notes=[f"abstained: {why}"])
        names = self.named(question)
        about = [names <= self.names_about(names, h, s, kind) for h, s in quoted]
        if kind in _VALUES:  # a value is quoted only from passages about every named thing (unasked() saw one)
            quoted = [q for q, ok in zip(quoted, about) if ok] or quoted
        else:  # the quotes about every named thing come first; the choice of quotes is the same
            quoted = [q for q, ok in zip(quoted, about) if ok] + [q for q, ok in zip(quoted, about) if not ok]
        quoted += self.other_parts(question, hits, quoted)
        quoted += decisions_beside(quoted)
        lines, proposal = [], False
        for h, s in quoted:
            n = cites.add(h.chunk, s.text)
            if is_proposal(h.chunk.kind, h.chunk.text, s.text):
                proposal = True
                lines.append(f"• «{normalize_ws(s.text)}» [{n}] " +
                             ("(forslag i en dagsorden)" if lang == "da" else "(a proposal in an agenda)"))
            else:
                lines.append(f"• «{normalize_ws(s.text)}» [{n}]")
        danish = any(passage_language(h.chunk.text) == "da" for h, _ in quoted)
        head = ("Det fremgår af dokumenterne:" if lang == "da" else
                "The documents say (quoted in Danish):" if danish else "The documents say:")
        text = "\n".join([head, *lines] + ([proposal_note(lang)] if proposal else []))
        return AnswerPart(text, cites.items, passages=passages, notes=notes)

    @staticmethod
    def crosses_language(lang: str, hits: list[Hit]) -> bool:
        """Whether the question's language is not that of the best passages (an English question over Danish
        minutes): their sentences are then chosen by meaning as well as by words (assistant.meaning)."""
        return any(passage_language(h.chunk.text) != lang for h in hits[:3])

    def embeddings(self):
        from ingest.embeddings import get_embeddings

        return get_embeddings(self.index.embedding_spec)

    def opening(self, hit: Hit, names: set[str]) -> str:
        """The start of the hit's document, read only when the passage itself lacks one of the names, and the long
        forms of the abbreviations the passage uses that its document defines ("VSS" for "Den Vestjyske Styregruppe
        for Socialområdet (VSS)"). Not the start of an agenda or minutes: it lists every item, and each item has a
        subject of its own."""
        if all(n in hit.chunk.context_text().lower() for n in names):
            return ""
        start = "" if hit.chunk.kind in ("agenda", "minutes") else self.index.chunks.opening(hit.chunk.doc_id)
        defined = self.abbreviations(hit.chunk.doc_id)
        used = [long for short, long in defined if re.search(rf"(?<![\w-]){re.escape(short)}(?![\w-])", hit.chunk.text)]
        return "\n".join([start, *used])

    def abbreviations(self, doc_id: str) -> tuple[tuple[str, str], ...]:
        """(abbreviation, long form) of each abbreviation a document defines in brackets after the name, read once
        per document and build."""
        key = (self.index.build_id, doc_id)
        if key not in _ABBREVIATIONS:
            found: dict[str, str] = {}
            for chunk in self.index.chunks.of_document(doc_id)[:MAX_DEFINING_CHUNKS]:
                for m in _DEFINED.finditer(chunk.text[:20000]):
                    found.setdefault(m.group(2), m.group(1))
            if len(_ABBREVIATIONS) > 256:
                _ABBREVIATIONS.clear()
            _ABBREVIATIONS[key] = tuple(found.items())
        return _ABBREVIATIONS[key]

    def carried_elsewhere(self, kind: str, hits: list[Hit], limit: int = 2) -> list[Hit]:
        """Passages of the best passages' documents that give a value of this form (a phone number, an e-mail
        address), where the passages found give none: a page's contact block rarely shares the question's words."""
        seen, found = {h.chunk.id for h in hits}, []
        for doc_id in dict.fromkeys(h.chunk.doc_id for h in hits[:3]):
            chunks = self.index.chunks.of_document(doc_id)[:MAX_DOCUMENT_PASSAGES]
            found += [c for c in chunks if c.id not in seen and carries(kind, c.text)][:limit]
        return [Hit(c, hits[-1].score) for c in found]

    def other_parts(self, question: str, hits: list[Hit], quoted: list[tuple[Hit, Span]]) -> list[tuple[Hit, Span]]:
        """For a question that asks several things, the best span for each part that the quotes do not hold yet
        ("…, and when was its next meeting?" wants a date beside the person; "Who chairs X, and who is the
        vice-chair?" wants the chair, whom the whole question's best sentence, about the vice-chair, may not name)."""
        parts = question_parts(question)
        if len(parts) == 1:
            return []
        out: list[tuple[Hit, Span]] = []
        years, days = years_named(question), day_months(question)
        for part in parts:
            ranked = sorted(self.spans(question, hits, asked=part, per_hit=3), key=lambda x: -x[1].score)
            # the best span that gives the kind of fact the part asks for, where one does: "when is the first one?"
            # of meetings "in 2027" wants a day, which the year alone does not give
            kind = answer_type(part)
            ranked = [x for x in ranked if x[1].carries_answer and gives(kind, x[1].text, years, days)] or ranked
            if ranked and not any(ranked[0][0].chunk.id == h.chunk.id and
                                  normalize_ws(ranked[0][1].text) in normalize_ws(s.text) for h, s in quoted + out):
                out.append(ranked[0])
        return out

    # --- decision register -----------------------------------------------------------------------

    def find_decisions(self, query=None, body=None, since=None, until=None, item_type=None, verb=None, limit=5):
        from assistant.register import search_decisions

        if not self.register_path or not self.register_path.exists():
            return []
        rows = search_decisions(self.register_path, query=query, body=body, since=since, until=until,
                                item_type=item_type, verb=verb, limit=limit * 4)
        return self._relevant(rows, query)[:limit]

    def _relevant(self, rows: list[dict], query: str | None) -> list[dict]:
        """Items whose title shares a content word with the question; else those whose recommendation does."""
        if not query:
            return rows
        q = set(tokenize(query)) - generic() - case_words()

        def shares(text: str) -> bool:
            words = set(tokenize(text))
            return bool(q & words) or any(len(t) >= 5 and w.startswith(t) for t in q for w in words)

        by_title = [r for r in rows if shares(r["title"])]
        if by_title:
            return by_title
        return [r for r in rows if shares(" ".join(x["text"] for x in r.get("recommendations", [])))]

    def decisions_part(self, question: str, lang: str, rows: list[dict]) -> AnswerPart:
        cites, lines = self.citations(), []
        for r in rows[:5]:
            cit = r["citation"]
            chunk = self.find_quote(cit["doc_id"], cit["quote"], r["item_no"])
            mark = f" [{cites.add(chunk, cit['quote'])}]" if chunk is not None else ""
            when = date_short(r["meeting_date"])
            verbs = ", ".join(x["verb"] for x in r.get("recommendations", []))
            if r["status"] == "decided":
                lines.append((f"• {r['body']} {when}, pkt. {r['item_no']} {r['title']}: besluttet: "
                               f"{r.get('decision_text') or ''}" if lang == "da" else
                               f"• {r['body']} {when}, item {r['item_no']} {r['title']}: decided: "
                               f"{r.get('decision_text') or ''}").strip() + mark)
            else:
                lines.append((f"• Forelagt {r['body']} på mødet {when}, pkt. {r['item_no']} «{r['title']}» "
                              f"(indstilling: {verbs or 'ingen'}; dagsordenen er et forslag, ikke en beslutning)"
                              if lang == "da" else
                              f"• Put forward to {r['body']} at the meeting of {when}, item {r['item_no']} «{r['title']}» "
                              f"(recommendation: {verbs or 'none'}; an agenda is a proposal, not a decision)") + mark)
        head = ("Dagsordenspunkter i dokumenterne, der svarer til spørgsmålet:" if lang == "da"
                else "Agenda items in the documents that match the question:")
        tail = "" if any(r["status"] == "decided" for r in rows) else (
            "Dokumenterne indeholder ingen referater, så udfaldet af møderne fremgår ikke." if lang == "da" else
            "The documents hold no minutes, so the outcome of the meetings is not recorded.")
        # What the top item's case description says, quoted: the background a reader asks for.
        top = rows[0]
        item_hits = [Hit(c, 1.0) for c in self.index.chunks.of_document(top["doc_id"]) if c.section == top["item_no"]]
        cited = {c.chunk_id for c in cites.items}
        details = []
        for h, s in self.spans(question, [h for h in item_hits if h.chunk.id not in cited], n=2)[:1]:
            details.append(f"  «{normalize_ws(s.text)}» [{cites.add(h.chunk, s.text)}]")
        if details:
            details.insert(0, "Fra sagsfremstillingen:" if lang == "da" else "From the case description:")
        return AnswerPart("\n".join([head, *lines, *details] + ([tail] if tail else [])), cites.items)


    # --- the interface the model planner builds its answers with ------------------------------

    def is_silent(self, question: str, hits: list[Hit]) -> bool:
        best_dense = max((h.dense_score or 0.0 for h in hits), default=0.0)
        spans = [s for _, s in self.spans(question, hits)]
        return silence(best_dense, self.coverage(question, hits), spans, answer_type(question)) is not None

    def best_sentences(self, question: str, hits: list[Hit], n: int = 3) -> list[tuple[Hit, str]]:
        return [(h, s.text) for h, s in sorted(self.spans(question, hits), key=lambda x: -x[1].score)[:n]]

    def cite_chunk(self, chunk, quote: str):
        from assistant.citations import cite

        return cite(chunk, quote)

    def find_quote(self, doc_id: str, quote: str, section: str = ""):
        """The cited chunk, read from the one document the citation names (not a scan of the index)."""
        return find_quote(self.index.chunks.of_document(doc_id), doc_id, quote, section)

    @staticmethod
    def add_citation(out, citation) -> int:
        for n, c in enumerate(out.citations, start=1):
            if c.chunk_id == citation.chunk_id and normalize_ws(citation.quote) in normalize_ws(c.quote):
                return n
        out.citations.append(citation)
        return len(out.citations)

    def rule_answer(self, out, result: dict):
        from assistant.answer import attach

        text = result["answer_da"] if out.language == "da" else result["answer_en"]
        return attach(out, self.rule_part(result, text))

    def document_answer(self, out, filters):
        from assistant.answer import attach

        return attach(out, self.document_part(out.question, out.language, date.fromisoformat(out.as_of), filters))

    def decisions_answer(self, out, rows: list[dict], filters=None):
        from assistant.answer import attach

        return attach(out, self.decisions_part(out.question, out.language, rows))


NAME_PASSAGES, NAME_SHARE = 8, 0.75  # see Evidence.written_as_name
COGNATE_MIN, COGNATE_SHARE, COGNATE_LONGER = 6, 0.75, 3  # see _Spellings.cognate
MIN_CLOSE = 0.8  # a word this alike (difflib ratio) to an indexed one is a misspelling of it, not an unknown word
SAME_WORD = 0.85  # this alike, the indexed word also joins the question's terms


def distinct_quotes(ranked: list[tuple[Hit, Span]], best: float, n: int = 3) -> list[tuple[Hit, Span]]:
    """The first span and up to n-1 more that score at least half the best, none repeating another: overlapping
    passages hold the same sentence, and a span that another chosen span holds (or that holds it) is one quote, the
    longer of the two."""
    out: list[tuple[Hit, Span]] = []
    for h, s in ranked:
        if len(out) == n:
            break
        if out and s.score < 0.5 * best:
            continue
        same = next((i for i, (_, q) in enumerate(out) if _overlap(s.text, q.text)), None)
        if same is None:
            out.append((h, s))
        elif len(normalize_ws(s.text)) > len(normalize_ws(out[same][1].text)):
            out[same] = (h, s)
    return out


def _overlap(a: str, b: str) -> bool:
    """One quote holds the other, whitespace aside: they are one quote."""
    a, b = normalize_ws(a), normalize_ws(b)
    return a in b or b in a


def decisions_beside(quoted: list[tuple[Hit, Span]]) -> list[tuple[Hit, Span]]:
    """A quote from the proposal (Indstilling) of an item in minutes is followed by what the meeting decided on it,
    where the same passage records that: the proposal alone would read as the outcome."""
    out: list[tuple[Hit, Span]] = []
    for h, s in quoted:
        if h.chunk.kind != "minutes" or not in_recommendation(h.chunk.text, s.text):
            continue
        decision = decision_span(h.chunk.text)
        if decision and not any(x.chunk.id == h.chunk.id and _overlap(decision, q.text) for x, q in quoted + out):
            out.append((h, Span(decision, s.score, True)))
    return out


def subject_terms(chunk) -> frozenset[str]:
    """The words that say which document a passage is: its title, body and date (in Danish and English). A question
    names them to pick the document; within it they do not single out the answering sentence."""
    return _document_words(chunk.title, chunk.body, chunk.date)


def _shortfall(question: str, days: list[date], names: set[str], years: set[int], asks: str | None, nouns: set[str],
               day: bool, held: set[str], covered: set[int], kind: bool) -> str | None:
    """The first part of the question a quote (or the quotes together) leaves unanswered, as an abstention reason."""
    if not day:  # "pr. 1. februar 2025" is not answered by a status of 1 February 2026
        return f"no passage says it for {date_short(days[0])}"
    if not names <= held:
        name = question_word(question, sorted(names - held)[0])
        # for a value, passages may name it, but none gives the value for it
        return f"no passage gives it for «{name}»" if asks in _VALUES else f"no passage about it names «{name}»"
    if not years <= covered:
        return f"no passage says it for {', '.join(str(y) for y in sorted(years))}"
    if not kind:
        return (f"no passage gives the number of «{counted(question)}»" if nouns else
                f"no passage gives the {_KIND_WORDS.get(asks, asks)} the question asks for")
    return None


# How an abstention names the kind of fact asked for (wording.py gives each its Danish).
_KIND_WORDS = {"who": "person", "phone": "phone number", "email": "e-mail address"}


@lru_cache(maxsize=4096)
def heading_words(heading: str) -> frozenset[str]:
    """The words of a passage's heading: a sentence made of them repeats the heading ("Titel: …" under the item of
    that title) and answers nothing."""
    return frozenset(tokenize(heading))


# Answers that are a value of the named thing: its number, amount or date.
_VALUES = frozenset({"number", "money", "date"})
MAX_DOCUMENT_PASSAGES = 400  # passages of one document read for a contact detail (a long agreement has about 60)


# "Den Vestjyske Styregruppe (the West Steering Group, VSS)": up to five words before the bracket, and
# the abbreviation (capitals, maybe a hyphened part) that ends it.
_DEFINED = re.compile(r"([A-ZÆØÅ][\w'’-]*(?:[ \t]+[\w'’-]+){0,4})[ \t]*\((?:[^()\n]{0,80}?,[ \t]*)?"
                      r"([A-ZÆØÅ]{2,8}(?:-[A-ZÆØÅ]{1,3})?)\)")
_ABBREVIATIONS: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
MAX_DEFINING_CHUNKS = 200  # a document's abbreviations are looked for in its first chunks, not in a whole book


def names_held(names: set[str], hit: Hit, span: Span, asks: str | None, opening: str = "") -> set[str]:
    """The question's names that a quote is about. For a question that asks for a value (a number, an amount, a
    date), a name counts where it names the passage's subject (its document's title or body, its heading, its first
    line: an item's "Titel:") or stands in the quoted words: a name further down the passage may be something else
    the passage speaks of ("Kollegiet has 11 places" in an item that also names where its residents moved is no
    answer about the places of that other offer). For other questions, anywhere in the passage. The `opening` of the
    passage's document counts like its title (a page says at its start whose page it is). A name's stem stands
    inside each of its forms ("kollegi" in "Kollegiets"): no stemming needed."""
    c = hit.chunk
    if asks in _VALUES:
        first = c.text.lstrip().split("\n", 1)[0]
        about = f"{c.title}\n{c.body}\n{c.section_title}\n{first}\n{span.text}\n{opening}".lower()
    else:
        about = f"{c.context_text()}\n{opening}".lower()
    return {n for n in names if n in about}


# "Hvad koster <it>?", "What does <it> cost?": the verb asks for the amount, the words beside it say of what.
_PRICED = re.compile(r"\b(?:koste[rt]?|kostede)\s+((?:[\w-]+\s+){0,3}[\w-]+)|\bdoes\s+((?:[\w-]+\s+){0,3}?[\w-]+)"
                     r"\s+cost\b", re.I)


def priced_subject(question: str) -> set[str]:
    """The (stemmed) head of what a "Hvad koster …?" question prices: the first content word after the Danish verb
    ("boligstrategien", "en plads på …" -> plads), the last before the English one ("the housing strategy");
    empty when the question is not worded so."""
    m = _PRICED.search(question[:1000])
    words = [t for t in tokenize(m.group(1) or m.group(2)) if t not in function_words()] if m else []
    return {words[0] if m.group(1) else words[-1]} if words else set()


@lru_cache(maxsize=1)
def own_region_terms() -> frozenset[str]:
    """The (stemmed) words of the names the scope gives its own region."""
    from rules.scope import scope

    return frozenset(t for name in scope().region_names for t in tokenize(name))


@lru_cache(maxsize=256)
def passage_words(text: str) -> frozenset[str]:
    """A passage's (stemmed) words; an English passage's also as the Danish terms the glossary gives its English
    phrases, so that a Danish question's words are looked for in it as the glossary reads them ("places": pladser)."""
    from assistant.glossary import expand_query

    return frozenset(tokenize(expand_query(text) if passage_language(text) == "en" else text))


def reading_of(question: str, text: str):
    """How a question's words are looked for in a passage's sentences: a Danish question's in an English passage
    with the glossary's Danish terms beside its English phrases (glossary.in_place); otherwise as they stand (an
    English question's words would be counted twice)."""
    from assistant.glossary import in_place

    return in_place if passage_language(text) == "en" and passage_language(question) == "da" else str


@lru_cache(maxsize=4096)
def passage_language(text: str) -> str:
    """A passage's language, told from its start; the abstention and the sentence choice both ask it of the best
    passages of the same question."""
    from assistant.slots import detect_language

    return detect_language(text[:2000])


@lru_cache(maxsize=1024)
def _document_words(title: str, body: str, day: str) -> frozenset[str]:
    """Stemmed once per document, not once per passage and question."""
    from ingest.dates import date_da, date_en

    words = f"{title} {body}"
    try:
        d = date.fromisoformat(day)
        words += f" {date_da(d)} {date_en(d)}"
    except (TypeError, ValueError):
        pass
    return frozenset(tokenize(words))


class _Spellings:
    """The index's words as letter counts, to find the one spelt most like a word the index lacks.

    difflib's ratio is 2*matches/(len a + len b), and the matches cannot exceed the letters two words share; so a
    word whose shared letters cannot reach MIN_CLOSE is left out before difflib compares the rest. The best match is
    the same as difflib's over the whole vocabulary, which at 100x (7,393 words) took 5 ms per word in Python.
    """

    def __init__(self, vocabulary):
        import numpy as np

        self.words = sorted(vocabulary)
        letters = sorted({ch for w in self.words for ch in w})
        self.column = {ch: i for i, ch in enumerate(letters)}
        self.counts = np.zeros((len(self.words), len(letters) + 1), dtype=np.int16)  # last column: other letters
        for row, w in enumerate(self.words):
            for ch in w:
                self.counts[row, self.column[ch]] += 1
        self.lengths = self.counts.sum(axis=1)
        self.folded: list[tuple[str, str]] | None = None  # (folded, word), sorted: built on the first cognate asked

    def cognates(self, term: str) -> list[str]:
        """The indexed words the term is an English cognate of ("represent" -> "repræsentant", "secretariat" ->
        "sekretariat"), the most alike first: spelt alike after folding (glossary.fold), the folded beginnings shared
        over COGNATE_SHARE of the term and at least COGNATE_MIN letters, and at most COGNATE_LONGER letters longer
        (an inflection, not a compound: "conferences" is "konference", not "konferencetema")."""
        from assistant.glossary import fold

        if self.folded is None:
            self.folded = sorted((fold(w), w) for w in self.words)
        f = fold(term)
        need = max(COGNATE_MIN, math.ceil(COGNATE_SHARE * len(f)))
        if len(f) < need:
            return []
        found = []
        for folded, word in _beginning_with(self.folded, f[:need], len(f) + COGNATE_LONGER, key=lambda x: x[0]):
            shared = next((n for n, (a, b) in enumerate(zip(folded, f)) if a != b), min(len(folded), len(f)))
            found.append((-shared, len(folded), word))
        return [w for _, _, w in sorted(found)]

    def closest(self, term: str, n: int = 3) -> list[tuple[str, float]]:
        """The n indexed words most alike to the term, at least MIN_CLOSE alike, the most alike first."""
        import difflib

        import numpy as np

        if not self.words:
            return []
        wanted = np.zeros(self.counts.shape[1], dtype=np.int16)
        for ch in term:
            wanted[self.column.get(ch, -1)] += 1
        shared = np.minimum(self.counts, wanted).sum(axis=1)
        # a little slack for float rounding: the filter may only keep too many, never too few
        keep = np.flatnonzero(2 * shared >= MIN_CLOSE * (self.lengths + len(term)) - 1e-6)
        best = difflib.get_close_matches(term, [self.words[i] for i in keep], n=n, cutoff=MIN_CLOSE)
        return [(w, difflib.SequenceMatcher(None, w, term).ratio()) for w in best]


@lru_cache(maxsize=4)
def _spellings(keyword) -> _Spellings:
    return _Spellings(keyword.vocabulary())


@lru_cache(maxsize=4096)
def _cognates(keyword, term: str) -> tuple[str, ...]:
    """The indexed words an English question word is a cognate of, the most alike first (cached per index and
    word)."""
    return tuple(_spellings(keyword).cognates(term)) if term.isalpha() else ()


def _cognate(keyword, term: str) -> str:
    return next(iter(_cognates(keyword, term)), "")


@lru_cache(maxsize=4096)
def _alike(keyword, term: str) -> tuple[tuple[str, float], ...]:
    """The indexed words most alike in spelling to `term` and how alike, the most alike first, none below MIN_CLOSE.
    Cached per index and word: the unknown-word check and the question's terms ask about the same words, question
    after question."""
    return tuple(_spellings(keyword).closest(term))


def _closest(keyword, term: str) -> tuple[str, float]:
    """The indexed word most alike in spelling to `term` and how alike, or ("", 0.0) below MIN_CLOSE."""
    return next(iter(_alike(keyword, term)), ("", 0.0))


def _present(keyword, term: str) -> str:
    """The indexed present of a past form the index lacks ("deltog" -> "deltag"), or ""."""
    return next((w for w in present_forms(term) if w in keyword), "")


def _spelled_as_indexed(tokens: list[str], keyword) -> set[str]:
    """Indexed words for question words the index lacks: a close spelling (one or two letters off), or two
    neighbouring words written apart that the documents write as one."""
    out: set[str] = set()
    for i, t in enumerate(tokens):
        if t in keyword or len(t) < 4 or not t.isalpha():
            continue
        # a typo can be one letter off several indexed words ("referant": "referent", "referat"): each may be meant
        same = [w for w, alike in _alike(keyword, t) if alike >= SAME_WORD]
        if same:
            out.update(same)
        else:
            out.update(_cognates(keyword, t))
        # a compound the documents write only apart or in other compounds ("herbergskapaciteten"): its parts
        out.update(_compound_parts(t, keyword))
        if i + 1 < len(tokens):
            joined = t + tokens[i + 1]
            if joined in keyword:
                out.add(joined)
    return out


FORM_MIN = 4  # letters of the shortest stem counted as a form of a longer one


def _forms(keyword, term: str, limit: int = 20) -> list[str]:
    """The term and the indexed words that are other forms of it, where the stemmer cut one word two ways
    ("forberede" -> forb, "forberedende" -> forbered): an indexed stem the term begins with, of at least FORM_MIN
    letters and half the term, or an indexed word that begins with the term and is at most COGNATE_LONGER letters
    longer (an inflection, not a compound)."""
    out = [term] + [term[:n] for n in range(max(FORM_MIN, (len(term) + 1) // 2), len(term)) if term[:n] in keyword]
    longer = (w for w in _beginning_with(_spellings(keyword).words, term, len(term) + COGNATE_LONGER) if w != term)
    return out + list(islice(longer, max(0, limit - len(out))))


def _beginning_with(items: list, prefix: str, longest: int, key=lambda x: x):
    """The items of a sorted list whose key begins with the prefix and is at most `longest` letters long, in order
    (a bisection, then a walk over the items that share the prefix)."""
    i = bisect.bisect_left(items, prefix, key=key)
    while i < len(items) and key(items[i]).startswith(prefix):
        if len(key(items[i])) <= longest:
            yield items[i]
        i += 1


def _spoken_of(term: str, words: set[str]) -> bool:
    """Whether the passages' words hold the term in another form: a word sharing its first five letters
    ("kontaktperson" / "kontakt", "indgår" / "indgås") or spelt nearly alike ("plader" / "plads")."""
    import difflib

    if len(term) >= 5 and any(w[:5] == term[:5] for w in words):
        return True
    return bool(difflib.get_close_matches(term, list(words), n=1, cutoff=MIN_CLOSE))


def question_word(question: str, term: str) -> str:
    """The question's own word for a stemmed term (the term itself when no single word gives it)."""
    for word in question.replace("?", " ").split():
        if term in tokenize(word.strip(".,;:!()«»\"'")):
            return word.strip(".,;:!()«»\"'")
    return term


def _compound(term: str, vocabulary) -> bool:
    """A Danish compound of two indexed words ("kapacitetsmodel" = kapacitet(s) + model)."""
    return bool(_compound_parts(term, vocabulary))


def _compound_parts(term: str, vocabulary) -> tuple[str, str] | tuple[()]:
    """The two indexed words a Danish compound is made of, a linking s dropped ("herbergskapacitet" -> herberg,
    kapacitet), the longest head first; () when it is not one."""
    for i in range(len(term) - 4, 3, -1):
        left, right = term[:i], term[i:]
        if right not in vocabulary:
            continue
        if left in vocabulary:
            return left, right
        if left.endswith("s") and left[:-1] in vocabulary:
            return left[:-1], right
    return ()


# Words that ask about cases in general, not about a topic; words that say nothing about the topic of a
# question. Stemmed at first use, not at import: a rule question never tokenizes, so it need not load the stemmer.
_CASE_WORDS = ("sag sager punkt punkter forelagt behandlet drøftet møde møder dagsorden item items "
               "case cases agenda meeting meetings put proposed decided besluttet foreslået indstillet")
_GENERIC = ("hvad hvem hvornår hvordan hvilke hvilken hvilket hvorfor hvis sige siger står dokument dokumenterne "
            "dokumenter what who whom whose when how which why say says document documents tell about please venligst "
            "mange many much "
            "og i på af til for med er det den der om en et at the of to in is a an and on "
            "ifølge according skal kan vil var blev har være været does do did was were are be "
            # modal and auxiliary verbs, pronouns and prepositions: they frame a question in any domain
            "havde have has had kunne skulle ville burde bør må can could should would must may might will shall "
            "man one they them their there its into onto without within upon "
            # English prepositions, conjunctions and adverbs: they relate the topic's words, they are not the topic
            "before after above below between during until since through across against among along around behind "
            "beyond toward towards than then also only just even still yet already again very too more most less "
            "least other others another each every both either neither such same any some all not nor but or if "
            "whether while because thus therefore however need needs needed")


@lru_cache(maxsize=None)
def case_words() -> frozenset[str]:
    return frozenset(tokenize(_CASE_WORDS))


# Nouns in nearly every passage of the domain: no topic of a question, but what a "how many" question may count.
_COMMON_NOUNS = "kommune kommuner region"


@lru_cache(maxsize=None)
def generic() -> frozenset[str]:
    return frozenset(tokenize(f"{_GENERIC} {_COMMON_NOUNS}"))


@lru_cache(maxsize=None)
def function_words() -> frozenset[str]:
    """The words that frame a question in any domain (generic() less the domain's common nouns)."""
    return frozenset(tokenize(_GENERIC))
