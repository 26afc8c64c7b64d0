"""Structure-aware chunking: agendas/minutes by agenda item, notes and agreements by heading."""
from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, replace

from ingest.agenda import flat_headings
from ingest.manifest import DocumentEntry
from ingest.text import AGENDA_ITEM as _ITEM
from ingest.text import BULLET
from ingest.text import Chunk  # noqa: F401 - the chunker makes them; kept importable from here

MAX_CHARS = 1200
OVERLAP_CHARS = 200

_PART = re.compile(r"^(\d{1,2})\.\s+(\S.*)$")
# A line ending in one of these words continues on the next line: it is prose, not a heading.
_CONTINUES = {"og", "i", "af", "på", "til", "for", "med", "som", "at", "de", "der", "en", "et", "om", "samt",
              "eller", "fra", "ved", "under", "over", "hvor", "the", "of", "and", "in", "to"}
_BULLET = re.compile(rf"^{BULLET}\s")


@dataclass
class Section:
    number: str
    title: str
    part: str
    lines: list[str]


def split_agenda(text: str) -> list[Section]:
    """Cut an agenda or minutes at its numbered items; an item keeps all its sub-parts."""
    sections = [Section("", "Indledning", "", [])]
    part, major, minor = "", 0, 0
    for line in text.split("\n"):
        m_item, m_part = _ITEM.match(line), _PART.match(line)
        if m_item:
            a, b = int(m_item.group(1)), int(m_item.group(2))
            # Only the next number in sequence is a heading; "1.5 mio. kr." in prose is not.
            if (a == major and b == minor + 1) or (a == major + 1 and b == 1) or (a == major and minor == 0 and b == 1):
                major, minor = a, b
                sections.append(Section(f"{a}.{b}", m_item.group(3).strip(), part, []))
                continue
        if m_part and int(m_part.group(1)) == major + 1 and len(line) < 80:
            major, minor = int(m_part.group(1)), 0
            part = m_part.group(2).strip()
            sections.append(Section(f"{major}", part, part, []))
            continue
        sections[-1].lines.append(line)
    if not any("." in s.number for s in sections):
        # No "1.1" items: items numbered on one level ("Punkt 3", "38 …") are the sections, when there is a run.
        lines = text.split("\n")
        flat = flat_headings(lines)
        if flat:
            sections = [Section("", "Indledning", "", lines[: flat[0].line])]
            for h, nxt in zip(flat, flat[1:] + [None]):
                sections.append(Section(str(h.number), h.title, "", lines[h.line + 1 : nxt.line if nxt else len(lines)]))
    return [s for s in sections if "".join(s.lines).strip() or s.number]


_MARKDOWN_HEADING = re.compile(r"^#{1,6}[ \t]+(\S.{0,150})$")  # "## Kapacitetsændringer", "### Hvem …?"


def _heading_title(line: str) -> str:
    m = _MARKDOWN_HEADING.match(line.strip())
    return m.group(1).strip(" #") if m else line.strip()


def _is_heading(lines: list[str], i: int) -> bool:
    line = lines[i].strip()
    if _MARKDOWN_HEADING.match(line):
        return True  # a web page or Markdown file marks its headings itself, questions included

    if not line or len(line) > 70 or len(line.split()) > 8:
        return False
    if not line[0].isupper() or _BULLET.match(line) or line[-1] in ".,;:!?)":
        return False
    if re.search(r"\d{4}$", line) and len(line.split()) <= 2:
        return False
    if line.split()[-1].lower() in _CONTINUES or "/" in line:
        return False  # a wrapped sentence ("… institutionerne Koglen og") or a link remnant
    prev = lines[i - 1].strip() if i > 0 else ""
    nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
    if prev and prev[-1] not in ".:!?":
        return False
    return not nxt or nxt[0].isupper() or _BULLET.match(nxt) is not None


def split_headings(text: str) -> list[Section]:
    """Cut a note or agreement at its headings; tiny sections merge into the next one."""
    lines = text.split("\n")
    sections = [Section("", "Indledning", "", [])]
    for i, line in enumerate(lines):
        if _is_heading(lines, i):
            # The heading stays in the text too: a misread first line of a paragraph is not lost.
            sections.append(Section("", _heading_title(line), "", [line]))
        else:
            sections[-1].lines.append(line)
    merged: list[Section] = []
    carry: Section | None = None
    for s in sections:
        if carry is not None:
            s = Section("", f"{carry.title} – {s.title}", "", carry.lines + [""] + s.lines)
            carry = None
        if len("\n".join(s.lines).strip()) - len(s.title) < 150:
            carry = s
            continue
        merged.append(s)
    if carry is not None:
        if merged:
            merged[-1].lines.extend([""] + carry.lines)
        else:
            merged.append(carry)
    return merged


def _paragraphs(lines: list[str]) -> list[str]:
    paras, cur = [], []
    for line in lines:
        if line.strip():
            cur.append(line)
        elif cur:
            paras.append("\n".join(cur))
            cur = []
    if cur:
        paras.append("\n".join(cur))
    return paras


