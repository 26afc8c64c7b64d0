"""Interface words in Danish and safe rendering of document text (escaped, never raw HTML)."""
from __future__ import annotations

import re
from datetime import date

KIND_LABELS = {
    "agenda": "Dagsorden",
    "minutes": "Referat",
    "agreement": "Aftale",
    "organisation_note": "Organisationsnotat",
    "other": "Andet",
}
ITEM_TYPE_LABELS = {
    "decision": "Beslutningspunkt",
    "orientation": "Orienteringspunkt",
    "discussion": "Drøftelse",
    "next_meetings": "Kommende møder",
    "other": "Andet",
}
STATUS_LABELS = {"proposal": "Forslag (dagsorden)", "decided": "Besluttet"}
PLANNER_LABELS = {"deterministic": "fast regelmotor og søgning", "model": "sprogmodel med værktøjer"}
TOOL_LABELS = {
    "capacity_adjustment": "Kapacitetsjustering",
    "hearing_deadline": "Høringsfrist",
    "who_chairs": "Formandskab",
    "body_facts": "Fakta om et organ",
    "meeting_calendar": "Mødekalender",
    "framework_period": "Rammeaftalens periode",
    "tariff_agreement": "Takstaftale",
    "find_decisions": "Beslutningsregister",
}

WRAP_WIDTH = 60  # the source documents wrap at about 70-90 characters; headings and list items are shorter
_LIST_START = re.compile(r"^\s*(?:[•▪●\-–o*]\s|\d{1,2}\.\d{0,2}\.?\s|Bilag\b|Indstilling\b|Sagsfremstilling\b|Beslutning\b)")

# Markdown and Streamlit's own markup (":red[...]", "$math$", emoji shortcodes) all start from these.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^])")


def md_escape(text: str) -> str:
    """Document text as literal Markdown: every markup character escaped, line breaks kept."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text or "")
    return escaped.replace("\n", "  \n")


def passage_markdown(text: str) -> str:
    """A passage as indexed, escaped, with the PDF's hard line wraps joined back into paragraphs."""
    return md_escape(reflow(text))


def reflow(text: str) -> str:
    """Join a line to the one before when that one ran to the page width (a wrap, not a break)."""
    out: list[str] = []
    for line in (text or "").split("\n"):
        prev = out[-1] if out else ""
        if (line.strip() and len(prev) >= WRAP_WIDTH and not prev.rstrip().endswith(":")
                and not _LIST_START.match(line)):
            out[-1] = prev.rstrip() + " " + line.strip()
        else:
            out.append(line)
    return "\n".join(out)


def answer_markdown(text: str, anchor: str = "") -> str:
    """An answer's text, escaped; each citation mark [n] a link to the source `<anchor>-<n>` (bold without one).

    The only markup in the result is the links built here: render it with unsafe_allow_html=True.
    """
    if not anchor:
        return re.sub(r"\\\[(\d+)\\\]", r"**\\[\1\\]**", md_escape(text))
    return re.sub(r"\\\[(\d+)\\\]", lambda m: cite_link(anchor, int(m.group(1))), md_escape(text))


def cite_link(anchor: str, n: int) -> str:
    target = f"{anchor}-{n}"
    return (f'<a class="cite" href="#{target}" data-source="{target}" '
            f'title="Gå til kilde {n}">[{n}]</a>')


def passage_with_quote(text: str, quote: str) -> str:
    """A passage as `passage_markdown` shows it, with the quoted span inside <mark> (line by line).

    Everything but the <mark> tags is escaped document text: render it with unsafe_allow_html=True.
    """
    flowed = reflow(text)
    words = (quote or "").split()
    found = re.search(r"\s+".join(re.escape(w) for w in words), flowed) if words else None
    if not found:
        return md_escape(flowed)
    start, end = found.span()
    lines, pos = [], 0
    for line in flowed.split("\n"):
        a, b = max(start, pos) - pos, min(end, pos + len(line)) - pos
        if a < b:
            lines.append(f"{md_escape(line[:a])}<mark>{md_escape(line[a:b])}</mark>{md_escape(line[b:])}")
        else:
            lines.append(md_escape(line))
        pos += len(line) + 1
    return "  \n".join(lines)


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def date_dk(value: str | date | None) -> str:
    """27.2.2026, the way the documents write dates; empty for no date."""
    if not value:
        return ""
    d = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{d.day}.{d.month}.{d.year}"
