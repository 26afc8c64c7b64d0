"""Danish and English dates: the one place that parses them from free text and formats them for readers."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS_DA = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
             "november", "december"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]
MONTHS = {name: n for names in (MONTHS_DA, [m.lower() for m in MONTHS_EN]) for n, name in enumerate(names, start=1)}
MONTHS |= {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "okt": 10,
           "oct": 10, "nov": 11, "dec": 12}

# The years a date may name; anything outside is bad input, not a date to compute with.
MIN_YEAR, MAX_YEAR = 1900, 2199

# Every pattern is a fixed sequence of bounded pieces: linear time on any input.
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_DMY_NUM = re.compile(r"(?<![\d.])(\d{1,2})[./](\d{1,2})[./](\d{4})(?!\d)")
_DMY_TXT = re.compile(r"(?<!\d)(\d{1,2})\.? {0,3}([a-zæøå]{3,9})\.? {0,3}(\d{4})(?!\d)", re.I)
_MDY_TXT = re.compile(r"\b([a-z]{3,9}) {1,3}(\d{1,2})(?:st|nd|rd|th)?,? {0,3}(\d{4})(?!\d)", re.I)
_MONTH_YEAR = re.compile(r"\b([a-zæøå]{3,9}) {1,3}(\d{4})(?!\d)", re.I)
# A year may end a sentence or clause ("i 2027.", "2028-2030, så"); a digit after the mark makes it a number.
_YEAR = re.compile(r"(?<![\d.,/-])(19\d\d|2[01]\d\d)(?!\d|[.,/]\d)")
_YEAR_RANGE = re.compile(r"(?<![\d.,/-])((?:19|2[01])\d\d) {0,2}[-–/] {0,2}((?:19|2[01])?\d\d)(?!\d|[.,/]\d)")


class BadDate(ValueError):
    """A date in the text that does not exist or lies outside the years we accept."""


@dataclass(frozen=True)
class DateMention:
    """A date named in text: a day, a month (day = 1) or a year (month = day = 1), with where it stands."""

    start: int
    end: int
    value: date
    precision: str  # day | month | year
    raw: str


def _make(y: int, m: int, d: int, raw: str) -> date:
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise BadDate(f"'{raw}' lies outside the years {MIN_YEAR}-{MAX_YEAR}; write a date such as 2026-03-03.")
    try:
        return date(y, m, d)
    except ValueError:
        raise BadDate(f"'{raw}' is not a valid date; write dates like 2026-03-03 or 3. marts 2026.") from None


def find_dates(text: str, years: bool = True) -> list[DateMention]:
    """Every date in the text in order: full dates, then month-year and bare years where no full date covers them."""
    found: list[DateMention] = []

    def free(a: int, b: int) -> bool:
        return all(b <= f.start or a >= f.end for f in found)

    def add(m: re.Match, y: int, mo: int, d: int, precision: str) -> None:
        if free(m.start(), m.end()):
            found.append(DateMention(m.start(), m.end(), _make(y, mo, d, m.group(0)), precision, m.group(0)))

    for m in _ISO.finditer(text):
        add(m, int(m.group(1)), int(m.group(2)), int(m.group(3)), "day")
    for m in _DMY_NUM.finditer(text):
        add(m, int(m.group(3)), int(m.group(2)), int(m.group(1)), "day")
    for m in _DMY_TXT.finditer(text):
        month = MONTHS.get(m.group(2).lower())
        if month:
            add(m, int(m.group(3)), month, int(m.group(1)), "day")
    for m in _MDY_TXT.finditer(text):
        month = MONTHS.get(m.group(1).lower())
        if month:
            add(m, int(m.group(3)), month, int(m.group(2)), "day")
    for m in _MONTH_YEAR.finditer(text):
        month = MONTHS.get(m.group(1).lower())
        if month:
            add(m, int(m.group(2)), month, 1, "month")
    if years:
        for m in _YEAR_RANGE.finditer(text):
            if free(m.start(), m.end()):
                found.append(DateMention(m.start(), m.end(), _make(int(m.group(1)), 1, 1, m.group(0)), "range",
                                         m.group(0)))
        for m in _YEAR.finditer(text):
            add(m, int(m.group(1)), 1, 1, "year")
    return sorted(found, key=lambda f: f.start)


def years_named(text: str) -> set[int]:
    """Every year a text names, ranges spelled out ("Rammeaftale 2021-22" names 2021 and 2022, "2019-2022" each year
    between); no date is checked, so a passage with an impossible date still gives its years."""
    out: set[int] = set()
    for m in _YEAR_RANGE.finditer(text):
        first, last = int(m.group(1)), m.group(2)
        end = int(last) if len(last) == 4 else first // 100 * 100 + int(last)
        out.update(range(first, end + 1) if first <= end <= first + 10 else (first,))
    out.update(int(m.group(1)) for m in _YEAR.finditer(text))
    return out


def days_named(text: str) -> list[date]:
    """Every whole day a text names ("pr. 1. februar 2025", "2026-02-27"); none where a date is impossible."""
    try:
        return [m.value for m in find_dates(text, years=False) if m.precision == "day"]
    except BadDate:
        return []


# Day and month with no year after them (a whole date is read by find_dates).
_DAY_MONTH = re.compile(r"(?<![\d.])(\d{1,2})\.? {0,3}([a-zæøå]{3,9})\b(?! {0,3}\d)|"
                        r"(?<![\d.])(\d{1,2})[./](\d{1,2})\.?(?![\d./])", re.I)


def _day_month_mentions(text: str):
    """(start, end, (day, month)) of each day named by day and month with no year after it ("9. april", "4.6.")."""
    for m in _DAY_MONTH.finditer(text):
        month = MONTHS.get(m.group(2).lower()) if m.group(1) else int(m.group(4))
        if month:
            yield m.start(), m.end(), (int(m.group(1) or m.group(3)), month)


def day_in_year(text: str, year: int) -> tuple[date, str] | None:
    """The first day the text names by day and month only ("sendes 20. december"), in the given year, and its words;
    None when it names none (or no such day exists, "30. februar")."""
    for start, end, (day, month) in _day_month_mentions(text):
        try:
            return date(year, month, day), text[start:end].strip()
        except ValueError:
            continue
    return None


def names_day(text: str, day: date) -> bool:
    """Whether the text names this day: as a whole date, or as day and month ("4. juni", "4.6.") in a text that
    names the day's year too ("… 4. juni, 24. september og 10. december 2026")."""
    try:
        if any(m.precision == "day" and m.value == day for m in find_dates(text, years=False)):
            return True
    except BadDate:
        pass
    if day.year not in years_named(text):
        return False
    return any(pair == (day.day, day.month) for _, _, pair in _day_month_mentions(text))


