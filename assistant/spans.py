"""Answer spans: the sentence of a passage that answers best, with the continuation that carries the answer."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.dates import strip_dates, without_days
from ingest.text import BULLET, LIST_ITEM, stem, tokenize

# A sentence ends at ".!?" before a capital, at a bullet line, or at a blank line, except one that a lower-case word
# follows: PDF text breaks paragraphs inside sentences ("… som VISO\n\nskal prioritere …").
# A line, or a " | " field of a line, that opens with a label ("Beslutning:", "Sted:", "Høring |") starts a field of its
# own: committee minutes and web pages put one fact per labelled line without blank lines between them.
_LABEL = r"[A-ZÆØÅ][\w.,()/-]*(?: [\w.,()/-]+){0,5}"
# A table's rows stand on lines of their own that begin with "|": each is a segment ("| 11. juni 2026 | Vejle |").
_SENT_SPLIT = re.compile(rf"(?<=[.!?])\s+(?=[A-ZÆØÅ0-9•\"”])|\n(?={BULLET}\s)|\n{{2,}}(?![a-zæøå])|"
                         rf"\n(?={_LABEL}(?::| \|) )| \| (?={_LABEL}: )|\n(?=\|)")
_FIELD = re.compile(rf"\s*{_LABEL}: \S")
_ABBREVIATION = re.compile(r"(?:\b(?:ca|bl\.a|fx|jf|pkt|nr|pr|mv|m\.v|f\.eks|evt|inkl|ift|ifm|vedr|kl|dvs|mio|mia|kr|st|"
                           r"e\.g|i\.e|no)\.|\b\d{1,2}\.|\s(?-i:[A-ZÆØÅ])\.)$", re.I)  # and a name's initial: "Ulla B. Andersen"
MAX_SPAN = 600

# What a question asks for, and how a sentence shows it carries that.
_ASKS = (
    # The question word first: "Hvornår skal udvalget træffe beslutning …?" asks for a date, not a decision.
    ("date", re.compile(r"^\W*(?:og |and )?(hvornår|when)\b", re.I)),
    # so does "why": "Why was the hearing deadline extended?" asks for a cause, not a date
    ("reason", re.compile(r"^\W*(?:og |and )?(hvorfor|why)\b", re.I)),
    # Contact details: a phone number or an e-mail address, which no other kind of passage gives.
    # "Hvem skal jeg ringe til?" asks who, "telefontid" asks when: only the words for the number ask for a number.
    # whom to call ("Hvem skal jeg ringe til …?", "Who should I call …?") is asked by the number to call
    ("phone", re.compile(r"\b(tlf\.?(?: ?nr\.?)?|telefon(?:nummer(?:et)?|numre(?:ne)?|nr\.?)?|"
                         r"phone(?: numbers?)?|ringe? til|call)(?!\w)", re.I)),
    ("email", re.compile(r"\b(e-?mail(?:adresse\w*|address\w*)?|mailadresse\w*)\b", re.I)),
    # A rate is an amount per day or year ("the daily rate"), not a share ("the occupancy rate"). "Taksten" alone is
    # no amount question: tariffs are asked about as rules and as changes in per cent as often as as amounts.
    ("money", re.compile(r"\b(koste[rt]?|pris\w*|price\w*|cost\w*|betal\w*|beløb\w*|kroner|budget\w*|takst for|"
                         r"\w*udgift\w*|omkostning\w*|expenditure\w*|expenses?|"
                         r"(?:daily|day|weekly|monthly|annual|yearly) rates?|"
                         # a tariff or rate per unit of time is an amount ("taksten pr. døgn", "the rate per day")
                         r"(?:takst\w*|rates?)\s+(?:pr\.?|per|om|a)\s+(?:døgn\w*|dag\w*|år\w*|måned\w*|uge\w*|"
                         r"time\w*|day|year|month|week|hour|night))(?!\w)", re.I)),  # "how much" alone asks for a quantity
    # Minutes record the decision under each item, beside the proposal ("Indstilling"): a question about the outcome
    # is answered by the decision line.
    ("decision", re.compile(r"\b(besluttede?|besluttet|beslutning\w*|vedt[oa]g\w*|blev\b.{0,80}\b(?:godkendt|vedtaget|afvist)|"
                            r"udfald\w*|decided|decision\w*|resolved|outcome|was\b.{0,80}\bapproved)\b", re.I)),
    ("number", re.compile(r"\b(hvor mange|hvor meget|antal\w*|how many|how much|number of|hvor stor\w*|how large|"
                          r"procent\w*|percent\w*|hvor lang[et]?|hvor længe|how long)\b", re.I)),  # a duration is a number
    # a period is asked for by its dates ("Hvilken periode dækker aftalen?" -> "1. januar 2025 til 31. december 2027")
    ("date", re.compile(r"\b(hvornår|when|dato\w*|date[sd]?|frist\w*|deadline|(?:hvilken|which|what)\s+(?:tids)?"
                        r"period\w*|hvilke år|which years)\b", re.I)),
    # "Hvor blev mødet den 11. juni holdt?": the verb that asks for a place may stand after the subject (bounded)
    ("place", re.compile(r"\b(hvor (?:afholdes|holdes|foregår|ligger|mødes|er mødet|holdt|afholdt|mødtes|foregik)|where|"
                         r"hvilket sted|lokation|"
                         r"hvor\s+(?:blev|bliver|var|er|skal|skulle)\s[^?]{0,80}?\b(?:holdt|afholdt|holdes|afholdes|"
                         r"foregik|foregå|mødes|mødtes))\b", re.I)),
    ("who", re.compile(r"\b(hvem|who|hvilken kommune|which municipality)\b", re.I)),
    # "Hvorfor blev den lukket?" is answered by the sentence that gives the cause ("Det skyldes primært …")
    ("reason", re.compile(r"\b(hvorfor|why|årsag(?:en)?|begrundelse(?:n)?|reason(?:s)?)\b", re.I)),
)
_TIME = re.compile(r"\b(?:kl\.?|klokken|at)\s?\d{1,2}(?:[.:]\d{2})?\b|\b\d{1,2}[.:]\d{2}\s?-\s?\d{1,2}[.:]\d{2}\b|"
                   r"\b\d{1,2}(?:[.:]\d{2})?\s?(?:am|pm)\b", re.I)
# Kinds of fact that a passage shows by their form alone, wherever in a document they stand (a page's contact block).
CONTACT_KINDS = frozenset({"phone", "email"})
_CARRIES = {
    "phone": re.compile(r"(?<![\d.,/-])(?:\+45 ?)?\d{2}(?: ?\d{2}){3}(?![\d.,/-])"),
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    # an amount with its unit, or written as Danish prices are where a table's header gives the unit: "3.460,-",
    # "12.500" (thousands grouped by points; a date is read out before, see carries)
    "money": re.compile(r"\d[\d.,]*\s?(kr\b|kr\.|kroner|mio|mia|dkk)|\b(kr\.?|dkk)\s?\d|"
                        r"(?<![\d.,])\d+(?:\.\d{3})*,-|(?<![\d.,])\d{1,3}(?:\.\d{3})+(?:,\d+)?(?![\d.,]?\d)", re.I),
    "number": re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?(?![\w])|\b(to|tre|fire|fem|seks|syv|otte|ni|ti|elleve|tolv|"
                         r"tretten|fjorten|femten|seksten|sytten|atten|nitten|tyve|tredive|fyrre|halvtreds|hundrede|"
                         r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|hundred)\b", re.I),
    "date": re.compile(r"\b\d{1,2}\.\s?(januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|"
                       r"december)|\b\d{1,2}\.\d{1,2}\.(\d{2,4})?|\b\d{4}-\d\d-\d\d|\b(januar|februar|marts|april|maj|"
                       r"juni|juli|august|september|oktober|november|december|january|february|march|june|july|"
                       r"october)\b|\b(19|20)\d\d\b|\buge \d", re.I),
    "place": re.compile(r"\b(i|på|hos|at|in)\s+[A-ZÆØÅ][\w-]+|\b(rådhus\w*|lokale\w*|mødelokale\w*|adresse\w*|online|"
                        r"teams|virtuelt|vej\b|gade\b)", re.I),
    "reason": re.compile(r"\b(fordi|skyldes|skyldtes|på grund af|grundet|årsag\w*|begrund\w*|idet|da det|"
                         r"because|due to|owing to|as a result|the reason)\b", re.I),
    # The words minutes record an outcome with ("Godkendt.", "Tiltrådt.", "Taget til efterretning.", "Udsat.").
    "decision": re.compile(r"\b(beslutning|besluttede|besluttet|vedtog|vedtaget|godkendt[e]?|tiltr[åa]dt[e]?|tiltræder|"
                           r"til efterretning|udsat|udsatte|afvist|afviste|anbefale[rt]|anbefalede|bevilge[dt]e?|"
                           r"oversendt|decision|decided|approved|adopted|agreed|rejected|postponed|deferred|noted|"
                           r"endorsed|recommended)\b", re.I),
    "who": re.compile(r"(?<![.!?]\s)(?<!^)\b[A-ZÆØÅ][a-zæøåé]+(?:\s+[A-ZÆØÅ][a-zæøåé]+)+|\b\w*(kommune|region|formand\w*|"
                      r"direktør\w*|sekretariat\w*|udvalg\w*|gruppe\w*)\b"),
}


_AUX = (r"(?:er|var|bliver|blev|har|havde|skal|skulle|kan|kunne|vil|ville|må|bør|is|was|are|were|will be|will|would|"
        r"can|could|shall|should|must|may|has|had|does|did|do)")
_FOCUS = re.compile(rf"^(?:hvad|hvilke[nt]?|hvem|what|which|who|hvor mange|how many|hvor meget|how much)"
                    rf"(\s+{_AUX})?\s+(?:(the|det|den|de)\s+)?([^\W\d_]{{3,}})", re.I)
# After "hvad", "hvem", "who" with no auxiliary the word is the verb ("Hvad laver udvalget?", "Hvem udpeger …?").
_VERB_NEXT = re.compile(r"^(?:hvad|hvem|who)\b", re.I)


_GENITIVE_HEAD = re.compile(r"(?:'s?)?\s+([^\W\d_]{3,})")
# One or two more lower-case words, then a preposition: the phrase's head noun is the last word.
_PREP = r"(?:of|for|at|in|on|to|from|i|på|til|om|af|hos|ved|fra|efter)\b"
_PHRASE = re.compile(rf"(?:\s+(?!{_PREP})[a-zæøå]+)?\s+(?!{_PREP})([a-zæøå]{{3,}})\s+{_PREP}")


def focus_terms(question: str, nouns_only: bool = False) -> set[str]:
    """What the question asks about ("Hvad er temaet for …" -> tema; "Hvem udpeger formanden?" -> udpeg): weighted
    up when choosing sentences. With nouns_only, a verb is not taken: only a noun names a thing a rule result can
    lack ("budgettet")."""
    q = question.strip()
    m = _FOCUS.search(q)
    if not m or (nouns_only and not m.group(1) and _VERB_NEXT.match(q)):
        return set()
    word = m.group(3)
    noun = counted(q) if _ADJECTIVE.search(word) else ""
    if noun:  # "Hvor mange danske kommuner …" asks about kommuner
        word = noun
    # A genitive names the owner, the noun after it what is asked: "Hvad er voksencirklens målgruppe?" -> målgruppe
    after = _GENITIVE_HEAD.match(q, m.end()) if word[-1:] in "sS" or q[m.end():m.end() + 2] == "'s" else None
    head = set(tokenize(after.group(1))) if after else set()
    if not head and m.group(2):  # after an article, the phrase's head is its last word: "the annual budget of"
        phrase = _PHRASE.match(q, m.end())
        word = phrase.group(1) if phrase else word
    return head or set(tokenize(word))


# A question that asks two things: "Who was …, and when was its next meeting?", "Hvor lang er perioden, og hvem skal
# fastlægge behovet?". The second part starts at "and"/"og" before a question word.
# It starts only after a non-space, so a long run of spaces is read once, not once from each of its spaces.
# A preposition may lead the question word ("and under which agreement", "og med hvor mange"); after a comma, a verb
# may lead a yes/no part ("…, og var der nogen der gik før tid?", "…, and is it final?").
_PART = re.compile(r"(?<!\s)(?:,\s*|\s+)(?:and|og)\s+(?=(?:(?:under|in|on|at|for|from|by|with|to|i|på|til|fra|med|af|"
                   r"efter|inden)\s+)?(?:when|who|whom|how|what|where|which|why|hvornår|hvem|hvor|hvorfor|hvad|"
                   r"hvilke[nt]?)\b)|"
                   r"(?<!\s),\s*(?:and|og)\s+(?=(?:er|var|blev|bliver|har|havde|skal|kan|is|was|were|are|did|does|"
                   r"do|has|will|can)\s)", re.I)


def question_parts(question: str) -> list[str]:
    """The parts of a question that asks several things, each asking for its own kind of fact; one part if it asks
    one thing."""
    return [p for p in (x.strip() for x in _PART.split(question)) if p] or [question]


# A question that opens with its verb asks whether something holds ("Er der fastsat en takst for …?", "Is there a
# price for …?"): a sentence that says so answers it, with or without the amount.
_POLAR = re.compile(r"\s*(?:er|har|findes|fandtes|kan|skal|bliver|blev|var|is|are|does|do|has|have|can|will|was|"
                    r"were|did)\b", re.I)


def answer_type(question: str) -> str | None:
    """What kind of answer the question asks for: phone, email, money, number, date, place, who; None for an open
    question."""
    for name, pattern in _ASKS:
        if pattern.search(question) and not (name == "money" and _POLAR.match(question)):
            return name
    return None


_COUNTED = re.compile(r"\b(?:hvor mange|how many)\s+(?!af\b|of\b)([^\W\d_]+(?:\s+[^\W\d_]+)?)", re.I)
_WORD = re.compile(r"[\w-]+")


_ADJECTIVE = re.compile(r"(?:isk|sk|ig|lig|al|ær|ed)e$", re.I)  # "danske", "kommunale": the noun comes next


def counted(question: str) -> str:
    """The noun after "hvor mange" / "how many": what the question counts ("pladser"; "kommunale bosteder" ->
    "bosteder"). Only one word: the next may already be a verb ("hvor mange borgere venter")."""
    m = _COUNTED.search(question)
    if not m:
        return ""
    words = m.group(1).split()
    return words[1] if len(words) > 1 and _ADJECTIVE.search(words[0]) else words[0]


_TOTAL = re.compile(r"\b(i alt|in total|in all|samlede?|total)\b", re.I)
_BY = frozenset({"med", "by"})  # "reduceres med 7 pladser", "reduced by 7 places": a change, not how many there are


def asks_total(question: str) -> bool:
    """Whether a "how many" question asks how many there are in all ("i alt", "in total"), not by how many."""
    return bool(_TOTAL.search(question))


def counts(nouns: set[str], text: str, reach: int = 3, total: bool = False, strict: bool = False) -> bool:
    """A number stands before one of the counted nouns (stemmed; within `reach` words, "57 kommunale bosteder";
    also inside a compound, "11 døgnpladser"). Strict, only the noun itself or a compound's head counts, not a word
    the noun begins ("kommunale" is no "kommun"): for choosing the sentence; whether any passage counts the noun at
    all (abstention) is asked leniently. For a total, not a number that a change is "med" (by)."""
    words = _WORD.findall(text.lower())
    for i, w in enumerate(words):
        if total and _BY & set(words[max(0, i - 3):i]):
            continue
        if _CARRIES["number"].fullmatch(w):
            for nxt in words[i + 1:i + 1 + reach]:
                if any(stem(nxt.strip("-")).endswith(n) if strict else n in nxt for n in nouns):
                    return True
    return False


# A decision still to be made ("Udvalget skal på mødet den 17. juni træffe beslutning om …") is no decision.
_LATER = re.compile(r"\b(?:skal|skulle|vil|forventes at|bedes|will|shall|is to|are to)\s+(?:[\w.]+\s+){0,6}?"
                    r"(?:træffe beslutning|beslutte|godkende|vedtage|tage stilling|decide|approve|take a decision)",
                    re.I)


def carries(kind: str | None, text: str) -> bool:
    """Whether the text holds the kind of fact asked for; the day and year of a date are no count or amount."""
    if kind in ("number", "money"):
        text = strip_dates(text)
    elif kind == "decision":
        text = _LATER.sub(" ", text)
    return kind is None or bool(_CARRIES[kind].search(text))


# A missing phone number or e-mail address is no reason to say the documents are silent: a page may give the
# contact by name and link (session 13 measured it as one: out-of-corpus abstention precision 0.778 -> 0.700).
_BY_FORM = frozenset({"money"})


def gives(kind: str | None, span: str, years: set[int], days: set[tuple[int, int]] = frozenset()) -> bool:
    """Whether a quote gives the kind of fact the question asks for, where its words can tell: a date other than
    the days the question names ("the deadline for the conference on 9 April" is not 9 April), more exact than a
    year it names. A decision is not told by words: minutes state one in their own words as often as with
    "Godkendt"; what was decided on a day is checked by the document's date (Evidence.unasked). An amount is told by
    its form."""
    if kind in _BY_FORM:
        return carries(kind, span)
    if kind != "date":
        return True
    if days:  # asked when on a day it names: the time of day answers ("kl. 10-12")
        span = without_days(span, days)
        if _TIME.search(span):
            return True
    return _exactly(kind, span) if years else carries(kind, span)


def segments(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or bullet line; abbreviations ("ca.", "bl.a.") and dates do not end one."""
    parts: list[list[int]] = []
    last = 0
    bounds = [(m.start(), m.end()) for m in _SENT_SPLIT.finditer(text)] + [(len(text), len(text))]
    for a, b in bounds:
        seg = text[last:a]
        lead = len(seg) - len(seg.lstrip())
        start, end = last + lead, last + len(seg.rstrip())
        if end > start:
            short_lead = end - start <= 25 and text[start:end].endswith(":")  # "Overskrifterne er:" leads a list
            if parts and (_ABBREVIATION.search(text[parts[-1][0]:parts[-1][1]]) or short_lead):
                parts[-1][1] = end
            else:
                parts.append([start, end])
        last = b
    # A fragment of 25 characters or less ("Beslutning\nGodkendt.", a heading) leads the sentence after it.
    out: list[tuple[int, int]] = []
    lead = None
    for a, b in parts:
        if lead is not None:
            a, lead = lead, None
        if b - a <= 25:
            lead = a
            continue
        out.append((a, b))
    if lead is not None and out:
        out[-1] = (out[-1][0], parts[-1][1])
    return out


