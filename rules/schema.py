"""Strict schema of the rule data in rules/data/*.yaml: every value dated and sourced."""

from datetime import date
from typing import Annotated, Optional, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from .result import RuleCitation


class Strict(BaseModel):
    # defer_build: a model's validator is built when it first validates, so a question that reads one rule
    # file does not pay for the schemas of the others at import.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Source(Strict):
    """Where a value comes from: corpus doc id, section, and an exact quote of its cleaned text."""

    doc: str = Field(min_length=1)
    section: str = Field(min_length=1)
    quote: str = Field(min_length=8)

    def citation(self) -> RuleCitation:
        return RuleCitation(doc_id=self.doc, section=self.section, quote=self.quote)


def _one_or_many(value: object) -> object:
    return [value] if isinstance(value, dict) else value


Sources = Annotated[list[Source], BeforeValidator(_one_or_many), Field(min_length=1)]


class Dated(Strict):
    """A value that holds from valid_from up to and including valid_to (open when absent)."""

    valid_from: date
    valid_to: Optional[date] = None

    @model_validator(mode="after")
    def _ordered(self):
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(f"valid_to {self.valid_to} is before valid_from {self.valid_from}")
        return self

    def applies(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


class Fact(Strict):
    """A bilingual value with its source; verbatim lists are quoted word for word from the source."""

    da: Union[str, list[str]]
    en: Union[str, list[str]]
    source: Sources
    verbatim: bool = False

    @model_validator(mode="after")
    def _same_shape(self):
        if isinstance(self.da, list) != isinstance(self.en, list):
            raise ValueError("da and en must both be text or both be lists")
        if isinstance(self.da, list) and len(self.da) != len(self.en):
            raise ValueError("da and en lists must have the same length")
        return self


# capacity_adjustment.yaml ---------------------------------------------------------------

class CapacitySources(Strict):
    scope: Source
    threshold: Source
    no_approval: Source
    approval: Source
    contact_municipalities: Source
    secretariat: Source
    in_force: Optional[Source] = None


class CapacityVersion(Dated):
    version: str
    threshold: int = Field(gt=0)
    hearing_days: int = Field(gt=0)
    approvers: list[str] = Field(min_length=1)
    routes_da: list[str] = Field(min_length=1)
    routes_en: list[str] = Field(min_length=1)
    secretariat_da: str
    secretariat_en: str
    note_da: Optional[str] = None
    note_en: Optional[str] = None
    sources: CapacitySources


class Precedent(Strict):
    id: str
    date: date
    offer: str
    municipality: str
    places_total: int
    places_lost: int
    summary_da: str
    summary_en: str
    source: Sources


class CapacityFile(Strict):
    description: str
    versions: list[CapacityVersion] = Field(min_length=1)
    precedents: list[Precedent] = Field(default_factory=list)


# bodies.yaml -----------------------------------------------------------------------------

class BodyVersion(Dated):
    version: str
    name_da: Optional[str] = None
    description: Optional[Fact] = None
    composition: Optional[Fact] = None
    meeting_frequency: Optional[Fact] = None
    parent: Optional[Fact] = None
    secretariat: Optional[Fact] = None
    tasks: Optional[Fact] = None
    appointed_by: Optional[Fact] = None


class Mention(Strict):
    da: str
    en: str
    source: Sources


class BodyRemark(Dated):
    """What the documents say about a body for dates where it has no version."""

    da: str
    en: str
    sources: Sources


class Body(Strict):
    id: str
    name: str
    full_name: Optional[str] = None
    aliases: list[str] = Field(default_factory=list)
    versions: list[BodyVersion] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)
    remarks: list[BodyRemark] = Field(default_factory=list)

    @model_validator(mode="after")
    def _described(self):
        if not self.versions and not self.mentions:
            raise ValueError("a body needs at least one version or one mention with a source")
        return self


class BodiesFile(Strict):
    description: str
    bodies: list[Body] = Field(min_length=1)


# chairs.yaml -----------------------------------------------------------------------------

class Person(Strict):
    name: str
    role_da: str
    role_en: str
    affiliation_da: Optional[str] = None
    affiliation_en: Optional[str] = None