def day_months(text: str) -> set[tuple[int, int]]:
    """The (day, month) of every day the text names, with or without its year ("den 9. april", "2026-02-27")."""
    return {(d.day, d.month) for d in days_named(text)} | {pair for _, _, pair in _day_month_mentions(text)}


def without_days(text: str, pairs: set[tuple[int, int]]) -> str:
    """The text with its mentions of these days (day, month) blanked out, with or without their year."""
    if not pairs:
        return text
    try:
        spans = [(m.start, m.end) for m in find_dates(text, years=False)
                 if m.precision == "day" and (m.value.day, m.value.month) in pairs]
    except BadDate:
        spans = []
    spans += [(a, b) for a, b, pair in _day_month_mentions(text) if pair in pairs]
    out = list(text)
    for a, b in spans:
        out[a:b] = " " * (b - a)
    return "".join(out)


def strip_dates(text: str) -> str:
    """The text with its dates and years blanked out, so "3. marts 2026" is not read as 2026 places."""
    try:
        mentions = find_dates(text)
    except BadDate:
        mentions = []
    out, last = [], 0
    for m in mentions:
        out.append(text[last:m.start])
        out.append(" " * (m.end - m.start))
        last = m.end
    out.append(text[last:])
    return "".join(out)


def date_da(d: date) -> str:
    return f"{d.day}. {MONTHS_DA[d.month - 1]} {d.year}"


def date_en(d: date) -> str:
    return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"


def date_short(value: str | date) -> str:
    """3.3.2026: how Danish readers write a date in a line of text."""
    d = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{d.day}.{d.month}.{d.year}"
