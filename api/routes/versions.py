"""Published versions of a scenario: list and get (immutable, numbered 1, 2, ...)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from api.auth import Reader
from api.db import scenarios as scenario_store
from api.db import versions as version_store
from api.deps import engine_of
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
