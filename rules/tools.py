"""The rule functions as LangChain tools: typed argument schemas, bilingual descriptions, no tracebacks."""
from __future__ import annotations

import inspect
from datetime import date
from typing import Any, Callable, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .agreements import framework_period, tariff_agreement
from .bodies import body_facts, get_body, who_chairs
from .calendar import meeting_calendar
from .capacity import capacity_adjustment, hearing_deadline
from .inputs import RuleInputError, parse_date, parse_flag, parse_places

TOOL_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "capacity_adjustment": capacity_adjustment,
    "hearing_deadline": hearing_deadline,
    "who_chairs": who_chairs,
    "body_facts": body_facts,
    "meeting_calendar": meeting_calendar,
    "framework_period": framework_period,
    "tariff_agreement": tariff_agreement,
}

_BODY = "Body name as the user writes it; any name or alias the rules know (see the tool description)."


class _Args(BaseModel):
    # defer_build: the argument schemas are built when the agent first uses them, not on every import of rules.
    model_config = ConfigDict(extra="forbid", defer_build=True)


class CapacityArgs(_Args):
    change: Optional[int] = Field(None, description="Signed change in places, e.g. -7 or 15.")
    on: date = Field(description="Date of the adjustment (YYYY-MM-DD); selects the rule version.")
    whole_offer_closes: Optional[bool] = Field(
        None, description="True if the whole offer closes, false if not, null if unknown.")
    offer_size: Optional[int] = Field(None, description="Places in the whole offer (use with whole_offer_closes=true).")
    covered_by_framework: bool = Field(True, description="Whether the offer is covered by the Rammeaftale.")


class HearingArgs(_Args):
    sent: date = Field(description="Date the mail hearing was sent (YYYY-MM-DD).")
    on: Optional[date] = Field(None, description="Optional: today's date, to count the days left.")


class BodyDateArgs(_Args):
    body: str = Field(description=_BODY)
    on: date = Field(description="Date the question is about (YYYY-MM-DD).")


class ChairArgs(BodyDateArgs):
    role: Optional[str] = Field(None, description="chair (default), vice-chair (næstformand) or appointer (who "
                                                 "appoints the chair, hvem udpeger formanden).")


class CalendarArgs(_Args):
    body: Optional[str] = Field(None, description=_BODY + " Leave out for the steering body.")
    after: date = Field(description="Find the first meeting strictly after this date (YYYY-MM-DD).")


class FrameworkArgs(_Args):
    on: Optional[date] = Field(None, description="Date (YYYY-MM-DD): which Rammeaftale is in force then.")
    agreement: Optional[str] = Field(None, description="An agreement label such as 2025-26 or Rammeaftale 2027-28.")


class TariffArgs(_Args):
    on: date = Field(description="Date (YYYY-MM-DD) the question is about.")


_SPECS: dict[str, tuple[type[BaseModel], str]] = {
    "capacity_adjustment": (CapacityArgs, (
        "DA: Afgør om en kapacitetsjustering (ændring i antal pladser eller lukning af et helt tilbud omfattet af "
        "rammeaftalen) kræver forudgående godkendelse i {steering}, ad hvilke veje, og hvem der skal kontaktes. "
        "EN: Decides whether a capacity adjustment (change in places, or closing a whole offer covered by the "
        "framework agreement) needs prior {steering} approval, by which routes, and who must be contacted.")),
    "hearing_deadline": (HearingArgs, (
        "DA: Beregner fristen for en mailhøring om en kapacitetsjustering (14 dage) og næste {steering}-møde som alternativ. "
        "EN: Computes the deadline of a mail hearing on a capacity adjustment (14 days) and the next {steering} meeting "
        "as the alternative route.")),
    "who_chairs": (ChairArgs, (
        "DA: Oplyser hvem der er formand (eller medformand, eller med role=vice-chair næstformand) for et forum på en "
        "given dato, og hvem der udpeger formanden. "
        "EN: Says who chairs (or co-chairs) a body on a given date, or with role=vice-chair who is its vice-chair, "
        "and who appoints the chair.")),
    "body_facts": (BodyDateArgs, (
        "DA: Beskriver et forums sammensætning, mødefrekvens, forankring, sekretariat og opgaver på en given dato. "
        "EN: Describes a body's composition, meeting frequency, parent body, secretariat and tasks on a given date.")),
    "meeting_calendar": (CalendarArgs, (
        "DA: Finder næste møde i {calendars} efter en dato, med frist for punkter til dagsordenen. "
        "EN: Finds the next meeting of {calendars} after a date, with the deadline for agenda items.")),
    "framework_period": (FrameworkArgs, (
        "DA: Oplyser hvilken rammeaftale der gælder på en dato, eller hvornår en given rammeaftale gælder og træder i kraft. "
        "EN: Says which framework agreement (Rammeaftale) is in force on a date, or when a given one applies and "
        "takes effect.")),
    "tariff_agreement": (TariffArgs, (
        "DA: Oplyser hvad takstaftalen på en given dato tillader (takststigninger og -reduktioner). "
        "EN: Says what the tariff agreement in force on a date allows (tariff increases and reductions).")),
}


