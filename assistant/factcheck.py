"""Checks that a model's answer text agrees with a rule tool's result (approval, dates, names, periods)."""
from __future__ import annotations

import re
from datetime import date

from assistant.slots import BadDate, extract_dates
from ingest.clean import normalize_ws



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
        elif approval is True and (says_no or not says_yes):
            problems.append("the tool says approval is required")
        elif approval is False and (says_yes or not says_no):
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


# --- the planner ---------------------------------------------------------------------------------------------
