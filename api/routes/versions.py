"""Published versions of a scenario: list and get (immutable, numbered 1, 2, ...)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api.auth import Reader
from api.db import plans as plan_store
from api.db import scenarios as scenario_store
from api.db import versions as version_store
from api.deps import engine_of, stored_scenario
from api.errors import not_found
from api.schemas import Id, VersionOut, errors

router = APIRouter(prefix="/scenarios", tags=["versions"])


def version_out(row: Any) -> VersionOut:
    """A version row as the API shows it."""
    fields = {k: v for k, v in row._mapping.items() if k in VersionOut.model_fields}
    return VersionOut(**fields)


@router.get(
    "/{scenario_id}/versions", response_model=list[VersionOut], responses=errors(401, 404, 422)
)
def list_versions(scenario_id: Id, request: Request, principal: Reader) -> list[VersionOut]:
    """A scenario's published versions, oldest first."""
    with engine_of(request).connect() as conn:
        if scenario_store.get(conn, scenario_id) is None:
            raise not_found("scenario", scenario_id)
        return [version_out(r) for r in version_store.list_for(conn, scenario_id)]


@router.get(
    "/{scenario_id}/versions/{number}", response_model=VersionOut, responses=errors(401, 404, 422)
)
def get_version(scenario_id: Id, number: Id, request: Request, principal: Reader) -> VersionOut:
    """One published version (its plan: `GET /plans/{plan_id}`)."""
    with engine_of(request).connect() as conn:
        row = version_store.get(conn, scenario_id, number)
    if row is None:
        raise not_found("version", f"{scenario_id}/{number}")
    return version_out(row)


@router.get(
    "/{scenario_id}/versions/{a}/diff/{b}",
    response_model=dict[str, Any],
    responses=errors(401, 404, 422),
)
def diff_versions(
    scenario_id: Id,
    a: Id,
    b: Id,
    request: Request,
    principal: Reader,
    unchanged: Annotated[
        bool, Query(description="List the unchanged deliveries too (always counted).")
    ] = False,
) -> dict[str, Any]:
    """What changed for each committee from version `a` to version `b`: its deliveries
    `added`, `moved` (weeks changed), `changed` (another troupe, lecturer, trainer, book
    set or theme, same weeks), `cancelled`, `unchanged`. Deliveries are matched by
    their identity across versions (committee, demand line, ordinal), the UIDs of the
    committees' calendar feeds."""
    from planner.publish.diff import diff_plans

    engine = engine_of(request)
    sides = []
    for number in (a, b):
        with engine.connect() as conn:
            version = version_store.get(conn, scenario_id, number)
            plan = None if version is None else plan_store.get(conn, version.plan_id)
        if version is None or plan is None:
            raise not_found("version", f"{scenario_id}/{number}")
        sides.append((stored_scenario(engine, scenario_id, plan.revision), plan))
    (old_scenario, old_row), (new_scenario, new_row) = sides
    diff = diff_plans(
        old_scenario,
        plan_store.plan_of(old_row.deliveries),
        new_scenario,
        plan_store.plan_of(new_row.deliveries),
    )
    return {"scenario_id": scenario_id, "from": a, "to": b, **diff.to_dict(unchanged=unchanged)}
