"""The shapes of the API's answers (pydantic models), as its OpenAPI description shows them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def as_utc(value: datetime) -> datetime:
    """A stored time as aware UTC: SQLite gives times back without their zone, and an
    RFC 3339 ``date-time`` (what the description promises) needs one."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


#: A time in an answer: always with its zone (UTC when the database dropped it).
Timestamp = Annotated[datetime, AfterValidator(as_utc)]

#: A row id or a number in a path: a positive 32-bit integer.
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


class ProblemOut(BaseModel):
    """One located problem."""

    place: str = Field(description="Where, as planners write it: `committees[7].grid`.")
    line: int | None = Field(default=None, description="The line of the text, when known.")
    message: str


class ErrorOut(BaseModel):
    """The body of every error."""

    error: str = Field(description="An English key: `not_found`, `invalid_scenario`, ...")
    message: str = Field(description="The error in the request's language.")
    problems: list[ProblemOut] = Field(default_factory=list)


class RevisionOut(BaseModel):
    """A revision of a scenario (its text: `GET .../revisions/{n}`)."""

    revision: int
    media_type: str
    sha256: str
    created_at: Timestamp


class ScenarioOut(BaseModel):
    """A scenario."""

    id: int
    name: str
    current_revision: int
    created_at: Timestamp
    updated_at: Timestamp


class ScenarioDetail(ScenarioOut):
    """A scenario with its revisions."""

    revisions: list[RevisionOut]


class ValidationOut(BaseModel):
    """A valid scenario's summary (an invalid one answers 422 with its problems)."""

    valid: bool
    name: str
    weeks: int
    committees: int
    demand_lines: int
    problems: list[ProblemOut] = Field(default_factory=list)


class PlanOut(BaseModel):
    """A plan's summary."""

    id: int
    job_id: int | None
    scenario_id: int
    revision: int
    status: str
    stop_reason: str | None
    objective: float | None
    bound: float | None
    gap: float | None
    created_at: Timestamp
    published_versions: list[int] = Field(default_factory=list)


class DeliveryOut(BaseModel):
    """One delivery (the fields of `planner.plan.Delivery`)."""

    committee_id: str
    product: str
    resource_id: str
    first_week: int
    last_week: int
    demand_id: str
    theme: str


class KpisOut(BaseModel):
    """A plan's KPIs beside both baselines' and what it gains over the better one, and
    the figures of the solve that found it."""

    plan: dict[str, Any]
    baseline: dict[str, Any] = Field(description="The spreadsheet baseline's KPIs.")
    baselines: dict[str, Any] = Field(description="Both baselines: `spreadsheet`, `greedy`.")
    gains: dict[str, Any]
    stats: dict[str, Any] = Field(
        default_factory=dict,
        description="The solve's model and search figures (`stats` of kpis.json): the "
        "model's size, each stage's report under `stages`, and for a plan solved "
        "subdistrict by subdistrict `parts`, one report per subdistrict "
        "(`subdistrict_id`, `area` its name, `committees`, `status`, `stop_reason`, "
        "`objective`, `bound`, `seconds`, `ran`).",
    )


class TermsOut(BaseModel):
    """The objective's named terms (points) of the plan and both baselines."""

    objective: float | None
    terms: dict[str, Any]
    baselines: dict[str, Any]


class UnmetOut(BaseModel):
    """One unmet demand line with its reason."""

    model_config = {"extra": "allow"}

    demand_id: str
    committee_id: str
    reason: str
    explanation: str


class PublishIn(BaseModel):
    """What a publish may say about itself (any other field is refused, as a job's)."""

    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, max_length=2000)


class VersionOut(BaseModel):
    """A published version."""

    scenario_id: int
    number: int
    plan_id: int
    note: str | None
    published_by: int | None
    published_at: Timestamp


#: The error answers each route may give, for the API's description.
def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` entry of a route for its error statuses."""
    return {status: {"model": ErrorOut} for status in statuses}
