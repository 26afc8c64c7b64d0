"""Citations: a quote of an indexed chunk, one citation per passage, numbered as they appear."""
from __future__ import annotations


from assistant.answer import Citation, renumber  # noqa: F401 - renumber lives with the answer it joins
from ingest.clean import normalize_ws
from ingest.text import Chunk

MERGE_GAP = 500  # two quotes of one passage closer than this become one quote spanning both


def cite(chunk: Chunk, quote: str) -> Citation:
    section = f"pkt. {chunk.section} {chunk.section_title}" if chunk.section else chunk.section_title
    return Citation(doc_id=chunk.doc_id, title=chunk.title, date=chunk.date, section=section.strip(),
                    quote=quote.strip(), source=chunk.source, chunk_id=chunk.id, body=chunk.body, kind=chunk.kind)


class CitationList:
    """The citations of one answer: adding a passage twice returns its first number."""

    def __init__(self, chunk_text):
        self.items: list[Citation] = []
        self._text = chunk_text  # chunk id -> its text, to widen a quote over two spans of one passage

    def add(self, chunk: Chunk, quote: str) -> int:
        for n, c in enumerate(self.items, start=1):
            if c.chunk_id != chunk.id:
                continue
            if normalize_ws(quote) in normalize_ws(c.quote):
                return n
            wider = _span_over(chunk.text, c.quote, quote)
            if wider:
                self.items[n - 1] = cite(chunk, wider)
            return n
        self.items.append(cite(chunk, quote))
        return len(self.items)


def _span_over(text: str, a: str, b: str) -> str | None:
    """The stretch of text from the earlier of two quotes to the end of the later, when they lie close."""
    ia, ib = text.find(a.strip()), text.find(b.strip())
    if ia < 0 or ib < 0:
        return None
    start, end = min(ia, ib), max(ia + len(a.strip()), ib + len(b.strip()))
    return text[start:end] if end - start <= len(a) + len(b) + MERGE_GAP else None


def find_quote(chunks, doc_id: str, quote: str, section: str = "") -> Chunk | None:
    """The chunk of a document that contains a quote (whitespace-insensitive), preferring the named section."""
    q = normalize_ws(quote)
    candidates = [c for c in chunks if c.doc_id == doc_id and q in normalize_ws(c.text)]
    if section:
        preferred = [c for c in candidates if c.section == section.split()[0]]
        candidates = preferred or candidates
    return candidates[0] if candidates else None


def markers(numbers) -> str:
    return "".join(f"[{n}]" for n in sorted(set(numbers)))
