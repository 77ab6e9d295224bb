"""Scenarios: create (YAML, JSON or an uploaded file), list, get, update as a new
revision, validate, delete (refused while a published version uses it)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response

from api.auth import Planner, Reader
from api.db import plans as plan_store
from api.db import scenarios as scenario_store
from api.db.engine import writing
from api.deps import engine_of, in_thread, stored_scenario
from api.documents import SCENARIO_BODY, parse, read_document
from api.errors import ApiError, not_found
from api.schemas import (
    Id,
    PlanOut,
    RevisionOut,
    ScenarioDetail,
    ScenarioOut,
    ValidationOut,
    errors,
)
from planner.i18n import _
from planner.scenario import Scenario

router = APIRouter(prefix="/scenarios", tags=["scenarios"])


def _detail(conn: sa.Connection, scenario_id: int) -> ScenarioDetail:
    row = scenario_store.get(conn, scenario_id)
    if row is None:
        raise not_found("scenario", scenario_id)
    revisions = [RevisionOut(**r._mapping) for r in scenario_store.revisions(conn, scenario_id)]
    return ScenarioDetail(**row._mapping, revisions=revisions)


def _summary(scenario: Scenario) -> ValidationOut:
    return ValidationOut(
        valid=True,
        name=scenario.name,
        weeks=len(scenario.weeks),
        committees=len(scenario.committees),
        demand_lines=len(scenario.demand_lines),
    )


@router.post(
    "",
    status_code=201,
    response_model=ScenarioDetail,
    openapi_extra=SCENARIO_BODY,
    responses=errors(400, 401, 403, 413, 415, 422),
)
async def create_scenario(
    request: Request, response: Response, principal: Planner
) -> ScenarioDetail:
    """Create a scenario from YAML or JSON (the body, or an uploaded file `file`).

    The text is read through the library (every problem at once, located: 422) and kept
    verbatim as revision 1.
    """
    text, kind = await read_document(request)
    scenario = await in_thread(parse, text, kind)
    engine = engine_of(request)

    def store() -> ScenarioDetail:
        with writing(engine) as conn:
            scenario_id = scenario_store.create(conn, scenario.name, text, kind)
            return _detail(conn, scenario_id)

    detail: ScenarioDetail = await in_thread(store)
    response.headers["Location"] = f"/scenarios/{detail.id}"
    return detail


@router.get("", response_model=list[ScenarioOut], responses=errors(401, 404))
def list_scenarios(request: Request, principal: Reader) -> list[ScenarioOut]:
    """Every scenario, oldest first."""
    with engine_of(request).connect() as conn:
        return [ScenarioOut(**r._mapping) for r in scenario_store.list_all(conn)]


@router.get("/{scenario_id}", response_model=ScenarioDetail, responses=errors(401, 404, 422))
def get_scenario(scenario_id: Id, request: Request, principal: Reader) -> ScenarioDetail:
    """A scenario with its revisions."""
    with engine_of(request).connect() as conn:
        return _detail(conn, scenario_id)


@router.put(
    "/{scenario_id}",
    response_model=ScenarioDetail,
    openapi_extra=SCENARIO_BODY,
    responses=errors(400, 401, 403, 404, 413, 415, 422),
)
async def update_scenario(scenario_id: Id, request: Request, principal: Planner) -> ScenarioDetail:
    """Update a scenario: the text becomes its next revision (earlier ones are kept)."""
    engine = engine_of(request)

    def exists() -> bool:
        with engine.connect() as conn:
            return scenario_store.get(conn, scenario_id) is not None

    if not await in_thread(exists):
        raise not_found("scenario", scenario_id)
    text, kind = await read_document(request)
    scenario = await in_thread(parse, text, kind)

    def store() -> ScenarioDetail:
        with writing(engine) as conn:
            revision = scenario_store.add_revision(conn, scenario_id, scenario.name, text, kind)
            if revision is None:
                raise not_found("scenario", scenario_id)
            return _detail(conn, scenario_id)

    detail: ScenarioDetail = await in_thread(store)
    return detail


@router.delete("/{scenario_id}", status_code=204, responses=errors(401, 403, 404, 409, 422))
def delete_scenario(scenario_id: Id, request: Request, principal: Planner) -> Response:
    """Delete a scenario with its revisions, jobs and plans: 409 while a published version
    uses it."""
    with writing(engine_of(request)) as conn:
        try:
            found = scenario_store.delete(conn, scenario_id)
        except scenario_store.ScenarioInUse:
            raise ApiError(
                409,
                "published",
                _("scenario {id} has published versions and cannot be deleted").format(
                    id=scenario_id
                ),
            ) from None
    if not found:
        raise not_found("scenario", scenario_id)
    return Response(status_code=204)


@router.get(
    "/{scenario_id}/revisions", response_model=list[RevisionOut], responses=errors(401, 404, 422)
)
def list_revisions(scenario_id: Id, request: Request, principal: Reader) -> list[RevisionOut]:
    """A scenario's revisions, oldest first."""
    return get_scenario(scenario_id, request, principal).revisions


@router.get(
    "/{scenario_id}/revisions/{revision}",
    response_class=Response,
    responses={
        200: {
            "description": "The revision's text, verbatim.",
            "content": {"application/yaml": {}, "application/json": {}},
        },
        **errors(401, 404, 422),
    },
)
def get_revision(scenario_id: Id, revision: Id, request: Request, principal: Reader) -> Response:
    """The text of one revision, as it was sent."""
    with engine_of(request).connect() as conn:
        row = scenario_store.revision(conn, scenario_id, revision)
    if row is None:
        raise not_found("revision", f"{scenario_id}/{revision}")
    return Response(row.source, media_type=f"{row.media_type}; charset=utf-8")


@router.post(
    "/{scenario_id}/validate",
    response_model=ValidationOut,
    openapi_extra={
        "requestBody": {**SCENARIO_BODY["requestBody"], "required": False},
    },
    responses=errors(400, 401, 404, 413, 415, 422),
)
async def validate_scenario(scenario_id: Id, request: Request, principal: Reader) -> ValidationOut:
    """Validate a text as the scenario's next revision (the body), or its current
    revision (no body): every problem at once, located (422), nothing stored."""
    engine = engine_of(request)

    def current() -> Any:
        with engine.connect() as conn:
            return scenario_store.get(conn, scenario_id)

    row = await in_thread(current)
    if row is None:
        raise not_found("scenario", scenario_id)
    if await request.body():
        text, kind = await read_document(request)
        scenario = await in_thread(parse, text, kind)
    else:
        scenario = await in_thread(stored_scenario, engine, scenario_id, row.current_revision)
    return _summary(scenario)


@router.get("/{scenario_id}/plans", response_model=list[PlanOut], responses=errors(401, 404, 422))
def list_plans(scenario_id: Id, request: Request, principal: Reader) -> list[PlanOut]:
    """A scenario's plans (those its solve jobs found), newest first."""
    from api.routes.plans import plan_out

    with engine_of(request).connect() as conn:
        if scenario_store.get(conn, scenario_id) is None:
            raise not_found("scenario", scenario_id)
        return [plan_out(conn, r) for r in plan_store.list_for(conn, scenario_id)]