class ChairEntry(Dated):
    body: str
    chair: str
    role_da: str
    role_en: str
    affiliation_da: Optional[str] = None
    affiliation_en: Optional[str] = None
    appointed_by: Optional[str] = None
    period_da: str
    period_en: str
    others: list[Person] = Field(default_factory=list)
    note_da: Optional[str] = None
    note_en: Optional[str] = None
    sources: Sources


class ChairRemark(Dated):
    body: str
    da: str
    en: str
    sources: Sources


class ChairsFile(Strict):
    description: str
    chairs: list[ChairEntry] = Field(min_length=1)
    remarks: list[ChairRemark] = Field(default_factory=list)


# meetings.yaml ---------------------------------------------------------------------------

class Meeting(Strict):
    date: date
    time: Optional[str] = None
    source: Source
    item_deadline: Optional[date] = None
    item_deadline_source: Optional[Source] = None
    note_da: Optional[str] = None
    note_en: Optional[str] = None
    note_source: Optional[Source] = None

    @model_validator(mode="after")
    def _sourced(self):
        if self.item_deadline and not self.item_deadline_source:
            raise ValueError("item_deadline needs an item_deadline_source")
        if (self.note_da or self.note_en) and not (self.note_da and self.note_en and self.note_source):
            raise ValueError("a note needs note_da, note_en and note_source")
        if self.item_deadline and self.item_deadline >= self.date:
            raise ValueError("item_deadline must be before the meeting")
        return self


class Calendar(Strict):
    id: str
    body: str
    label: str
    covers_from: date
    covers_from_source: Source
    location: Optional[Fact] = None
    meetings: list[Meeting] = Field(min_length=1)

    @model_validator(mode="after")
    def _sorted(self):
        days = [m.date for m in self.meetings]
        if days != sorted(set(days)):
            raise ValueError("meetings must be in date order without repeats")
        if self.covers_from >= days[-1]:
            raise ValueError("covers_from must be before the last meeting")
        return self

    def covers(self, after: date) -> bool:
        """True when the next meeting after this date is known from this calendar."""
        return self.covers_from <= after < self.meetings[-1].date


class MeetingsFile(Strict):
    description: str
    calendars: list[Calendar] = Field(min_length=1)


# framework_agreements.yaml ---------------------------------------------------------------

class FrameworkRule(Dated):
    version: str
    period_years: int = Field(gt=0)
    rule_da: str
    rule_en: str
    approval_da: str
    approval_en: str
    sources: Sources


class Agreement(Dated):
    name: str
    prepared_year: int
    status_da: str
    status_en: str
    sources: Sources


class FrameworkFile(Strict):
    description: str
    rules: list[FrameworkRule] = Field(min_length=1)
    agreements: list[Agreement] = Field(min_length=1)


# tariff_agreements.yaml -----------------------------------------------------------------

class Allowance(Strict):
    da: str
    en: str
    source: Source


class TariffVersion(Dated):
    id: str
    agreement: Optional[str] = None
    content_known: bool
    allows: list[Allowance] = Field(default_factory=list)
    statement_da: str
    statement_en: str
    sources: Sources

    @model_validator(mode="after")
    def _content(self):
        if self.content_known and not (self.agreement and self.allows):
            raise ValueError("a tariff version with known content needs agreement and allows")
        return self


class TariffFile(Strict):
    description: str
    versions: list[TariffVersion] = Field(min_length=1)


# scope.yaml ------------------------------------------------------------------------------

class Region(Strict):
    name_da: str
    name_en: str
    aliases: list[str] = Field(default_factory=list)

    def names(self) -> list[str]:
        return [self.name_da, self.name_en, *self.aliases]


class SourceName(Strict):
    da: str
    en: str


class ScopeFile(Strict):
    """The deployment profile: the region, municipalities and bodies the rule data covers."""

    region: Region
    municipalities: list[str] = Field(min_length=1)
    other_regions: list[Region] = Field(default_factory=list)
    bodies: list[str] = Field(min_length=1)
    steering_body: str
    source_names: dict[str, SourceName] = Field(default_factory=dict)