def sentences(text: str) -> list[str]:
    """The sentences of a passage, each exactly as it stands in the text."""
    return [text[a:b] for a, b in segments(text)]


@dataclass(frozen=True)
class Span:
    """The quoted part of one passage and how well it answers."""

    text: str
    score: float
    carries_answer: bool




def _list_end(text: str, end: int, limit: int = 450) -> int:
    """Where the list after a lead sentence ending in ":" ends: its items (bullets, numbers, letters; one per line
    or one per paragraph), or the one paragraph that follows."""
    tail = text[end:end + limit]
    cut = tail.rfind("\n") if len(tail) == limit else len(tail)
    start = len(tail) - len(tail.lstrip())
    pos = tail.find("\n\n", start)
    while 0 < pos < cut:
        if not LIST_ITEM.match(tail[pos:].lstrip()):
            cut = pos
            break
        pos = tail.find("\n\n", pos + 2)
    return end + max(cut, 0)


# Kinds of fact a sentence either states or not: one that lacks it is weighed down (a count: see _scored).
_STATED_KINDS = frozenset({"money", "date", "decision", "phone", "email", "reason"})
_ATTACHMENT = re.compile(r"\s*(?:bilag\s+)+\d+\s*[-–:.]", re.I)  # "Bilag 3 - …", "Bilag Bilag 3 - …" (a heading before it)
_DECISION_LINE = re.compile(r"\s*(?:beslutning|decision)\b", re.I)  # "Beslutning i udvalget den 25.08.2026: …"
REACH = 3  # how many sentences after the best one may still carry the asked-for fact ("Beslutning" after "Indstilling")


