"""Checks on a model's answer text: it agrees with the rule results, is in the question's language, and every
sentence is supported by the passages and tool results it rests on."""
from __future__ import annotations

import re
from datetime import date

from assistant.slots import BadDate, detect_language, extract_dates, strip_dates
from ingest.clean import normalize_ws
from ingest.text import tokenize

# --- checking the model's text against a rule result ---------------------------------------------------------

_NO_APPROVAL = re.compile(
    r"\b(no|not|without|doesn't|does\s+not|don't|do\s+not|isn't|is\s+not|needn't|need\s+not|never|ikke|ingen|uden|"
    r"behøver\s+ikke)\b[^.?!\n]{0,40}?\b(approv\w*|permission|consent|godkend\w*|tilladelse)\w*"
    r"|\b(approv\w*|godkend\w*)[^.?!\n]{0,30}?\b(not|isn't|ikke|unødvendig\w*)\b", re.I)
_APPROVAL = re.compile(
    r"\b(requires?|required|needs?|needed|must|has\s+to|have\s+to|subject\s+to|necessary|yes|kræver|kræves|krævet|skal|"
    r"nødvendig\w*|påkrævet|ja)\b[^.?!\n]{0,40}?\b(approv\w*|godkend\w*)"
    r"|\b(approv\w*|godkend\w*)[^.?!\n]{0,30}?\b(required|needed|necessary|kræves|påkrævet|nødvendig)", re.I)
_DEPENDS = re.compile(r"\b(afhænge\w*|afhængig|kommer\s+an\s+på|depends?|depending|hvis|if|unless|medmindre)\b", re.I)
_NAMED_PERIOD = re.compile(r"(20\d\d)\s*[-–/]\s*(?:20)?(\d\d)\b")
_LEADING_YES = re.compile(r"^\W*(ja|yes)\b", re.I)
_LEADING_NO = re.compile(r"^\W*(nej|no)\b", re.I)


def disagreements(result: dict, text: str) -> list[str]:
    """How the model's text departs from a rule result (empty when it states the tool's outcome)."""
    fields, tool = result.get("fields") or {}, result.get("tool", "")
    problems = []
    if tool == "capacity_adjustment":
        says_no = bool(_NO_APPROVAL.search(text))
        says_yes = bool(_APPROVAL.search(_NO_APPROVAL.sub(" ", text)))
        approval = fields.get("approval_required")
        if not fields.get("procedure_applies", True):
            if says_no or says_yes:
                problems.append("the procedure does not apply to this offer, but the text states an approval outcome")
        elif approval is True and (says_no or not says_yes or _LEADING_NO.search(text)):
            problems.append("the tool says approval is required")
        elif approval is False and (says_yes or not says_no or _LEADING_YES.search(text)):
            problems.append("the tool says no approval is required")
        elif approval is None and not _DEPENDS.search(text):
            problems.append("the tool says it depends on whether the whole offer closes")
    for key in ("deadline", "next_meeting", "item_deadline"):
        if isinstance(fields.get(key), str) and not _mentions_date(text, date.fromisoformat(fields[key])):
            problems.append(f"{key} {fields[key]} is missing or different")
    if tool == "who_chairs" and fields.get("chair") and normalize_ws(fields["chair"]).lower() not in \
            normalize_ws(text).lower():
        problems.append(f"the chair is {fields['chair']}")
    if tool in ("framework_period", "tariff_agreement") and fields.get("agreement"):
        m = _NAMED_PERIOD.search(fields["agreement"])
        if m and not any(a == m.groups() for a in _NAMED_PERIOD.findall(text)):
            problems.append(f"the agreement is {fields['agreement']}")
    return problems


def _mentions_date(text: str, day: date) -> bool:
    try:
        return day in extract_dates(text)
    except BadDate:
        return False


def wrong_language(question: str, text: str) -> str:
    """Why the text is not in the question's language; '' when it is."""
    asked, written = detect_language(question), detect_language(text)
    if asked == written:
        return ""
    names = {"da": "Danish", "en": "English"}
    return f"the answer is in {names.get(written, written)}, the question in {names.get(asked, asked)}"


# --- every sentence supported by what it rests on ------------------------------------------------------------

MIN_WORD_SUPPORT = 0.5  # "most of its content words" present in the passages and tool results
_CITE_MARK = re.compile(r"\s*\[(?:P?\d+)(?:\s*[,;]\s*P?\d+)*\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ«\"(\d•-])|\n+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"(?<!^)(?<![.!?:]\s)\b[A-ZÆØÅ][\w-]{2,}")
# Words that carry no claim in an English answer over Danish passages (the keyword tokenizer keeps them).
_EN_FILLER = set("the of is are to in on a an and or for by with according that this it be was were will has have "
                 "as at from which who what when where there their its not also documents document say says said "
                 "states stated".split())
_NOT_NAMES = set("The This That These There It In On At For According However Yes No Ja Nej Det Den De Der Og "
                 "January February March April May June July August September October November December "
                 "Monday Tuesday Wednesday Thursday Friday".split())


def sentences_of(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def unsupported(text: str, sources: list[str], question: str = "") -> list[tuple[str, str]]:
    """(sentence, why) for each sentence of the text whose numbers, dates, names or most content words are not
    in the sources (cited passages and tool results); a name the question itself gives counts as given."""
    from assistant.glossary import expand_query

    source = normalize_ws(" ".join(sources))
    low = source.lower()
    words = set(tokenize(expand_query(source)))
    digits = {n.replace(".", "").replace(",", "") for n in _NUMBER.findall(source)} | set(re.findall(r"\d+", source))
    days = _dates(source) | _dates(question)
    out = []
    for sentence in sentences_of(text):
        bare = _CITE_MARK.sub("", sentence)
        why = _why_unsupported(bare, low, words, digits, days, question.lower())
        if why:
            out.append((sentence, why))
    return out


def _why_unsupported(sentence: str, low: str, words: set, digits: set, days: set, question: str) -> str:
    from assistant.glossary import expand_query

    # "januar 2023" reads as the 1st: a month named is supported by any day of that month in the sources.
    missing_days = [d for d in _dates(sentence) if d not in days
                    and not (d.day == 1 and any((x.year, x.month) == (d.year, d.month) for x in days))]
    if missing_days:
        return f"the date {missing_days[0].isoformat()} is in no source"
    for n in _NUMBER.findall(strip_dates(sentence)):
        if n.replace(".", "").replace(",", "") not in digits and not all(p in digits for p in re.findall(r"\d+", n)):
            return f"the number {n} is in no source"
    for name in _NAME.findall(sentence):
        if name not in _NOT_NAMES and name.lower() not in low and name.lower() not in question:
            return f"the name {name} is in no source"
    terms = [t for t in tokenize(expand_query(sentence, replace=True)) if t not in _EN_FILLER and not t.isdigit()]
    if terms:
        share = sum(t in words for t in terms) / len(terms)
        if share < MIN_WORD_SUPPORT:
            return f"only {share:.0%} of its content words are in the sources"
    return ""


def _dates(text: str) -> set[date]:
    try:
        return set(extract_dates(text))
    except BadDate:
        return set()
