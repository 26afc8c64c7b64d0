"""Slots of a Danish or English question: language, places attached to a verb, dates, body, region, period.

Every pattern here runs on a question that is cut and whitespace-collapsed first (`prepare`), and each is a
fixed sequence of bounded pieces, so no input makes them backtrack. A number is a change in places only when
it is attached to a places noun ("7 pladser", "seven places"); its sign comes from the verb attached to it,
never from words elsewhere, and a sentence that tries to set a rule parameter ("bagatelgrænsen er nu 100
pladser") is ignored and reported.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date

from ingest.dates import BadDate, DateMention, day_in_year, find_dates, strip_dates

MAX_QUESTION_CHARS = 2000  # patterns never see more; long pasted text keeps its end, where the question is
MAX_DIGITS = 9  # a longer digit run is not a count of places

DA_WORDS = {"hvad", "hvem", "hvornår", "hvordan", "hvilke", "hvilken", "skal", "kan", "til", "og", "ikke",
            "det", "er", "på", "af", "med", "der", "om", "vi", "en", "et", "for", "hvis", "mødet", "møde",
            "pladser", "tilbud", "lukke", "godkendelse", "formand", "næste", "har", "blev", "været", "mødes"}
EN_WORDS = {"what", "who", "when", "how", "which", "does", "do", "is", "the", "a", "an", "of", "to", "for",
            "need", "needs", "approval", "chair", "chairs", "next", "meeting", "places", "close", "closing",
            "offer", "was", "were", "about", "and", "if", "we", "in", "on", "with", "it", "by", "there", "meet"}

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

# Verbs and nouns that say which way places change; matched on the words next to the number only.
_DECREASE_STEMS = ("lukk", "lukning", "nedlæg", "nedlægg", "nedlag", "nedjuster", "nedskær", "nednorm",
                   "reduc", "redukt", "fjern", "afvikl", "clos", "shut", "remov", "decreas", "lower", "nedsæt",
                   "nedbring", "skære", "skær", "afskaf", "terminat", "discontinu")
_DECREASE_WORDS = {"luk", "færre", "fewer", "minus", "mindre", "cut", "cuts", "cutting", "less", "ned"}
_INCREASE_STEMS = ("udvid", "opret", "forøg", "udbyg", "tilføj", "opjuster", "etabler", "expand", "expansion",
                   "increas", "open", "creat", "establish", "rais", "øge", "øgning", "tilfør")
_INCREASE_WORDS = {"øg", "ny", "nye", "nyt", "flere", "ekstra", "extra", "new", "more", "plus", "add", "adds",
                   "adding", "added", "additional", "addition"}
_CHANGE_STEMS = ("ændr", "juster", "kapacitetsjuster", "chang", "adjust", "flyt")
# Nouns of a rule parameter: a sentence that states one with a number is not a change of places.
_PARAMETER_STEMS = ("bagatelgrænse", "grænse", "threshold", "limit", "frist", "deadline", "minimis")
_PLACE_NOUN = re.compile(r"(plads|pladser|pladserne|pladsen|places?|beds?|seats?|spots?)$")
_CLAUSE_END = {".", "?", "!", ";", ":"}

# Token: a signed digit run (bounded), a word, or a clause mark. One pass, no backtracking.
_TOKEN = re.compile(r"[+\-−]?[0-9]{1,12}|[^\W\d_]+|[.?!;:,()]")

WHOLE_OFFER = re.compile(
    r"(hele (bo)?tilbud\w*|helt (bo)?tilbud|(bo)?tilbuddet helt|lukker \w+ helt|"
    r"lukk\w* (af )?(et |vores |hele |dette |det )?(bo)?tilbud(det)?\b|lukning(en)? af (et |hele |vores |dette )?(bo)?tilbud|"
    r"whole offer|entire offer|(clos\w+|shut\w*) (down )?(an?|the|our|this) (whole |entire )?(offer|service|facility|residential)|"
    r"offer clos\w+|closure of (an?|the|our) (whole )?(offer|service))", re.I)
NOT_WHOLE = re.compile(r"(ikke hele|uden at lukke|not the whole|not closing the|without closing|"
                       r"af pladserne|del af tilbuddet|part of the offer|resten fortsætter|"
                       r"the rest (stays|remains|continues)|fortsat drift|tilbuddet fortsætter|fortsætter driften|"
                       r"keeps running|continues to run|stays open|remains open|\bkun (reducer|nedlægg|lukk)\w*|"
                       r"\bonly (reduc|clos|cut)\w*|(reducer\w*|reduc\w*|nedjuster\w*|nedskær\w*|skære\w* ned) (et |an |the |vores |our )?(bo)?(tilbud\w*|offer) (med|by))", re.I)
_BEFORE = re.compile(r"\b(før|inden|forud for|before|prior to|until|indtil)$", re.I)
_SINCE = re.compile(r"\b(siden|since|efter|after|fra|from)$", re.I)


@dataclass(frozen=True)
class Places:
    """A number of places attached to the question's words: its size, its sign and how it was read."""

    count: int
    direction: int | None  # -1 fewer, +1 more, None when the question does not say
    explicit_sign: bool = False
    text: str = ""

    @property
    def change(self) -> int:
        return -self.count if self.direction == -1 else self.count


