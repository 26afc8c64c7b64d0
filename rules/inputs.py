"""Checking what a caller passes in: dates, numbers of places, yes/no flags."""
from __future__ import annotations

import re
from datetime import date, datetime


class RuleInputError(ValueError):
    """A caller passed something the rules cannot use; the message says what and what is accepted."""


_DANISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_TRUE = {"true", "yes", "ja", "1"}
_FALSE = {"false", "no", "nej", "0"}
_UNKNOWN = {"none", "null", "unknown", "ukendt", ""}


def parse_date(value: object, name: str) -> date:
    """Return a date from a date object or an ISO string (YYYY-MM-DD; D.M.YYYY also accepted)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None:
        raise RuleInputError(f"The date '{name}' is missing: give an ISO date such as 2026-03-01.")
    if isinstance(value, str):
        text = value.strip()
        m = _DANISH_DATE.match(text)
        try:
            if m:
                return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                return date.fromisoformat(text)
        except ValueError:
            pass
    raise RuleInputError(
        f"'{value}' is not a valid date for '{name}': use an existing calendar date written "
        f"YYYY-MM-DD (for example 2026-03-01) or D.M.YYYY (for example 1.3.2026)."
    )


def parse_optional_date(value: object, name: str) -> date | None:
    return None if value is None or value == "" else parse_date(value, name)


def parse_places(value: object, name: str) -> int | None:
    """Return a whole number of places (signed), or None when not given."""
    if value is None:
        return None
    if isinstance(value, bool):
        pass
    elif isinstance(value, int):
        return value
    elif isinstance(value, float) and value.is_integer():
        return int(value)
    elif isinstance(value, str) and _INTEGER.match(value.strip()):
        return int(value.strip())
    raise RuleInputError(
        f"'{value}' is not a whole number of places for '{name}': give an integer such as -7 or 15."
    )


def parse_flag(value: object, name: str) -> bool | None:
    """Return True, False or None (unknown) from a bool, None or a yes/no word."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        if word in _UNKNOWN:
            return None
    raise RuleInputError(
        f"'{value}' is not accepted for '{name}': give true, false or null (unknown)."
    )


# The roles who_chairs answers for: the chair (the default), or the deputy the data lists beside the chair.
# The router finds a deputy in a question by the vice-chair words here (assistant/router.py, VICE).
ROLES = {"chair": "chair", "formand": "chair", "formandskab": "chair", "vice-chair": "vice-chair",
         "vicechair": "vice-chair", "vice chair": "vice-chair", "deputy chair": "vice-chair",
         "næstformand": "vice-chair", "viceformand": "vice-chair", "vice-formand": "vice-chair",
         "vice formand": "vice-chair",
         # who appoints the chair: a question about the appointer is answered though the chair is not named
         "appointer": "appointer", "appoint": "appointer", "appoints": "appointer", "appointed by": "appointer",
         "udpege": "appointer", "udpeger": "appointer", "udpegning": "appointer", "udpeget af": "appointer"}


def parse_role(value: object, name: str) -> str:
    """Return "chair", "vice-chair" or "appointer" from a role word in Danish or English (None: the chair)."""
    if value is None:
        return "chair"
    role = role_of(value) if isinstance(value, str) else None
    if role:
        return role
    raise RuleInputError(f"'{value}' is not accepted for '{name}': give chair, vice-chair or appointer.")


def role_of(word: str) -> str | None:
    """The role a word names ("næstformand" -> "vice-chair"), None for a word that names no role."""
    return ROLES.get(" ".join(word.split()).casefold())