def _field_block(text: str, segs: list[tuple[int, int]], i: int) -> tuple[int, int]:
    """(first, last) index of the run of labelled fields ("Mødedato: …", "Mødested: …") that segment i stands in, no
    blank line between them, within MAX_SPAN; (i, i) for a segment that is no field."""
    def field(j: int) -> bool:
        return bool(_FIELD.match(text[segs[j][0]:segs[j][1]]))

    def joined(j: int, k: int) -> bool:  # segments j and k = j + 1 stand in one block
        return "\n\n" not in text[segs[j][1]:segs[k][0]]

    if not field(i):
        return i, i
    first = last = i
    while first > 0 and field(first - 1) and joined(first - 1, first) and segs[last][1] - segs[first - 1][0] <= MAX_SPAN:
        first -= 1
    while (last + 1 < len(segs) and field(last + 1) and joined(last, last + 1)
           and segs[last + 1][1] - segs[first][0] <= MAX_SPAN):
        last += 1
    return first, last


def _table_head(text: str, segs: list[tuple[int, int]], i: int) -> int | None:
    """The index of the header row of the table whose row segment i is (rows are lines that begin with "|", one
    after the other), or None where segment i is no table row or is the header itself."""
    if not text[segs[i][0]:segs[i][1]].startswith("|"):
        return None
    top = i
    for _ in range(200):  # a table of at most 200 rows is walked back
        if top == 0 or not text[segs[top - 1][0]:segs[top - 1][1]].startswith("|") \
                or text[segs[top - 1][1]:segs[top][0]].count("\n") > 1:
            break
        top -= 1
    return top if top < i else None


