"""Solve jobs: start one on a scenario (202), watch its state and live progress, stop it
early keeping the best plan found, list them, retry a failed or cancelled one.

Solves run in the bounded pool of worker processes (:class:`api.jobs.pool.JobPool`);
these routes only read and write job rows and tell the pool, so they answer at once
while solves run.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from api.auth import Planner, Reader
from api.bodies import body_schema, read_json_object
from api.db import scenarios as scenario_store
from api.db.engine import writing
from api.db.tables import plans
from api.deps import engine_of
from api.errors import ApiError, not_found
from api.jobs import store
from api.schemas import Id, errors
from api.settings import Settings
from planner.cli_progress import stage_text
from planner.i18n import _
from planner.params import DECOMPOSE, SolveParams, decompose_value

router = APIRouter(tags=["jobs"])

State = Literal["queued", "running", "finished", "failed", "cancelled"]


class JobIn(BaseModel):
    """A solve's parameters (every one optional; :class:`planner.SolveParams`' names).

    The service's settings bound them: ``time_limit`` up to ``max_time_limit``
    (default ``solve_time_limit``), ``workers`` up to ``max_solve_workers``, checked
    with the other bounds when the settings are in the validation context (``settings``),
    so that every problem is listed at once. ``true`` and ``false`` are not numbers.
    ``decompose`` takes the command line's spellings (``Yes``, `` NO``), stored as the
    library's value.
    """

    model_config = ConfigDict(extra="forbid")

    time_limit: float | None = Field(
        default=None, gt=0, description="Seconds for the whole solve (default: the service's)."
    )
    relative_gap: float = Field(
        default=SolveParams.relative_gap,
        ge=0,
        le=1,
        description="Stop when the plan is within this fraction of the best bound (0 asks "
        "for a proven optimum).",
    )
    seed: int = Field(default=SolveParams.seed, ge=0, le=2**31 - 1, description="CP-SAT seed.")
    workers: int = Field(default=SolveParams.workers, ge=1, le=64, description="CP-SAT workers.")
    decompose: Literal["auto", "yes", "no"] = Field(  # params.DECOMPOSE
        default="auto",  # SolveParams.decompose (tests/api/test_jobs_routes.py)
        description="Solve a scenario of several subdistricts one subdistrict at a time: "
        "auto (when it is large), yes or no (in any case, spaces around it ignored, as "
        "`cultplan solve --decompose` takes it).",
    )

    @field_validator("decompose", mode="before")
    @classmethod
    def _decompose_as_typed(cls, value: Any) -> Any:
        # The command line's spellings: "Yes", " NO" (planner.params.decompose_value);
        # anything else is left as sent, for the refusal to name it.
        if isinstance(value, str) and decompose_value(value) in DECOMPOSE:
            return decompose_value(value)
        return value

    @field_validator("time_limit", "relative_gap", mode="before")
    @classmethod
    def _float_not_bool(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise PydanticCustomError("float_type", "Input should be a valid number")
        return value

    @field_validator("seed", "workers", mode="before")
    @classmethod
    def _int_not_bool(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise PydanticCustomError("int_type", "Input should be a valid integer")
        return value

    @field_validator("time_limit")
    @classmethod
    def _within_service_time_limit(cls, value: float | None, info: ValidationInfo) -> Any:
        settings = (info.context or {}).get("settings")
        if value is not None and settings is not None and value > settings.max_time_limit:
            raise PydanticCustomError(
                "service_time_limit",
                "at most {limit} s on this service, not {value}",
                {"limit": settings.max_time_limit, "value": value},
            )
        return value

    @field_validator("workers")
    @classmethod
    def _within_service_workers(cls, value: int, info: ValidationInfo) -> int:
        settings = (info.context or {}).get("settings")
        if settings is not None and value > settings.max_solve_workers:
            raise PydanticCustomError(
                "service_limit",
                "at most {limit} on this service, not {value}",
                {"limit": settings.max_solve_workers, "value": value},
            )
        return value


class ProgressOut(BaseModel):
    """Where a solve is: its phase in the planner's words and the best plan so far."""

    stage: str | None = Field(
        description="The solve's stage: building, baselines, fairness, primary, secondary, "
        "parts (a large scenario solved subdistrict by subdistrict), done (null before the "
        "worker starts)."
    )
    phase: str | None = Field(description="What the solve is doing, in the request's language.")
    coverage: float | None = Field(description="Coverage of the best plan so far (0 to 1).")
    min_coverage: float | None = Field(description="Lowest committee coverage (0 to 1).")
    objective: float | None = Field(description="The best plan's objective, in points.")
    bound: float | None = Field(description="The best proven bound, in points.")
    gap: float | None = Field(description="Relative gap between objective and bound.")
    elapsed: float | None = Field(description="Seconds since the job started running.")
    parts_done: int | None = Field(description="In the parts stage: subdistricts solved so far.")
    parts: int | None = Field(description="In the parts stage: subdistricts in all.")


