"""The words around tool results and quotes: yes/no against the question's framing, dates used, proposals."""
from __future__ import annotations

import re
from datetime import date

from ingest.dates import date_short

_LEAD = re.compile(r"^(Ja|Nej|Yes|No): ")
# "Må vi … uden godkendelse?": the question asks whether approval can be skipped, so yes means "not required".
_WITHOUT = re.compile(r"\b(uden|without|undgå|avoid|springe)\b (?:\S+ ){0,2}?(?:forudgående |prior )?"
                      r"(godkendelse\w*|approval|høring\w*|hearing)", re.I)
_PART_HEAD = re.compile(r"\b(indstilling|sagsfremstilling|beslutning|bilag|baggrund)\b")
_RECOMMENDATION = re.compile(r"^\W*(godkend|drøft|beslut|orienter|tager|nedsæt|at \S+ godkend)", re.I)


def frame_yes_no(text: str, approval_required: bool | None, question: str, lang: str) -> str:
    """Lead with the yes or no that answers the question as it was asked."""
    m = _LEAD.match(text)
    if approval_required is None or not m or not _WITHOUT.search(question):
        return text
    rest = text[m.end():]
    if lang == "da":
        lead = "Nej, det kræver godkendelse: " if approval_required else "Ja, det kræver ikke godkendelse: "
    else:
        lead = "No, it needs approval: " if approval_required else "Yes, no approval is needed: "
    return lead + rest


def date_note(on: date, why: str, lang: str) -> str:
    return (f"(Svaret gælder pr. {date_short(on)}, ud fra «{why}» i spørgsmålet.)" if lang == "da" else
            f"(The answer is as of {on.isoformat()}, from «{why}» in the question.)")


def ignored_note(statements, lang: str) -> str:
    said = "; ".join(f"«{s}»" for s in statements)
    return (f"Bemærk: {said} i spørgsmålet ændrer ikke reglen; svaret bygger på reglen i dokumenterne."
            if lang == "da" else
            f"Note: {said} in the question does not change the rule; the answer follows the rule in the documents.")


def is_proposal(kind: str, chunk_text: str, quote: str) -> bool:
    """A quote from an agenda's Indstilling (or a recommendation line) is a proposal, not a decision."""
    return kind == "agenda" and in_recommendation(chunk_text, quote)


def in_recommendation(chunk_text: str, quote: str) -> bool:
    """Whether the quote stands in an item's Indstilling (or is a recommendation line), in an agenda or minutes."""
    if quote.lower().lstrip().startswith("indstilling") or _RECOMMENDATION.match(quote):
        return True
    at = chunk_text.find(quote[:60])
    heads = _PART_HEAD.findall(chunk_text[:at + 20].lower()) if at >= 0 else []
    return bool(heads) and heads[-1] == "indstilling"


def proposal_note(lang: str) -> str:
    return ("Bemærk: En dagsordens indstilling er et forslag til mødet, ikke en beslutning." if lang == "da" else
            "Note: an agenda's recommendation (Indstilling) is a proposal to the meeting, not a decision.")


def silent_text(lang: str, reason: str, region: str | None = None) -> str:
    where = ""
    if region:
        where = (f" Reglerne dækker ikke {region}, og dokumenterne i indekset siger intet om det." if lang == "da" else
                 f" The rules do not cover {region}, and the indexed documents say nothing about it.")
    return ((f"Det står ikke i dokumenterne ({_reason_da(reason)}).{where} "
             "De nærmeste passager er vist under kilderne.") if lang == "da" else
            f"The documents do not say ({reason}).{where} The closest passages are shown below.")


def _reason_da(reason: str) -> str:
    if reason.startswith("no document about it mentions"):
        return "intet dokument om emnet nævner " + reason.split("mentions ", 1)[1]
    if reason.startswith("no passage about it names"):
        return "ingen passage om emnet nævner " + reason.split("names ", 1)[1]
    if reason.startswith("no passage gives it for"):
        return "ingen passage oplyser det for " + reason.split("gives it for ", 1)[1]
    if reason.startswith("no passage gives the number of"):
        return "ingen passage oplyser antallet af " + reason.split("number of ", 1)[1]
    if reason.startswith("no passage says it for"):
        return "ingen passage siger det for " + reason.split("says it for ", 1)[1]
    return _REASONS_DA.get(reason, reason)


_REASONS_DA = {
    "no passage was found": "ingen passage blev fundet",
    "no passage holds the question's key terms": "ingen passage indeholder spørgsmålets centrale ord",
    "no passage gives the money the question asks for": "ingen passage oplyser det beløb, der spørges om",
    "no passage gives the date the question asks for": "ingen passage oplyser den dato, der spørges om",
    "no passage gives the person the question asks for": "ingen passage oplyser den person, der spørges om",
    "no passage gives the place the question asks for": "ingen passage oplyser det sted, der spørges om",
    "no passage gives the number the question asks for": "ingen passage oplyser det tal, der spørges om",
    "no passage gives the phone number the question asks for": "ingen passage oplyser det telefonnummer, der spørges om",
    "no passage gives the e-mail address the question asks for":
        "ingen passage oplyser den e-mailadresse, der spørges om",
    "no passage gives the reason the question asks for": "ingen passage oplyser den begrundelse, der spørges om",
    "no passage gives the decision the question asks for": "ingen passage oplyser den beslutning, der spørges om",
}