def _exactly(kind: str, text: str) -> bool:
    """The text carries the kind of fact, a date as more than a year."""
    if kind == "date":
        return any(not m.group().isdigit() for m in _CARRIES["date"].finditer(text))
    return carries(kind, text)


# Words that open a sentence by pointing back to the one before it.
_ANAPHOR = re.compile(r"^\W*(?:samtidig\w*|dermed|derfor|herved|hermed|heraf|dette|denne|det|den|de|"
                      r"this|these|it|they|at the same time)\b", re.I)


def _extend(text: str, segs: list[tuple[int, int]], i: int, kind: str | None, missing: set[str]) -> tuple[int, int]:
    """The span: the sentence, its list after a colon, or the sentences up to the next that carries what is missing
    (the asked-for kind of fact within REACH sentences, or question terms the sentence lacks in the next one); a
    sentence that asks a question, with the sentence after it."""
    a, b = segs[i]
    first, last = _field_block(text, segs, i)
    if last > first and missing:
        # the fields beside it that hold what the field lacks are quoted with it ("Møde: <udvalget>" above
        # "Medlemmer: …, formand")
        holding = [j for j in range(first, last + 1)
                   if j != i and holds_any(set(tokenize(text[segs[j][0]:segs[j][1]])), missing)]
        if holding:
            return segs[min(holding + [i])][0], segs[max(holding + [i])][1]
    if text[a:b].rstrip().endswith(":"):
        return a, _list_end(text, b)
    if text[a:b].rstrip().endswith("?") and i + 1 < len(segs) and segs[i + 1][1] - a <= MAX_SPAN:
        # A question the document asks (a FAQ heading) is answered by what follows it: the span reaches that.
        i += 1
        b = segs[i][1]
    if kind == "decision" and _DECISION_LINE.match(text[a:b]):
        # the decision recorded under an item is quoted whole: its paragraph ("Sagen blev udsat. Udvalget ønsker …,
        # før sagen behandles på mødet den 22.09.2026.")
        j = i
        while (j + 1 < len(segs) and "\n\n" not in text[segs[j][1]:segs[j + 1][0]]
               and not _FIELD.match(text[segs[j + 1][0]:segs[j + 1][1]]) and segs[j + 1][1] - a <= MAX_SPAN):
            j += 1
        return a, segs[j][1]
    if (kind and i > 0 and _ANAPHOR.match(text[a:b]) and not _exactly(kind, text[a:b])
            and _exactly(kind, text[segs[i - 1][0]:segs[i - 1][1]]) and b - segs[i - 1][0] <= MAX_SPAN
            and "\n\n" not in text[segs[i - 1][1]:a]):
        # a sentence that points back ("Samtidig ophæves …", "It is …") with what is asked in the one before it
        return segs[i - 1][0], b
    end = None
    if kind and not carries(kind, text[a:b]):
        end = next((nb for na, nb in segs[i + 1:i + 1 + REACH] if nb - a <= MAX_SPAN and carries(kind, text[na:nb])),
                   None)
    if end is None and missing and i + 1 < len(segs):
        na, nb = segs[i + 1]
        if holds_any(set(tokenize(text[na:nb])), missing) and nb - a <= MAX_SPAN:
            end = nb
    if end is None:
        return a, b
    return a, _list_end(text, end) if text[a:end].rstrip().endswith(":") else end


