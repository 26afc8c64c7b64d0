"""Slot extraction from Danish or English questions: language, numbers, signs, dates, whole-offer closure."""
from __future__ import annotations

import re
from datetime import date

DA_WORDS = {"hvad", "hvem", "hvornår", "hvordan", "hvilke", "hvilken", "skal", "kan", "til", "og", "ikke",
            "det", "er", "på", "af", "med", "der", "om", "vi", "en", "et", "for", "hvis", "mødet", "møde",
            "pladser", "tilbud", "lukke", "godkendelse", "formand", "næste", "har", "blev", "været"}
EN_WORDS = {"what", "who", "when", "how", "which", "does", "do", "is", "the", "a", "an", "of", "to", "for",
            "need", "needs", "approval", "chair", "chairs", "next", "meeting", "places", "close", "closing",
            "offer", "was", "were", "about", "and", "if", "we", "in", "on", "with", "it", "by", "there"}

NUMBER_WORDS = {
    "nul": 0, "en": 1, "et": 1, "én": 1, "ét": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7,
    "otte": 8, "ni": 9, "ti": 10, "elleve": 11, "tolv": 12, "tretten": 13, "fjorten": 14, "femten": 15,
    "seksten": 16, "sytten": 17, "atten": 18, "nitten": 19, "tyve": 20, "tredive": 30, "fyrre": 40,
    "halvtreds": 50, "hundrede": 100,
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "hundred": 100,
}
# Words that are numbers only next to "pladser"/"places" ("en", "et", "to" are common words otherwise).
_AMBIGUOUS = {"en", "et", "to", "ni", "ti", "one"}

