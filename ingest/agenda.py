"""Agenda items numbered on one level ("1. Godkendelse af dagsorden", "Punkt 2 …", "Pkt. 3:", "Sag nr. 4 | …",
"Sag: 87 | Journalnr. …" with a "Titel:" line, "38 …").

The one place that finds them, for the chunker and the decision register alike. A line is an item heading only as
part of a run of consecutive numbers (n, n+1, n+2 …, at least two): a numbered list or a number in running text
seldom continues such a run, and of two runs (a table of contents and the items themselves) the one whose lines look
most like headings wins. Two-level agendas ("1. Beslutningspunkter" / "1.1 …") are read by their own rule.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Optional word before the number, the number, an optional mark after it, the title. Every piece is bounded and the
# pieces are separated by fixed characters: linear time on any line.
_HEADING = re.compile(
    r"^[ \t]{0,8}(?P<prefix>(?:dagsordens)?punkt:?[ \t]{0,3}|pkt\.?:?[ \t]{0,3}|ad[ \t]{1,3}(?:pkt\.?[ \t]{0,3})?|"
    r"sag[ \t]{0,3}(?:nr\.?)?:?[ \t]{0,3})?"
    r"(?P<no>\d{1,3})(?P<mark>[.):|]|[ \t]{1,3}[-–|:])?[ \t]{1,8}(?P<title>[^\W\d_].{0,150})$",
    re.IGNORECASE,
)
MAX_HEADING_CHARS = 160
MIN_RUN = 2


# "Sag: 87 | Journalnr.: … | Åben sag" with the title on its own line below: "Titel: Kapacitetstilpasning …".
_TITLE_LINE = re.compile(r"^[ \t]{0,8}(?:titel|overskrift|emne)[ \t]{0,3}[:|][ \t]{0,3}(\S.{0,150})$", re.IGNORECASE)


def _titled(lines: list[str], i: int, title: str) -> str:
    """The item's title: a "Titel:" line right below the heading line wins over the heading's own words."""
    nxt = next((ln for ln in lines[i + 1:i + 3] if ln.strip()), "")
    m = _TITLE_LINE.match(nxt)
    return m.group(1).strip() if m else title


@dataclass(frozen=True)
class Heading:
    line: int  # index in the text's lines
    number: int
    title: str


def _candidate(line: str) -> tuple[int, str, int] | None:
    """(number, title, how heading-like its form is) for a line that may head an item."""
    if len(line) > MAX_HEADING_CHARS:
        return None
    m = _HEADING.match(line)
    if not m:
        return None
    title = m.group("title").strip()
    # "1. januar 2026" is a date and "2 pladser …" prose; a heading's title starts with a capital.
    if not title[:1].isupper():
        return None
    prefix, mark = m.group("prefix"), m.group("mark")
    if not prefix and not mark and int(m.group("no")) < 10:
        # "3 Orientering" could be a wrapped line starting with a count; with a bare number only a long run counts
        # (municipal minutes number items through the year: "38 Godkendelse af dagsorden"), scored lower.
        form = 0
    else:
        form = 2 if prefix else 1
    return int(m.group("no")), title, form


def flat_headings(lines: list[str]) -> list[Heading]:
    """The longest run of consecutively numbered heading lines (ties: the most heading-like), or []."""
    found: list[tuple[int, int, str, int]] = []  # (line index, number, title, score)
    for i, line in enumerate(lines):
        c = _candidate(line)
        if c:
            found.append((i, *c))
    if len(found) < MIN_RUN:
        return []
    candidate_lines = {f[0] for f in found}
    scored = []
    for i, number, title, form in found:
        prev_blank = i == 0 or not lines[i - 1].strip()
        nxt = next((j for j in range(i + 1, min(len(lines), i + 4)) if lines[j].strip()), None)
        has_body = nxt is not None and nxt not in candidate_lines  # a table of contents line has no body
        plain = len(title) <= 80 and not title.endswith((".", ",", ";"))
        scored.append((i, number, title, form + prev_blank + 2 * has_body + plain))
    # best run ending in each number so far: (length, score sum, index into scored of its last heading)
    best: dict[int, tuple[int, int, int]] = {}
    back: list[int | None] = []
    for k, (_, number, _, score) in enumerate(scored):
        before = best.get(number - 1)
        if before is not None and scored[before[2]][0] < scored[k][0]:
            run = (before[0] + 1, before[1] + score, k)
            back.append(before[2])
        else:
            run = (1, score, k)
            back.append(None)
        if number not in best or run[:2] > best[number][:2]:
            best[number] = run
    length, _, last = max(best.values(), key=lambda r: r[:2])
    if length < MIN_RUN:
        return []
    out: list[Heading] = []
    k: int | None = last
    while k is not None:
        i, number, title, _ = scored[k]
        out.append(Heading(i, number, _titled(lines, i, title)))
        k = back[k]
    out.reverse()
    # Bare numbers below 10 ("3 Orientering") are too common in prose: such a run needs a heading mark or length.
    if all(_candidate(lines[h.line])[2] == 0 for h in out) and length < 4:
        return []
    return out
