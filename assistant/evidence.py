"""Turning tool results and retrieved passages into cited answer text (shared by both planners)."""
from __future__ import annotations

import re
from datetime import date

from assistant.answer import Answer, Citation, date_short
from assistant.retrieval import Filters, Hit, Retriever
from assistant.slots import strip_dates
from ingest.chunk import Chunk
from ingest.clean import normalize_ws
from ingest.keyword import tokenize

# Calibrated on the golden set's document questions (best dense cosine and term coverage of the top hits of
# answerable vs. abstain cases, listed by evals/calibrate.py): below both, the documents are silent.
ABSTAIN_MIN_DENSE = 0.845
ABSTAIN_MIN_COVERAGE = 0.34

_AMOUNT = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?(?![\w])")
_QUANTITY = re.compile(r"(hvor\s+mange|hvor\s+meget|antal|how\s+many|how\s+much|number\s+of|hvor\s+stor|how\s+large|procent|percent)", re.I)
_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ0-9•\"”])|\n(?=[•\-–o]\s)|\n{2,}")


_ABBREVIATION = re.compile(r"(?:\b(?:ca|bl\.a|fx|jf|pkt|nr|mv|m\.v|f\.eks|evt|inkl|ift|ifm|vedr|kl|dvs|mio|mia|kr|st|e\.g|i\.e|no)\.|\b\d{1,2}\.)$", re.I)


def sentences(text: str) -> list[str]:
    """Sentences and bullet lines of a passage; abbreviations ("ca.", "bl.a.") and dates do not end one."""
    parts: list[str] = []
    for p in (x.strip() for x in _SENT_SPLIT.split(text)):
        if parts and _ABBREVIATION.search(parts[-1]):
            parts[-1] = f"{parts[-1]} {p}"
        elif p:
            parts.append(p)
    return [p for p in parts if len(p) > 25]


