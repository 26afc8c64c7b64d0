"""Cleaning of raw PDF-extracted text: de-hyphenation, footers, link lines, whitespace, NFC."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

_LINK_LINE = re.compile(r"^\s*(?:https?://|file:///|www\.)\S*\s*$", re.IGNORECASE)
# A running footer: "<body> Dagsorden 27.2.2026" for any body: one to three words, none a number (so the item
# "1.1 Godkendelse af dagsorden 27.2.2026" is no footer), then the capitalised kind and the date.
_FOOTER = re.compile(r"^\s*(?:[^\W\d_][\w&-]*\s+){1,3}(?:Dagsorden|DAGSORDEN|Referat|REFERAT)\s+"
                     r"\d{1,2}\.\d{1,2}\.\d{2,4}\s*$")
# Footers and page numbers are short; longer lines are prose and skip those patterns.
_SHORT_LINE = 160
# Every line separator Python's splitlines() knows (U+2028, U+2029, NEL, VT, FS/GS/RS): all become "\n",
# so the chunker and the register see the same lines.
_LINE_SEPARATORS = re.compile("[\u2028\u2029\u0085\v\x1c\x1d\x1e]")
_PAGE_NUMBER = re.compile(r"^\s*(?:side\s+)?\d{1,3}(?:\s*(?:af|/)\s*\d{1,3})?\s*$", re.IGNORECASE)
_HYPHEN_END = re.compile(r"(\w+)-$")
_HYPHEN_TAIL = 80  # the hyphen pattern only ever sees a line's last characters (linear on a 200 kB line)
_FIRST_WORD = re.compile(r"^(\w+)")
# A hyphen before these words is a real one: "social- og specialundervisning".
_CONJUNCTIONS = {"og", "eller", "samt", "til", "and", "or"}
_WORD = re.compile(r"\w+(?:-\w+)*")


def normalize_ws(text: str) -> str:
    """Collapse all whitespace to single spaces (used to compare quotes with text)."""
    return re.sub(r"\s+", " ", text).strip()


def _is_page_number(lines: list[str], i: int) -> bool:
    """A bare number is a page number when it stands alone between blank lines or next to a footer/link."""
    if len(lines[i]) > _SHORT_LINE or not _PAGE_NUMBER.match(lines[i]):
        return False

    def neighbour(step: int) -> str:
        j = i + step
        while 0 <= j < len(lines) and not lines[j].strip():
            j += step
        return lines[j] if 0 <= j < len(lines) else ""

    prev_line, next_line = neighbour(-1), neighbour(1)
    if _FOOTER.match(prev_line) or _LINK_LINE.match(next_line) or not next_line:
        return True
    # Between two blank lines, a lone number is a page number, not a list item or table cell.
    before = lines[i - 1].strip() if i > 0 else ""
    after = lines[i + 1].strip() if i + 1 < len(lines) else ""
    return before == "" and after == ""


def _dehyphenate(lines: list[str], vocabulary: Counter) -> list[str]:
    """Join words split across line ends, keeping hyphens that are part of the word."""
    lines = list(lines)
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        tail_at = max(0, len(line) - _HYPHEN_TAIL)
        m = _HYPHEN_END.search(line, tail_at) if line.endswith("-") else None
        if m:
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            nxt = lines[j].lstrip() if j < len(lines) else ""
            w = _FIRST_WORD.match(nxt)
            left = m.group(1)
            if w and nxt[:1].islower() and w.group(1).lower() not in _CONJUNCTIONS:
                right = w.group(1)
                joined = left + right
                hyphenated = f"{left}-{right}"
                keep_hyphen = (left.isupper() and len(left) > 1) or (
                    vocabulary[hyphenated.lower()] > vocabulary[joined.lower()]
                )
                glue = "-" if keep_hyphen else ""
                rest = nxt[len(right):]
                # The joined line may itself end in a split word: look at it again.
                lines[j] = line[: m.start(1)] + left + glue + right + rest
                i = j
                continue
        out.append(line)
        i += 1
    return out


def _undouble_spacing(lines: list[str]) -> list[str]:
    """Some extracts put a blank line after every line; then only runs of blanks mark paragraphs."""
    filled = [i for i, ln in enumerate(lines[:-1]) if ln]
    if not filled:
        return lines
    followed_by_blank = sum(1 for i in filled if not lines[i + 1])
    if followed_by_blank / len(filled) < 0.8:
        return lines
    out: list[str] = []
    i = 0
    while i < len(lines):
        if lines[i]:
            out.append(lines[i])
            i += 1
            continue
        j = i
        while j < len(lines) and not lines[j]:
            j += 1
        if j - i >= 2:
            out.append("")
        i = j
    return out


def clean_text(raw: str) -> str:
    """Return cleaned text: NFC, no footers/page numbers/link lines, words re-joined, tidy whitespace.

    Line structure is kept (headings and agenda items are recognised line by line);
    paragraphs are separated by one blank line.
    """
    text = unicodedata.normalize("NFC", raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = _LINE_SEPARATORS.sub("\n", text)
    text = text.replace("\u00a0", " ").replace("\u00ad", "").replace("\u200b", "")
    lines = [re.sub(r"[ \t]+", " ", ln).strip() for ln in text.split("\n")]
    lines = _undouble_spacing(lines)
    lines = ["" if _LINK_LINE.match(ln) or (len(ln) <= _SHORT_LINE and _FOOTER.match(ln)) else ln for ln in lines]
    lines = ["" if _is_page_number(lines, i) else ln for i, ln in enumerate(lines)]
    # Spaces before punctuation are PDF artefacts: "Region ." / "10 .000" / "bl .a ."
    lines = [re.sub(r"(?<=\w) \.(?=\w|\s|$)", ".", ln) for ln in lines]
    vocabulary = Counter(w.lower() for w in _WORD.findall(" ".join(lines)))
    lines = _dehyphenate(lines, vocabulary)
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n"