# A sentence ends at . ! ? … (or a closing quote or bracket after one) followed by whitespace.
_SENTENCE_END = re.compile(r"[.!?…][\"')\]»”]?\s+")


def bounded_pieces(text: str, max_chars: int = MAX_CHARS) -> list[str]:
    """Cut text into pieces of at most max_chars: at sentence ends, then at spaces, then anywhere.

    Linear in the length of the text whatever its line breaks: one 200 kB line or a run of emoji is cut too.
    """
    if len(text) <= max_chars:
        return [text]
    sentences, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        sentences.append(text[start:m.end()])
        start = m.end()
    sentences.append(text[start:])
    pieces: list[str] = []
    buf = ""
    for sentence in sentences:
        while len(sentence) > max_chars:  # a sentence longer than a piece: cut at the last space that fits
            cut = sentence.rfind(" ", max_chars // 2, max_chars)
            cut = cut if cut > 0 else max_chars
            if buf:
                pieces.append(buf)
                buf = ""
            pieces.append(sentence[:cut])
            sentence = sentence[cut:]
        if buf and len(buf) + len(sentence) > max_chars:
            pieces.append(buf)
            buf = ""
        buf += sentence
    if buf:
        pieces.append(buf)
    return [p.strip() for p in pieces if p.strip()]


def split_long(paragraphs: list[str], max_chars: int = MAX_CHARS, overlap: int = OVERLAP_CHARS) -> list[str]:
    """Pack paragraphs into pieces of at most max_chars; the next piece repeats the last short paragraph."""
    units: list[str] = []
    for p in paragraphs:
        if len(p) <= max_chars:
            units.append(p)
            continue
        buf = ""
        for line in p.split("\n"):
            for part in bounded_pieces(line, max_chars):
                if buf and len(buf) + len(part) + 1 > max_chars:
                    units.append(buf)
                    buf = ""
                buf = f"{buf}\n{part}" if buf else part
        if buf:
            units.append(buf)
    pieces: list[str] = []
    cur: list[str] = []
    size = 0  # len("\n\n".join(cur)), kept as we go: joining again for every unit is quadratic in a long section
    for u in units:
        if cur and size + 2 + len(u) > max_chars:
            pieces.append("\n\n".join(cur))
            tail = cur[-1]
            cur = [tail] if len(tail) <= overlap else []
            size = len(tail) if cur else 0
        size = size + 2 + len(u) if cur else len(u)
        cur.append(u)
    if cur:
        pieces.append("\n\n".join(cur))
    return pieces


def chunk_document(entry: DocumentEntry, cleaned: str, source: str = "") -> list[Chunk]:
    """Chunks of one document, each labelled with document, section and position."""
    is_meeting = entry.kind in ("agenda", "minutes")
    sections = split_agenda(cleaned) if is_meeting else split_headings(cleaned)
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for sec in sections:
        for piece in split_long(_paragraphs(sec.lines)):
            if not piece.strip():
                continue
            digest = hashlib.sha256(f"{entry.id}\x00{sec.number}\x00{sec.title}\x00{piece}".encode()).hexdigest()[:20]
            if digest in seen:  # the same text twice in one section
                digest = hashlib.sha256(f"{digest}{len(chunks)}".encode()).hexdigest()[:20]
            seen.add(digest)
            chunks.append(
                Chunk(
                    id=digest,
                    doc_id=entry.id,
                    title=entry.title,
                    kind=entry.kind,
                    body=entry.body,
                    date=entry.date.isoformat(),
                    valid_from=entry.valid_from.isoformat() if entry.valid_from else "",
                    valid_to=entry.valid_to.isoformat() if entry.valid_to else "",
                    section=sec.number,
                    section_title=sec.title,
                    part=sec.part,
                    position=len(chunks),
                    text=piece.strip(),
                    source=source or entry.file,
                )
            )
    return chunks


_NON_WORD = re.compile(r"\W+")
PAGE_PROBE = 40  # canonical characters of a passage's start looked up among the pages


def _canonical(text: str) -> str:
    return _NON_WORD.sub("", text.casefold())


def place_on_pages(chunks: list[Chunk], raw: str) -> list[Chunk]:
    """The chunks with their `page` set: the page of `raw` (pages joined by form feeds, as the PDF loader gives them) on
    which the start of its text stands. Compared in canonical form (word characters only), so the cleaner's
    joined hyphenations and line breaks do not matter; chunks are in reading order, so each search starts where
    the previous chunk was found."""
    pages = raw.split("\f")
    if len(pages) < 2:
        return chunks
    starts, parts, at = [], [], 0
    for page in pages:
        starts.append(at)
        parts.append(_canonical(page))
        at += len(parts[-1])
    whole, cursor, out = "".join(parts), 0, []
    for c in chunks:
        probe = _canonical(c.text)[:PAGE_PROBE]
        found = (whole.find(probe, cursor) if probe else -1)
        if probe and found < 0:
            found = whole.find(probe)
        if found >= 0:
            c, cursor = replace(c, page=bisect.bisect_right(starts, found)), found
        out.append(c)
    return out