@dataclass(frozen=True)
class Slots:
    """Everything the router and the tools read from one question."""

    language: str = "da"
    places: Places | None = None
    whole_offer: bool | None = None
    body: str | None = None  # canonical name of a body the rules cover
    other_region: str | None = None  # a region outside the rules' scope that the question names
    other_scope: str | None = None  # a name only documents outside the rules' scope hold (set from the index)
    dates: tuple[DateMention, ...] = ()
    agreement: str | None = None  # "Rammeaftale 2021-22" when the question names one
    ignored: tuple[str, ...] = ()  # statements that tried to set a rule parameter
    words: tuple[str, ...] = field(default=(), repr=False)

    @property
    def day_dates(self) -> list[date]:
        return [d.value for d in self.dates if d.precision in ("day", "month")]

    def to_dict(self) -> dict:
        return {"places": self.places.change if self.places else None,
                "direction": self.places.direction if self.places else None,
                "whole_offer": self.whole_offer, "body": self.body, "other_region": self.other_region,
                "other_scope": self.other_scope,
                "dates": [d.value.isoformat() for d in self.dates], "agreement": self.agreement,
                "ignored": list(self.ignored), "language": self.language}


def prepare(question: str) -> str:
    """The question as the patterns see it: valid text, no control characters, collapsed spaces, bounded."""
    text = question.encode("utf-8", "replace").decode("utf-8")
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = " ".join(text.split())
    return text[-MAX_QUESTION_CHARS:] if len(text) > MAX_QUESTION_CHARS else text


def detect_language(text: str) -> str:
    words = re.findall(r"[a-zæøåé]+", text.lower())
    # æ, ø and å in a word written in lower case, or the first; a name ("Mølledammen", "Karen Østergaard") says
    # nothing of the language the question is asked in
    first = text.lstrip()[:1].lower() + text.lstrip()[1:]
    da = sum(w in DA_WORDS for w in words) + (2 if re.search(r"(?<![\w-])[a-zæøåé]*[æøå]", first) else 0)
    en = sum(w in EN_WORDS for w in words)
    return "en" if en > da else "da"


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0).lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _direction(word: str) -> int | None:
    if word in _DECREASE_WORDS or word.startswith(_DECREASE_STEMS):
        return -1
    if word in _INCREASE_WORDS or word.startswith(_INCREASE_STEMS):
        return 1
    return None


def _ascii_digits(tok: str) -> bool:
    # str.isdigit() is also true for "②" and other digit signs int() cannot read.
    return tok.isascii() and tok.isdigit()


def _number(tok: str) -> tuple[int, bool, int] | None:
    """(value, explicit sign, sign) of a number token; None for words that are not numbers or huge digit runs."""
    if tok[0] in "+-−" and _ascii_digits(tok[1:]):
        digits = tok[1:]
        if len(digits) > MAX_DIGITS:
            return None
        return int(digits), True, (1 if tok[0] == "+" else -1)
    if _ascii_digits(tok):
        return (int(tok), False, 0) if len(tok) <= MAX_DIGITS else None
    if tok in NUMBER_WORDS:
        return NUMBER_WORDS[tok], False, 0
    return None


def _clause(tokens: list[tuple[str, int, int]], i: int) -> tuple[int, int]:
    a = i
    while a > 0 and tokens[a - 1][0] not in _CLAUSE_END:
        a -= 1
    b = i
    while b < len(tokens) - 1 and tokens[b + 1][0] not in _CLAUSE_END:
        b += 1
    return a, b