def decision_span(text: str) -> str | None:
    """The decision a passage of minutes records ("Beslutning: Ikke godkendt. Udvalget fastholder …"), whole."""
    segs = segments(text)
    for i, (a, b) in enumerate(segs):
        if _DECISION_LINE.match(text[a:b]):
            a, b = _extend(text, segs, i, "decision", set())
            return text[a:b].strip()
    return None


def holds_any(words: set[str], terms: set[str]) -> bool:
    """Whether the words hold one of the terms, or a word that a term of 4 letters or more begins a compound or an
    inflection of ("chaired" holds "chair", "døgnpladser" holds "plads"), as _scored counts a partial match."""
    return bool(words & terms) or any(t in w for t in terms if len(t) >= 4 for w in words)


SUBJECT_WEIGHT = 0.3
SUBJECT_SHARE = 0.6  # a sentence of which this share of the words are the document's title, body and date heads it


def _scored(question_terms: set[str], text: str, segs, kind: str | None, idf, focus: set[str],
            counted_nouns: set[str] = frozenset(), subject: set[str] = frozenset(), heading: set[str] = frozenset(),
            read=str):
    """(score, index, terms the sentence lacks) of each sentence: idf-weighted question terms, the asked-for kind.
    `read` gives a sentence as the question's words are looked for in it (evidence.reading_of: an English passage
    with the glossary's Danish terms in place).
    Terms of the document's own title and body (`subject`) weigh SUBJECT_WEIGHT: they say which document the
    passage is, which retrieval has used, not which of its sentences answers (the title line itself answers
    nothing)."""
    def weight(t: str) -> float:
        return idf(t) * (SUBJECT_WEIGHT if t in subject else 1.0)

    for i, (a, b) in enumerate(segs):
        s = text[a:b]
        words = set(tokenize(read(s)))
        held = question_terms & words
        score = sum(weight(t) for t in held) + sum(weight(t) for t in held & focus)
        # Danish compounds: "døgnpladser" answers a question about "pladser".
        partial = {t for t in question_terms - words if holds_any(words, {t})}
        score += 0.5 * sum(weight(t) for t in partial)
        first, last = _field_block(text, segs, i)
        if last > first:
            # a labelled field is read with the fields beside it, whose words count half: a meeting's header gives
            # its committee, day, place and members apart ("Møde: …", "Mødedato: …", "Medlemmer: …, formand")
            beside = set(tokenize(read(text[segs[first][0]:segs[last][1]]))) - words
            score += 0.5 * sum(weight(t) for t in (question_terms - held - partial) & beside)
        elif (top := _table_head(text, segs, i)) is not None:
            # a table's row is read with its header row, whose words count half ("| Møde i DSS | Sted | Frist for
            # punkter |" above "| 26. november 2026 | Vejle | 5. november 2026 |")
            beside = set(tokenize(read(text[segs[top][0]:segs[top][1]]))) - words
            score += 0.5 * sum(weight(t) for t in (question_terms - held - partial) & beside)
        if kind and carries(kind, s):
            # "hvornår" is answered by a day more than by a year ("Meetings in 2026" heads the table of their days)
            score += 2.0 if _exactly(kind, s) else 1.0
        elif kind in _STATED_KINDS or counted_nouns:
            # a sentence with the question's words but not what it asks for leads to the answer at most; so does one
            # with no number at all for "hvor mange <noun>" ("how long" and "how much" may be answered in words)
            score *= 0.6
        if counted_nouns and counts(counted_nouns, read(s), strict=True):
            score += 2.0  # "hvor mange kommuner" is answered by "13 … kommuner", not by any number
        if len(s) < 60 and not s.rstrip().endswith((".", ":", "?", "|")) and not _FIELD.match(s):
            score *= 0.5  # a heading, not an answer; a labelled field ("Fraværende: Jesper Ravnsgaard (C)") answers,
            # as does a table's row
        elif _ATTACHMENT.match(s):
            score *= 0.5  # an attachment's name ("Bilag 3 - Samarbejdsaftale …") names a document, it says nothing
        elif subject and len(words & subject) >= SUBJECT_SHARE * len(words):
            score *= 0.5  # the document's own title line, as it heads the text
        elif i == 0 and heading and len(words & heading) >= SUBJECT_SHARE * len(words):
            # the item's title repeated as its first line ("Titel: …"); further down, a line in the title's words
            # is the proposal or decision about it ("• Godkender samarbejdsaftale om …")
            score *= 0.5
        yield score, i, question_terms - held - partial


