"""Rules as data: dated, sourced facts of the inter-municipal cooperation (scope in data/scope.yaml) and small pure tools over them.

Facts live in rules/data/*.yaml (strict schema in rules/schema.py); every tool returns a RuleResult
with a Danish and an English answer, structured fields and exact corpus quotes.
"""
from .agreements import framework_period, tariff_agreement
from .bodies import body_facts, known_bodies, resolve_body, who_chairs
from .calendar import meeting_calendar
from .capacity import capacity_adjustment, hearing_deadline
from .inputs import RuleInputError
from .result import RuleCitation, RuleResult
from .tools import TOOL_FUNCTIONS, call_tool, langchain_tools

__all__ = [
    "capacity_adjustment", "hearing_deadline", "who_chairs", "body_facts", "meeting_calendar",
    "framework_period", "tariff_agreement", "RuleResult", "RuleCitation", "RuleInputError",
    "langchain_tools", "resolve_body", "known_bodies", "TOOL_FUNCTIONS", "call_tool",
]