def call_tool(name: str, **kwargs: Any) -> dict[str, Any]:
    """Run a rule function by name and return its result dict, or {"error": ...} on bad input."""
    func = TOOL_FUNCTIONS[name]
    params = inspect.signature(func).parameters
    try:
        unknown = sorted(set(kwargs) - set(params))
        if unknown:
            raise RuleInputError(f"Unknown input '{unknown[0]}' for {name}: it accepts {', '.join(params)}.")
        args = {k: v for k, v in kwargs.items()
                if not (v is None and params[k].default is not inspect.Parameter.empty)}
        for pname, p in params.items():
            if p.default is inspect.Parameter.empty and args.get(pname) is None:
                raise RuleInputError(f"The input '{pname}' is missing for {name}.")
        return func(**args).to_dict()
    except RuleInputError as exc:
        return {"error": str(exc)}


def _explain(name: str, schema: type[BaseModel], exc: ValidationError) -> str:
    """One clear sentence for the first schema error, worded like the rule functions' own errors."""
    err = exc.errors()[0]
    field = str(err["loc"][0]) if err["loc"] else ""
    if err["type"] == "missing":
        return f"The input '{field}' is missing for {name}."
    if err["type"] == "extra_forbidden":
        return f"Unknown input '{field}' for {name}: it accepts {', '.join(schema.model_fields)}."
    annotation = str(schema.model_fields[field].annotation) if field in schema.model_fields else ""
    checks = {"date": parse_date, "int": parse_places, "bool": parse_flag}
    try:
        for key, check in checks.items():
            if key in annotation:
                check(err.get("input"), field)
        if field == "body":
            get_body(err.get("input"))
    except RuleInputError as problem:
        return str(problem)
    if "date" in annotation:
        return f"'{err.get('input')}' is not accepted for '{field}': write the date as YYYY-MM-DD, for example 2026-03-01."
    return f"'{err.get('input')}' is not accepted for '{field}' in {name}: {err['msg']}."


def describe(name: str) -> str:
    """A tool's bilingual description, with the bodies it covers named from the scope data."""
    from .bodies import get_body
    from .loader import dataset
    from .scope import scope

    calendars = sorted({get_body(c.body).name for c in dataset("meetings").calendars})
    names = {"steering": scope().steering_body, "calendars": ", ".join(calendars)}
    text = _SPECS[name][1].format(**names)
    if name in ("who_chairs", "body_facts", "meeting_calendar"):
        text += f" Bodies: {', '.join(scope().bodies)}."
    return text


def langchain_tools() -> list:
    """The seven rule tools as LangChain StructuredTools (langchain_core is imported only here)."""
    from langchain_core.tools import StructuredTool

    return [
        StructuredTool.from_function(
            func=_runner(name), name=name, description=describe(name), args_schema=schema,
            handle_validation_error=_on_invalid(name, schema))
        for name, (schema, _) in _SPECS.items()
    ]


def _runner(name: str) -> Callable[..., dict[str, Any]]:
    def run(**kwargs: Any) -> dict[str, Any]:
        return call_tool(name, **kwargs)

    run.__name__ = name
    return run


def _on_invalid(name: str, schema: type[BaseModel]) -> Callable[[ValidationError], dict[str, str]]:
    # LangChain returns what this gives back as the tool output, so bad input yields {"error": ...}.
    def handle(exc: ValidationError) -> dict[str, str]:
        return {"error": _explain(name, schema, exc)}

    return handle