def top_spans(question_terms: set[str], text: str, kind: str | None, idf, focus: set[str] = frozenset(),
              n: int = 1, counted_nouns: set[str] = frozenset(), subject: set[str] = frozenset(),
              heading: set[str] = frozenset(), read=str) -> list[Span]:
    """The n best answering spans of one passage, best first, none overlapping another."""
    segs = segments(text) or ([(0, min(len(text), MAX_SPAN))] if text.strip() else [])
    scored = _scored(question_terms, text, segs, kind, idf, focus, counted_nouns, subject, heading, read)
    # Of sentences that score alike, the shorter says it more directly.
    ranked = sorted(scored, key=lambda x: (-round(x[0], 6), segs[x[1]][1] - segs[x[1]][0], x[1]))
    out: list[Span] = []
    taken: list[tuple[int, int]] = []
    for score, i, missing in ranked:
        if len(out) >= n:
            break
        a, b = _extend(text, segs, i, kind, {t for t in missing if idf(t) > 2.0})
        if any(a < tb and ta < b for ta, tb in taken):
            continue
        taken.append((a, b))
        span = text[a:b].strip()
        out.append(Span(span, score, carries(kind, span)))
    return out


def best_span(question_terms: set[str], text: str, kind: str | None, idf, focus: set[str] = frozenset(),
              counted_nouns: set[str] = frozenset(), subject: set[str] = frozenset(),
              heading: set[str] = frozenset()) -> Span | None:
    """The best answering span of one passage (idf-weighted question terms; the asked-for kind of fact)."""
    spans = top_spans(question_terms, text, kind, idf, focus, n=1, counted_nouns=counted_nouns, subject=subject,
                      heading=heading)
    return spans[0] if spans else None