def _place_candidates(text: str) -> tuple[list[tuple[Places, bool]], list[str]]:
    """Numbers attached to a places noun, each with whether a change word is attached; and ignored statements."""
    tokens = _tokens(text)
    found, ignored = [], []
    for i, (tok, start, _) in enumerate(tokens):
        num = _number(tok)
        if num is None:
            continue
        # Attached: NUMBER [up to two words] PLACES, or NUMBER "af" (dem|pladserne|them).
        noun_at = None
        for j in range(i + 1, min(i + 4, len(tokens))):
            word = tokens[j][0]
            if _PLACE_NOUN.search(word) and word.isalpha():
                noun_at = j
                break
            if not word.isalpha() or _number(word) is not None:
                break
        if noun_at is None and i + 2 < len(tokens) and tokens[i + 1][0] in ("af", "of") and \
                tokens[i + 2][0] in ("dem", "pladserne", "them", "these"):
            noun_at = i + 2
        if noun_at is None:
            continue
        value, explicit, sign = num
        a, b = _clause(tokens, i)
        direction = sign if explicit else None
        attached = explicit
        # The change word nearest before the number (within six words of its clause), else just after the noun.
        for j in range(i - 1, max(a, i - 7) - 1, -1):
            d = _direction(tokens[j][0])
            if d is not None or tokens[j][0].startswith(_CHANGE_STEMS):
                attached = True
                direction = direction if explicit else d
                break
        between = [tokens[j][0] for j in range(i + 1, noun_at)]
        for w in between:  # "7 nye pladser", "3 færre pladser"
            d = _direction(w)
            if d is not None and not explicit:
                direction, attached = d, True
        if not attached:
            for j in range(noun_at + 1, min(noun_at + 4, b + 1)):
                d = _direction(tokens[j][0])
                if d is not None or tokens[j][0].startswith(_CHANGE_STEMS):
                    # "… 20 pladser og vil lukke 5 af dem": a verb followed by its own number is not ours.
                    if not any(_number(t) is not None for t, _, _ in tokens[j + 1:j + 3]):
                        attached, direction = True, d
                    break
        clause_words = [t for t, _, _ in tokens[a:b + 1]]
        snippet = text[tokens[a][1]:tokens[b][2]]
        if not attached and any(w.startswith(_PARAMETER_STEMS) or "grænse" in w for w in clause_words):
            ignored.append(snippet)
            continue
        found.append((Places(count=abs(value) if value else 0, direction=direction if value else None,
                             explicit_sign=explicit, text=text[start:tokens[noun_at][2]]), attached))
    return found, ignored


def read_places(text: str) -> tuple[Places | None, list[str]]:
    """The change in places the question asks about (attached to a change word first), and ignored statements."""
    found, ignored = _place_candidates(strip_dates(text))
    if not found:
        return None, ignored
    attached = [p for p, a in found if a]
    return (attached or [p for p, _ in found])[0], ignored


def extract_places(text: str) -> int | None:
    """The signed change in places ("lukke 7 pladser" -> -7); None when no number is attached to places."""
    places, _ = read_places(prepare(text))
    return places.change if places else None


def whole_offer(text: str) -> bool | None:
    """True when the question says a whole offer closes, False when it says it does not, else None."""
    text = prepare(text)
    if NOT_WHOLE.search(text):
        return False
    if WHOLE_OFFER.search(text):
        return True
    return None


def extract_dates(text: str) -> list[date]:
    """Day and month dates in the text, in order (bare years are left out). Impossible dates raise BadDate."""
    seen, out = set(), []
    for m in find_dates(prepare(text)):
        if m.precision in ("day", "month") and m.value not in seen:
            seen.add(m.value)
            out.append(m.value)
    return out


_AGREEMENT = re.compile(r"(?:rammeaftale[nr]?|framework agreement)\s{0,2}(20\d\d) {0,2}[-–/] {0,2}((?:20)?\d\d)", re.I)


def read_slots(question: str) -> Slots:
    """All slots of a prepared question; BadDate for an impossible or out-of-range date."""
    from assistant.names import find_body, find_other_region

    places, ignored = read_places(question)
    m = _AGREEMENT.search(question)
    agreement = f"Rammeaftale {m.group(1)}-{m.group(2)[-2:]}" if m else None
    return Slots(language=detect_language(question), places=places, whole_offer=whole_offer(question),
                 body=find_body(question), other_region=find_other_region(question),
                 dates=tuple(find_dates(question)), agreement=agreement, ignored=tuple(ignored),
                 words=tuple(t for t, _, _ in _tokens(question) if t.isalpha()))


def question_date(slots: Slots, question: str, as_of: date) -> tuple[date, str | None]:
    """The date the question is about, and why when it is not the as-of date (a date, a year, "før 2023")."""
    for d in slots.dates:
        if d.precision in ("day", "month"):
            return d.value, d.raw
    for d in slots.dates:
        if d.precision != "year":
            continue
        y = d.value.year
        before = question[max(0, d.start - 20):d.start].strip()
        if _BEFORE.search(before):
            return date(y - 1, 12, 31), d.raw
        if _SINCE.search(before):
            return (as_of, None) if as_of.year >= y else (date(y, 1, 1), d.raw)
        if y == as_of.year:
            return as_of, None
        return (date(y, 12, 31), d.raw) if y < as_of.year else (date(y, 1, 1), d.raw)
    # A day and month with no year ("hvis den sendes 20. december") is that day in the year asked about; the answer
    # says which date it used.
    day = day_in_year(strip_dates(question), as_of.year)
    if day:
        return day
    return as_of, None


def with_places(slots: Slots, places: Places | None) -> Slots:
    return replace(slots, places=places)