class JobOut(BaseModel):
    """A solve job."""

    id: int
    scenario_id: int
    revision: int
    state: State
    params: dict[str, Any]
    progress: ProgressOut
    cancel_requested: bool
    error: str | None = Field(
        description="Why it failed or was cancelled: `interrupted` (the service stopped; "
        "retry it), `invalid_scenario`, `invalid_params`, `no_plan`, `broken_plan` (a "
        "bug), `crashed`, `stopped` (cancelled before a plan)."
    )
    message: str | None = Field(
        description="For a job that failed or was cancelled without a plan: the error "
        "in words. For a job that ended with a plan (finished, or cancelled with one): "
        "how its solve ended, the text the command line prints above its KPI table "
        "(proven optimal or how close to the best possible plan, the baseline's plan "
        "kept and why, the subdistricts planned). The service's own messages are "
        "translated when read, the library's are in the service's language; null while "
        "the job is queued or running."
    )
    notes: list[str] = Field(
        description="What the solve did otherwise than asked, in the request's language, "
        "once the job has ended: with `decompose` `yes`, that the scenario was solved "
        "whole after all and why (it cannot be split, or its pins cannot be kept "
        "subdistrict by subdistrict), as `cultplan solve --decompose yes` says it. Empty "
        "otherwise."
    )
    retryable: bool = Field(description="Whether `POST /jobs/{id}/retry` accepts it.")
    retry_of: int | None
    plan_id: int | None = Field(description="The plan found (finished, or cancelled with one).")
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """A stored time as aware UTC (SQLite gives naive times back)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def _plan_ids(conn: sa.Connection, job_ids: list[int]) -> dict[int, int]:
    if not job_ids:
        return {}
    rows = conn.execute(sa.select(plans.c.job_id, plans.c.id).where(plans.c.job_id.in_(job_ids)))
    return {int(job_id): int(plan_id) for job_id, plan_id in rows}


def job_out(row: Any, plan_id: int | None) -> JobOut:
    """A job row as the API shows it: progress with its phase in the request's language
    and the time elapsed (live while running)."""
    state = str(row["state"])
    stored = dict(row["progress"] or {})
    started, finished = _utc(row["started_at"]), _utc(row["finished_at"])
    elapsed = None
    if started is not None:
        end = finished if finished is not None else dt.datetime.now(dt.UTC)
        elapsed = round(max(0.0, (end - started).total_seconds()), 3)
    stage = stored.get("stage")
    if stage is None and state == store.RUNNING:
        stage = "start"
    code, message = store.split_error(row["error"])
    created = _utc(row["created_at"])
    assert created is not None  # the column is NOT NULL
    return JobOut(
        id=row["id"],
        scenario_id=row["scenario_id"],
        revision=row["revision"],
        state=state,  # type: ignore[arg-type]
        params=dict(row["params"]),
        progress=ProgressOut(
            stage=stage,
            phase=None
            if stage is None
            else stage_text(stage, stored.get("parts_done"), stored.get("parts")),
            coverage=stored.get("coverage"),
            min_coverage=stored.get("min_coverage"),
            objective=stored.get("objective"),
            bound=stored.get("bound"),
            gap=stored.get("gap"),
            elapsed=elapsed,
            parts_done=stored.get("parts_done"),
            parts=stored.get("parts"),
        ),
        cancel_requested=bool(row["cancel_requested"]),
        error=code,
        message=store.message_text(message) if code is not None else row["message"],
        notes=store.notes_text(row["notes"]),
        retryable=state in store.RETRYABLE_STATES,
        retry_of=row["retry_of"],
        plan_id=plan_id,
        created_at=created,
        started_at=started,
        finished_at=finished,
    )


def _read(engine: sa.Engine, job_id: int) -> JobOut:
    with engine.connect() as conn:
        row = store.get(conn, job_id)
        if row is None:
            raise not_found("job", job_id)
        return job_out(row, _plan_ids(conn, [job_id]).get(job_id))


def _pool(request: Request) -> Any:
    pool = request.app.state.pool
    if pool is None:
        raise ApiError(503, "no_pool", _("this service runs no solves"))
    return pool


async def job_body(request: Request) -> JobIn | None:
    """A job's parameters as sent (``None`` for no body): read as every JSON body is
    (:func:`api.bodies.read_json_object`), the service's bounds checked with the others."""
    return await read_json_object(request, JobIn, {"settings": request.app.state.settings})


def solve_params(body: JobIn, settings: Settings) -> dict[str, Any]:
    """The stored parameters of a job: the body within the settings' bounds.

    Raises
    ------
    ApiError
        422 ``invalid_params`` naming each parameter beyond its bound.
    """
    params: dict[str, Any] = {
        "time_limit": body.time_limit if body.time_limit is not None else settings.solve_time_limit,
        "seed": body.seed,
        "workers": body.workers,
        "relative_gap": body.relative_gap,
        "decompose": body.decompose,
    }
    problems = []
    if params["time_limit"] > settings.max_time_limit:
        problems.append(
            {
                "place": "time_limit",
                "line": None,
                "message": _("at most {limit} s on this service, not {value}").format(
                    limit=f"{settings.max_time_limit:g}", value=f"{params['time_limit']:g}"
                ),
            }
        )
    if params["workers"] > settings.max_solve_workers:
        problems.append(
            {
                "place": "workers",
                "line": None,
                "message": _("at most {limit} on this service, not {value}").format(
                    limit=settings.max_solve_workers, value=params["workers"]
                ),
            }
        )
    if problems:
        raise ApiError(
            422,
            "invalid_params",
            _("the solve parameters are not valid: {n} problem(s)").format(n=len(problems)),
            problems,
        )
    SolveParams.from_dict(params)  # the library's own checks (the body's bounds keep them)
    return params