class Evidence:
    """Access to the index for citing: retrieval, the register and chunk look-ups."""

    def __init__(self, retriever: Retriever, register_path=None):
        self.retriever = retriever
        self.index = retriever.index
        self.register_path = register_path

    # --- citations -------------------------------------------------------------------------------

    def cite_chunk(self, chunk: Chunk, quote: str) -> Citation:
        section = f"pkt. {chunk.section} {chunk.section_title}" if chunk.section else chunk.section_title
        return Citation(doc_id=chunk.doc_id, title=chunk.title, date=chunk.date, section=section.strip(),
                        quote=quote.strip(), source=chunk.source, chunk_id=chunk.id, body=chunk.body, kind=chunk.kind)

    def find_quote(self, doc_id: str, quote: str, section: str = "") -> Chunk | None:
        """The indexed chunk of a document that contains a quote (whitespace-insensitive)."""
        q = normalize_ws(quote)
        candidates = [c for c in self.index.chunks.values() if c.doc_id == doc_id and q in normalize_ws(c.text)]
        if section:
            preferred = [c for c in candidates if c.section == section.split()[0]]
            candidates = preferred or candidates
        return candidates[0] if candidates else None

    def add_citation(self, out: Answer, citation: Citation) -> int:
        for n, c in enumerate(out.citations, start=1):
            if c.chunk_id == citation.chunk_id and c.quote == citation.quote:
                return n
        out.citations.append(citation)
        return len(out.citations)

    # --- rule answers ----------------------------------------------------------------------------

    def rule_answer(self, out: Answer, result: dict) -> None:
        text = result["answer_da"] if out.language == "da" else result["answer_en"]
        marks = []
        for rc in result.get("citations", []):
            chunk = self.find_quote(rc["doc_id"], rc["quote"], rc.get("section", ""))
            if chunk is None:
                out.notes.append(f"source quote of {result['tool']} not found in the index: {rc['doc_id']}")
                continue
            marks.append(self.add_citation(out, self.cite_chunk(chunk, rc["quote"])))
        if marks:
            text += " " + "".join(f"[{n}]" for n in sorted(set(marks)))
        out.answer = text
        out.abstained = not result.get("known", True)

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
        q = set(tokenize(query)) - _GENERIC - _CASE_WORDS

        def shares(text: str) -> bool:
            words = set(tokenize(text))
            return bool(q & words) or any(len(t) >= 5 and w.startswith(t) for t in q for w in words)

        by_title = [r for r in rows if shares(r["title"])]
        if by_title:
            return by_title
        return [r for r in rows if shares(" ".join(x["text"] for x in r.get("recommendations", [])))]

    def decisions_answer(self, out: Answer, rows: list[dict], filters: Filters | None) -> None:
        lines = []
        for r in rows[:5]:
            cit = r["citation"]
            chunk = self.find_quote(cit["doc_id"], cit["quote"], r["item_no"])
            mark = ""
            if chunk is not None:
                mark = f" [{self.add_citation(out, self.cite_chunk(chunk, cit['quote']))}]"
            when = date_short(r["meeting_date"])
            verbs = ", ".join(x["verb"] for x in r.get("recommendations", []))
            if r["status"] == "decided":
                lines.append((f"• {r['body']} {when}, pkt. {r['item_no']} {r['title']}: besluttet: {r.get('decision_text') or ''}".strip()
                              if out.language == "da" else
                              f"• {r['body']} {when}, item {r['item_no']} {r['title']}: decided: {r.get('decision_text') or ''}".strip()) + mark)
            else:
                lines.append((f"• Forelagt {r['body']} på mødet {when}, pkt. {r['item_no']} «{r['title']}» "
                              f"(indstilling: {verbs or 'ingen'}; dagsordenen er et forslag, ikke en beslutning)"
                              if out.language == "da" else
                              f"• Put forward to {r['body']} at the meeting of {when}, item {r['item_no']} «{r['title']}» "
                              f"(recommendation: {verbs or 'none'}; an agenda is a proposal, not a decision)") + mark)
        head = ("Dagsordenspunkter i dokumenterne, der svarer til spørgsmålet:" if out.language == "da"
                else "Agenda items in the documents that match the question:")
        tail = ("Dokumenterne indeholder ingen referater, så udfaldet af møderne fremgår ikke."
                if out.language == "da" else
                "The documents hold no minutes, so the outcome of the meetings is not recorded.")
        if any(r["status"] == "decided" for r in rows):
            tail = ""
        # What the top item's case description says, quoted: the background a reader asks for.
        top = rows[0]
        item_hits = [Hit(c, 1.0) for c in self.index.chunks.values()
                     if c.doc_id == top["doc_id"] and c.section == top["item_no"]]
        details = []
        cited = {normalize_ws(c.quote).lstrip("• ") for c in out.citations}
        for hit, sent in self.best_sentences(out.question, item_hits, n=3, skip=cited)[:2]:
            n = self.add_citation(out, self.cite_chunk(hit.chunk, sent))
            details.append(f"  «{normalize_ws(sent)}» [{n}]")
        if details:
            details.insert(0, "Fra sagsfremstillingen:" if out.language == "da" else "From the case description:")
        out.answer = "\n".join([head, *lines, *details] + ([tail] if tail else []))

    # --- document answers ------------------------------------------------------------------------

    def coverage(self, question: str, hit: Hit) -> float:
        """Share of the question's content words (with their Danish glossary terms) found in the passage."""
        from assistant.glossary import expand_query

        terms = set(tokenize(expand_query(question, replace=True))) - _GENERIC
        if not terms:
            return 0.0
        words = set(tokenize(hit.chunk.context_text()))
        return len(terms & words) / len(terms)

    def is_silent(self, question: str, hits: list[Hit]) -> bool:
        if not hits:
            return True
        best_dense = max((h.dense_score or 0.0) for h in hits)
        best_cov = max(self.coverage(question, h) for h in hits[:3])
        return best_dense < ABSTAIN_MIN_DENSE and best_cov < ABSTAIN_MIN_COVERAGE

    def document_answer(self, out: Answer, filters: Filters | None, k: int = 5) -> None:
        hits = self.retriever.search(out.question, k=k, filters=filters, as_of=date.fromisoformat(out.as_of))
        out.passages = [h.to_dict() for h in hits]
        if self.is_silent(out.question, hits):
            out.abstained = True
            out.answer = ("Det siger dokumenterne ikke noget om. De nærmeste passager er vist under kilderne."
                          if out.language == "da" else
                          "The documents do not say. The closest passages are shown below.")
            for h in hits[:2]:
                first = (sentences(h.chunk.text) or [h.chunk.text[:200]])[0]
                self.add_citation(out, self.cite_chunk(h.chunk, first))
            return
        picked = self.best_sentences(out.question, hits)
        lines = []
        for hit, sent in picked:
            n = self.add_citation(out, self.cite_chunk(hit.chunk, sent))
            lines.append(f"• «{normalize_ws(sent)}» [{n}]")
        if out.language == "da":
            head = "Det fremgår af dokumenterne:"
        else:
            head = "The documents say (quoted in Danish):"
        notes = []
        if any(h.chunk.kind == "agenda" and re.match(r"[•\-]?\s*(godkend|drøft|beslut|orienter|tager|nedsæt)", s, re.I)
               for h, s in picked):
            notes.append("Bemærk: En dagsordens indstilling er et forslag til mødet, ikke en beslutning."
                         if out.language == "da" else
                         "Note: an agenda's recommendation (Indstilling) is a proposal to the meeting, not a decision.")
        out.answer = "\n".join([head, *lines, *notes])

    def best_sentences(self, question: str, hits: list[Hit], n: int = 3,
                       skip: set[str] = frozenset()) -> list[tuple[Hit, str]]:
        """The sentences that answer: most (idf-weighted) question terms, a number when one is asked for."""
        from assistant.glossary import expand_query

        terms = set(tokenize(expand_query(question))) - _GENERIC
        wants_number = bool(_QUANTITY.search(question))
        scored = []
        for rank, h in enumerate(hits[:4]):
            for s in sentences(h.chunk.text):
                words = set(tokenize(s))
                score = sum(self._idf(t) for t in terms & words)
                # Danish compounds: "døgnpladser" answers a question about "pladser".
                score += 0.5 * sum(self._idf(t) for t in terms - words
                                   if len(t) >= 4 and any(t in w for w in words))
                if wants_number and _AMOUNT.search(strip_dates(s)):
                    score += 4.0  # a count or amount, not a date or a year
                if len(s) < 60 and not s.rstrip().endswith((".", ":", "?")):
                    score *= 0.5  # a heading, not an answer
                scored.append((score - 0.3 * rank, rank, h, s))
        scored.sort(key=lambda x: (-x[0], x[1]))
        picked, seen = [], set()
        for score, _, h, s in scored:
            if score <= 0 and picked:
                break
            if s in seen or normalize_ws(s).lstrip("• ") in skip:
                continue
            seen.add(s)
            picked.append((h, s))
            if len(picked) >= n:
                break
        if not picked and hits:
            picked.append((hits[0], (sentences(hits[0].chunk.text) or [hits[0].chunk.text])[0]))
        return [(h, self._with_list(h.chunk.text, s)) for h, s in picked]

    @staticmethod
    def _with_list(text: str, sentence: str, limit: int = 450) -> str:
        """A sentence that introduces a list ("… af følgende medlemmer:") is quoted with the list."""
        if not sentence.rstrip().endswith(":"):
            return sentence
        start = text.find(sentence)
        if start < 0:
            return sentence
        end = start + len(sentence)
        tail = text[end : end + limit]
        cut = tail.rfind("\n") if len(tail) == limit else len(tail)
        paragraph_end = tail.find("\n\n", 1)
        if 0 < paragraph_end < cut and tail[paragraph_end:].lstrip()[:1] not in ("•", "-", "–"):
            cut = paragraph_end
        return text[start : end + max(cut, 0)].rstrip()

    def _idf(self, term: str) -> float:
        import math

        n = len(self.index.keyword.ids) or 1
        df = len(self.index.keyword.postings.get(term, ())) or n
        return math.log(1 + n / df)


# Words that ask about cases in general, not about a topic.
_CASE_WORDS = set(tokenize("sag sager punkt punkter forelagt behandlet drøftet møde møder dagsorden item items "
                           "case cases agenda meeting meetings put proposed decided besluttet foreslået indstillet"))

# Words that say nothing about the topic of a question.
_GENERIC = set(tokenize(
    "hvad hvem hvornår hvordan hvilke hvilken hvorfor sige siger står dokument dokumenterne dokumenter "
    "what who when how which why say says document documents tell about please venligst mange many much "
    "dassos midtjylland kommune kommuner region"))