MONTHS = {
    "januar": 1, "january": 1, "jan": 1, "februar": 2, "february": 2, "feb": 2, "marts": 3, "march": 3,
    "mar": 3, "april": 4, "apr": 4, "maj": 5, "may": 5, "juni": 6, "june": 6, "jun": 6, "juli": 7, "july": 7,
    "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "october": 10,
    "okt": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

DECREASE = re.compile(r"\b(reducer\w*|nedl[æa]g\w*|nedskær\w*|skære?\s+ned|færre|lukk\w*|lukning\w*|fjern\w*|"
                      r"reduc\w*|cut\w*|clos\w*|fewer|remov\w*|shut\w*|minus|mindre)\b", re.I)
INCREASE = re.compile(r"\b(udvid\w*|opret\w*|flere|øge\w*|forøge\w*|udbyg\w*|tilføj\w*|expand\w*|add\w*|"
                      r"increas\w*|open\w*|more|extra|ekstra|plus|nye)\b", re.I)
WHOLE_OFFER = re.compile(
    r"(hele\s+(bo)?tilbud\w*|helt\s+(bo)?tilbud|(bo)?tilbuddet\s+helt|hele\s+botilbud\w*|"
    r"lukk\w*\s+(af\s+)?(et|vores|hele|dette|det)?\s*(bo)?tilbud(det)?\b|lukning(en)?\s+af\s+(et\s+|hele\s+|vores\s+|dette\s+)?(bo)?tilbud|"
    r"whole\s+offer|entire\s+offer|(clos\w+|shut\w*)\s+(down\s+)?(an?|the|our|this)\s+(whole\s+|entire\s+)?(offer|service|facility|residential)|"
    r"offer\s+clos\w+|closure\s+of\s+(an?|the|our)\s+(whole\s+)?(offer|service))", re.I)
NOT_WHOLE = re.compile(r"(ikke\s+hele|uden\s+at\s+lukke|not\s+the\s+whole|not\s+closing\s+the|without\s+closing|"
                       r"af\s+pladserne|del\s+af\s+tilbuddet|part\s+of\s+the\s+offer|resten\s+fortsætter|"
                       r"the\s+rest\s+(stays|remains|continues)|fortsat\s+drift|tilbuddet\s+fortsætter|fortsætter\s+driften|"
                       r"keeps\s+running|continues\s+to\s+run|stays\s+open|remains\s+open|\bkun\s+(reducer|nedlægg|lukk)\w*|"
                       r"\bonly\s+(reduc|clos|cut)\w*|(reducer\w*|reduc\w*)\s+(et\s+|an\s+|the\s+|vores\s+|our\s+)?(bo)?(tilbud\w*|offer)\s+(med|by))", re.I)


def detect_language(text: str) -> str:
    words = re.findall(r"[a-zæøåé]+", text.lower())
    if re.search(r"[æøå]", text.lower()):
        da_bonus = 2
    else:
        da_bonus = 0
    da = sum(w in DA_WORDS for w in words) + da_bonus
    en = sum(w in EN_WORDS for w in words)
    return "en" if en > da else "da"


def extract_places(text: str) -> int | None:
    """The number of places the question is about, signed when it says which way ("-5", "reducere med 7")."""
    low = strip_dates(text.lower())
    value = None
    m = re.search(r"([+-−]?\s?\d[\d.]*)\s*(?:\w+\s){0,2}?(?:pladser|plads|places|place|beds|seats)\b", low)
    if m:
        value = int(re.sub(r"[^\d-]", "", m.group(1).replace("−", "-").replace(".", "")) or 0)
    else:
        m = re.search(r"\b([a-zæøåé]+)\s+(?:\w+\s)?(?:pladser|plads|places|place)\b", low)
        if m and m.group(1) in NUMBER_WORDS:
            value = NUMBER_WORDS[m.group(1)]
        else:
            m = re.search(r"(?<![\d.])([+-−]?\d{1,7})(?![\d.:/-])", low)
            words = [w for w in re.findall(r"[a-zæøåé]+", low) if w in NUMBER_WORDS and w not in _AMBIGUOUS]
            if m:
                value = int(m.group(1).replace("−", "-"))
            elif words:
                value = NUMBER_WORDS[words[0]]
    if value is None:
        return None
    if value > 0 and not re.search(r"\+\s?\d", low):
        if DECREASE.search(low) and not INCREASE.search(low):
            value = -value
    return value


def whole_offer(text: str) -> bool | None:
    """True when the question says a whole offer closes, False when it says it does not, else None."""
    if NOT_WHOLE.search(text):
        return False
    if WHOLE_OFFER.search(text):
        return True
    return None


_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DMY_NUM = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b")
_DMY_TXT = re.compile(r"\b(\d{1,2})\.?\s+([a-zæøå]+)\.?\s+(\d{4})\b", re.I)
_MDY_TXT = re.compile(r"\b([a-z]+)\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", re.I)


_MONTH_YEAR = re.compile(r"\b(?:i\s+|in\s+)?([a-zæøå]+)\s+(\d{4})\b", re.I)


def strip_dates(text: str) -> str:
    """The text with its dates and years blanked out, so "3. marts 2026" is not read as 2026 places."""
    for pattern in (_ISO, _DMY_NUM, _DMY_TXT, _MDY_TXT):
        text = pattern.sub(" ", text)
    return re.sub(r"\b(19|20)\d\d(\s*[-–/]\s*(19|20)?\d\d)?\b", " ", text)


class BadDate(ValueError):
    pass


def extract_dates(text: str) -> list[date]:
    """All dates in the text, in order. Impossible dates ("30. februar 2026") raise BadDate."""
    found: list[tuple[int, date]] = []

    def add(pos: int, y: int, m: int, d: int, raw: str) -> None:
        try:
            found.append((pos, date(y, m, d)))
        except ValueError:
            raise BadDate(f"'{raw}' is not a valid date; write dates like 2026-03-03 or 3. marts 2026.") from None

    for m in _ISO.finditer(text):
        add(m.start(), int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(0))
    for m in _DMY_NUM.finditer(text):
        add(m.start(), int(m.group(3)), int(m.group(2)), int(m.group(1)), m.group(0))
    for m in _DMY_TXT.finditer(text):
        month = MONTHS.get(m.group(2).lower())
        if month:
            add(m.start(), int(m.group(3)), month, int(m.group(1)), m.group(0))
    for m in _MDY_TXT.finditer(text):
        month = MONTHS.get(m.group(1).lower())
        if month:
            add(m.start(), int(m.group(3)), month, int(m.group(2)), m.group(0))
    if not found:  # "i marts 2022" / "in March 2022": the first of the month
        for m in _MONTH_YEAR.finditer(text):
            month = MONTHS.get(m.group(1).lower())
            if month and len(m.group(1)) >= 3:
                add(m.start(), int(m.group(2)), month, 1, m.group(0))
    seen, out = set(), []
    for _, d in sorted(found, key=lambda x: x[0]):
        if d not in seen:
            seen.add(d)
            out.append(d)
    return out