def _located(response: Response, job: JobOut) -> JobOut:
    response.headers["Location"] = f"/jobs/{job.id}"
    return job


@router.post(
    "/scenarios/{scenario_id}/jobs",
    status_code=202,
    response_model=JobOut,
    responses=errors(400, 401, 403, 404, 413, 415, 422, 503),
    openapi_extra=body_schema(JobIn, "The solve's parameters (every one optional)."),
)
def create_job(
    scenario_id: Id,
    request: Request,
    response: Response,
    principal: Planner,
    body: Annotated[JobIn | None, Depends(job_body)],
    revision: Annotated[
        int | None,
        Query(ge=1, le=2**31 - 1, description="The revision to solve (default: the current)."),
    ] = None,
) -> JobOut:
    """Start solving a scenario: 202 with the queued job and its `Location`.

    The job runs in the pool of worker processes; `GET /jobs/{id}` shows its state and
    live progress.
    """
    pool = _pool(request)
    engine = engine_of(request)
    params = solve_params(body or JobIn(), request.app.state.settings)
    with writing(engine) as conn:
        scenario = scenario_store.get(conn, scenario_id)
        if scenario is None:
            raise not_found("scenario", scenario_id)
        number = revision if revision is not None else int(scenario.current_revision)
        if scenario_store.revision(conn, scenario_id, number) is None:
            raise not_found("revision", number)
        job_id = store.create(conn, scenario_id, number, params)
    pool.submit(job_id)
    return _located(response, _read(engine, job_id))


@router.get("/jobs", response_model=list[JobOut], responses=errors(401, 404, 422))
def list_jobs(
    request: Request,
    principal: Reader,
    scenario: Annotated[
        int | None, Query(ge=1, le=2**31 - 1, description="Only this scenario's jobs.")
    ] = None,
    state: Annotated[list[State] | None, Query(description="Only jobs in these states.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> list[JobOut]:
    """Jobs, newest first (of one scenario, in some states, if asked)."""
    with engine_of(request).connect() as conn:
        rows = store.list_jobs(conn, scenario, state, limit, offset)
        plan_ids = _plan_ids(conn, [int(r["id"]) for r in rows])
        return [job_out(r, plan_ids.get(int(r["id"]))) for r in rows]


@router.get("/jobs/{job_id}", response_model=JobOut, responses=errors(401, 404, 422))
def get_job(job_id: Id, request: Request, principal: Reader) -> JobOut:
    """A job: its state, live progress, error and plan."""
    return _read(engine_of(request), job_id)


@router.delete(
    "/jobs/{job_id}",
    response_model=JobOut,
    responses={202: {"model": JobOut}, **errors(401, 403, 404, 409, 422, 503)},
)
def cancel_job(job_id: Id, request: Request, response: Response, principal: Planner) -> JobOut:
    """Stop a job early. A queued job is cancelled at once (200). A running one is asked
    to stop (202): within seconds it ends `cancelled`, keeping the best plan found
    (`plan_id`); one whose solve had already ended on its own ends `finished` all the
    same. A job that has ended: 409 `ended`, the job left as it was."""
    engine = engine_of(request)
    with engine.connect() as conn:
        row = store.get(conn, job_id)
    if row is None:
        raise not_found("job", job_id)
    if row["state"] in store.END_STATES:
        raise ApiError(
            409, "ended", _("job {id} has ended ({state})").format(id=job_id, state=row["state"])
        )
    state = _pool(request).cancel(job_id)
    job = _read(engine, job_id)
    response.status_code = 200 if state in store.END_STATES else 202
    return job


@router.post(
    "/jobs/{job_id}/retry",
    status_code=202,
    response_model=JobOut,
    responses=errors(401, 403, 404, 409, 422, 503),
)
def retry_job(job_id: Id, request: Request, response: Response, principal: Planner) -> JobOut:
    """Solve a failed or cancelled job again: 202 with a new queued job (`retry_of` names
    this one) of the same revision and parameters; 409 for a job that is not failed or
    cancelled."""
    pool = _pool(request)
    engine = engine_of(request)
    with writing(engine) as conn:
        row = store.get(conn, job_id)
        if row is None:
            raise not_found("job", job_id)
        new_id = store.retry(conn, job_id)
    if new_id is None:
        raise ApiError(
            409,
            "not_retryable",
            _("job {id} is {state}: only a failed or cancelled job is retried").format(
                id=job_id, state=row["state"]
            ),
        )
    pool.submit(new_id)
    return _located(response, _read(engine, new_id))
