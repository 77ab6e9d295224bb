"""Plans: deliveries (JSON, CSV), KPIs beside both baselines, the objective's named
terms, unmet demand with reasons, the violations list (empty), and publishing."""

from __future__ import annotations

import io
import json
import re
import threading
from collections import OrderedDict
from typing import Annotated, Any, Literal

import pandas as pd
import sqlalchemy as sa
from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request, Response

from api import fast_calendars
from api.auth import AnyToken, Planner, Principal, Reader, check_committee, hidden
from api.bodies import body_schema, read_json_object
from api.db import plans as plan_store
from api.db import versions as version_store
from api.db.engine import writing
from api.db.tables import versions
from api.deps import engine_of, in_thread, stored_scenario
from api.errors import ApiError, not_found
from api.fastpath import FAST_ROUTES, FastAnswer, FastRequest, FastRoute
from api.routes.versions import version_out
from api.schemas import (
    DeliveryOut,
    Id,
    KpisOut,
    PlanOut,
    PublishIn,
    TermsOut,
    UnmetOut,
    VersionOut,
    errors,
)
from planner.i18n import current_language
from planner.io.columns import column_label, neutralise
from planner.io.deliveries_csv import TEXT_COLUMNS, plan_frame
from planner.plan import Plan
from planner.scenario import Scenario

router = APIRouter(prefix="/plans", tags=["plans"])

#: The ``header`` query parameter of the CSV file.
CsvHeader = Annotated[
    Literal["keys", "labels"],
    Query(
        description="`keys`: the exchange format's English keys (reads back with "
        "`cultplan report`); `labels`: the headers in the request's language (Chinese "
        "by default)."
    ),
]
#: The ``committee`` query parameter: only this committee's deliveries.
CommitteeQuery = Annotated[
    str | None, Query(max_length=64, description="Only this committee's deliveries.")
]

#: The report's keys that are not the plan's KPIs.
NOT_KPIS = frozenset(
    {
        "scenario",
        "status",
        "stop_reason",
        "message",
        "objective",
        "best_bound",
        "gap",
        "wall_seconds",
        "violations",
        "terms",
        "stats",
        "baseline",
        "baselines",
        "gains",
        "below_baseline",
        "run",
        "deliveries_sha256",
        "plan_source",
    }
)


def published_numbers(conn: sa.Connection, plan_id: int) -> list[int]:
    """The version numbers that publish a plan."""
    rows = conn.execute(
        sa.select(versions.c.number)
        .where(versions.c.plan_id == plan_id)
        .order_by(versions.c.number)
    )
    return [int(n) for (n,) in rows]


def plan_out(conn: sa.Connection, row: Any) -> PlanOut:
    """A plan row's summary."""
    fields = {k: v for k, v in row._mapping.items() if k in PlanOut.model_fields}
    return PlanOut(**fields, published_versions=published_numbers(conn, row.id))


def _plan_row(request: Request, plan_id: int) -> Any:
    with engine_of(request).connect() as conn:
        row = plan_store.get(conn, plan_id)
    if row is None:
        raise not_found("plan", plan_id)
    return row


def _scenario_and_plan(request: Request, row: Any) -> tuple[Scenario, Plan]:
    scenario = stored_scenario(engine_of(request), row.scenario_id, row.revision)
    return scenario, plan_store.plan_of(row.deliveries)


@router.get("/{plan_id}", response_model=PlanOut, responses=errors(401, 404, 422))
def get_plan(plan_id: Id, request: Request, principal: Reader) -> PlanOut:
    """A plan's summary: status, objective, bound, gap, the versions that publish it."""
    with engine_of(request).connect() as conn:
        row = plan_store.get(conn, plan_id)
        if row is None:
            raise not_found("plan", plan_id)
        return plan_out(conn, row)


def _committee_rows(
    request: Request, plan_id: int, principal: Principal, committee: str | None
) -> tuple[Any, list[dict[str, Any]]]:
    """The plan row and its deliveries, of one committee when asked; a committee token
    sees only its own committee's deliveries of a published plan.

    For a committee token every failure is the same :func:`api.auth.hidden` 404, and
    publication is checked before the plan is looked up, so that it cannot tell an
    unknown plan from an unpublished one."""
    check_committee(principal, committee)
    if principal.role == "committee":
        with engine_of(request).connect() as conn:
            if not version_store.is_published(conn, plan_id):
                raise hidden()
            row = plan_store.get(conn, plan_id)
        if row is None:
            raise hidden()
    else:
        row = _plan_row(request, plan_id)
    deliveries = list(row.deliveries)
    if committee is not None:
        deliveries = [d for d in deliveries if d["committee_id"] == committee]
    return row, deliveries


class _DeliveriesCache:
    """The JSON bytes of a plan's deliveries (all, or one committee's) by ``(plan,
    committee)``, and whether the plan was published when they were made.

    A plan is written once and never changed, and a published plan is never deleted
    (its scenario cannot be), so the bytes never go stale; an unpublished plan's entry
    only lets readers in (a committee's request goes to the route, which looks again).
    """

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self.items: OrderedDict[tuple[int, str | None], tuple[bytes, bool]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[int, str | None]) -> tuple[bytes, bool] | None:
        return self.items.get(key)

    def put(self, key: tuple[int, str | None], body: bytes, published: bool) -> None:
        with self.lock:
            self.items[key] = (body, published)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


def _deliveries_cache(state: Any) -> _DeliveriesCache:
    """The app's cache of deliveries' bytes (one per app: plan ids are a database's)."""
    cache: _DeliveriesCache | None = getattr(state, "deliveries_cache", None)
    if cache is None:
        cache = state.deliveries_cache = _DeliveriesCache()
    return cache


#: The largest plan id of a path (as ``Id``).
_MAX_ID = 2**31 - 1


def _deliveries_bytes(deliveries: list[dict[str, Any]]) -> bytes:
    """The JSON of deliveries, as ``list[DeliveryOut]`` answers it."""
    items = [DeliveryOut.model_validate(d).model_dump(mode="json") for d in deliveries]
    return json.dumps(items, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def fast_deliveries(request: FastRequest) -> FastAnswer | None:
    """``GET /plans/{id}/deliveries[?committee=]`` from memory, when the route has made
    these bytes before and the token may read them (see :mod:`api.fastpath`)."""
    plan_id = int(request.params["plan_id"])
    committee = request.query.get("committee")
    if plan_id > _MAX_ID or (committee is not None and len(committee) > 64):
        return None
    principal = request.principal
    if not principal.reads_all and (committee is None or committee != principal.committee_id):
        return None
    found = _deliveries_cache(request.state).get((plan_id, committee))
    if found is None or not (found[1] or principal.reads_all):
        return None
    return FastAnswer(found[0], "application/json")


FAST_ROUTES.append(
    FastRoute(re.compile(r"/plans/(?P<plan_id>[1-9][0-9]{0,9})/deliveries"), fast_deliveries)
)


@router.get(
    "/{plan_id}/deliveries", response_model=list[DeliveryOut], responses=errors(401, 404, 422)
)
def get_deliveries(
    plan_id: Id,
    request: Request,
    principal: AnyToken,
    committee: CommitteeQuery = None,
) -> Response:
    """A plan's deliveries (one committee's with `committee=`). A committee token must
    name its own committee and sees published plans only; anything else is 404."""
    cache = _deliveries_cache(request.app.state)
    found = cache.get((plan_id, committee))
    if found is not None and (found[1] or principal.reads_all):
        check_committee(principal, committee)
        return Response(found[0], media_type="application/json")
    _row, deliveries = _committee_rows(request, plan_id, principal, committee)
    with engine_of(request).connect() as conn:
        published = version_store.is_published(conn, plan_id)
    body = _deliveries_bytes(deliveries)
    cache.put((plan_id, committee), body, published)
    return Response(body, media_type="application/json")


@router.get(
    "/{plan_id}/deliveries.csv",
    response_class=Response,
    responses={
        200: {"description": "deliveries.csv", "content": {"text/csv": {}}},
        **errors(401, 404, 422),
    },
)
def get_deliveries_csv(
    plan_id: Id,
    request: Request,
    principal: AnyToken,
    committee: CommitteeQuery = None,
    header: CsvHeader = "keys",
) -> Response:
    """The plan as `deliveries.csv` (UTF-8 with a byte-order mark, for Excel and WPS),
    written as the planner's library writes it."""
    row, deliveries = _committee_rows(request, plan_id, principal, committee)
    try:
        scenario = stored_scenario(engine_of(request), row.scenario_id, row.revision)
    except ApiError as refused:
        if principal.role == "committee" and refused.status == 404:
            raise hidden() from None
        raise
    frame = plan_frame(plan_store.plan_of(deliveries), scenario)
    for column in TEXT_COLUMNS:
        frame[column] = frame[column].map(neutralise)
    if header == "labels":
        frame = frame.rename(columns={c: column_label(c) for c in frame.columns})
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    name = f"plan-{plan_id}-deliveries.csv"
    return Response(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/{plan_id}/kpis", response_model=KpisOut, responses=errors(401, 404, 422))
def get_kpis(plan_id: Id, request: Request, principal: Reader) -> KpisOut:
    """The plan's KPIs beside both baselines' (spreadsheet, greedy), its gains over
    the better one, and the solve's figures (`stats`: for a plan solved subdistrict by
    subdistrict, each part's report under `parts`)."""
    report = _plan_row(request, plan_id).report
    return KpisOut(
        plan={k: v for k, v in report.items() if k not in NOT_KPIS},
        baseline=report.get("baseline") or {},
        baselines=report.get("baselines") or {},
        gains=report.get("gains") or {},
        stats=report.get("stats") or {},
    )


@router.get("/{plan_id}/terms", response_model=TermsOut, responses=errors(401, 404, 422))
def get_terms(plan_id: Id, request: Request, principal: Reader) -> TermsOut:
    """The objective's named terms (points) of the plan, and of both baselines."""
    report = _plan_row(request, plan_id).report
    baselines = {
        name: {"objective": b.get("objective"), "terms": b.get("terms", {})}
        for name, b in (report.get("baselines") or {}).items()
        if isinstance(b, dict)
    }
    return TermsOut(
        objective=report.get("objective"), terms=report.get("terms") or {}, baselines=baselines
    )


class _UnmetCache:
    """Unmet lines with reasons by (plan, language): finding the reasons takes a while."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self.items: OrderedDict[tuple[int, str], list[dict[str, Any]]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[int, str], make: Any) -> list[dict[str, Any]]:
        with self.lock:
            if key in self.items:
                return self.items[key]
        value: list[dict[str, Any]] = make()
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value


_UNMET = _UnmetCache()


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    frame = frame.astype(object).where(frame.notna(), None)
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict(orient="records")]


@router.get("/{plan_id}/unmet", response_model=list[UnmetOut], responses=errors(401, 404, 422))
async def get_unmet(plan_id: Id, request: Request, principal: Reader) -> list[dict[str, Any]]:
    """Every demand line the plan leaves (partly) unmet, with its reason (`reason`: the
    rule's key; `explanation`: in words, in the request's language)."""
    from planner.explain import unmet_frame

    row = await in_thread(_plan_row, request, plan_id)

    def make() -> list[dict[str, Any]]:
        scenario, plan = _scenario_and_plan(request, row)
        return _records(unmet_frame(scenario, plan))

    result: list[dict[str, Any]] = await in_thread(_UNMET.get, (plan_id, current_language()), make)
    return result


@router.get(
    "/{plan_id}/violations", response_model=list[dict[str, Any]], responses=errors(401, 404, 422)
)
async def get_violations(plan_id: Id, request: Request, principal: Reader) -> list[dict[str, Any]]:
    """The hard rules the plan breaks, checked now by the solver-free validator: always
    empty (a stored plan was checked before it was written)."""
    from planner.validate import check_plan

    row = await in_thread(_plan_row, request, plan_id)

    def check() -> list[dict[str, Any]]:
        scenario, plan = _scenario_and_plan(request, row)
        return [
            {"rule": v.rule, "message": v.message, "delivery_ids": list(v.delivery_ids)}
            for v in check_plan(scenario, plan)
        ]

    result: list[dict[str, Any]] = await in_thread(check)
    return result


async def publish_body(request: Request) -> PublishIn | None:
    """A publish's body as sent (``None`` for no body): read as every JSON body is
    (:func:`api.bodies.read_json_object`)."""
    return await read_json_object(request, PublishIn)


@router.post(
    "/{plan_id}/publish",
    status_code=201,
    response_model=VersionOut,
    responses=errors(400, 401, 403, 404, 409, 413, 415, 422),
    openapi_extra=body_schema(PublishIn, "The version's note (optional)."),
)
def publish_plan(
    plan_id: Id,
    request: Request,
    response: Response,
    principal: Planner,
    background: BackgroundTasks,
    body: Annotated[PublishIn | None, Depends(publish_body)],
) -> VersionOut:
    """Publish the plan as the next numbered version of its scenario (1, 2, 3, ...).

    A version is immutable; whatever is built for it (committee calendars) is built in
    the same transaction, so a version is there whole or not at all (the calendars'
    iCalendar feeds and pages are written right after the answer). A plan made from
    an older revision than the scenario's current one is refused (409).
    """
    from api.db import scenarios as scenario_store

    note = body.note if body is not None else None
    with writing(engine_of(request)) as conn:
        row = plan_store.get(conn, plan_id)
        if row is None:
            raise not_found("plan", plan_id)
        # The scenario's row is locked before anything is checked: an update (a new
        # revision) or a delete of the scenario waits for this publish, or this publish
        # for them, and then sees what they did (a deleted scenario: 404).
        scenario = scenario_store.lock(conn, row.scenario_id)
        if scenario is None:
            raise not_found("plan", plan_id)
        if scenario.current_revision != row.revision:
            from planner.i18n import _

            raise ApiError(
                409,
                "stale_plan",
                _(
                    "plan {plan} was made from revision {old} of scenario {id}, which is "
                    "now at revision {new}: solve it again before publishing"
                ).format(
                    plan=plan_id,
                    old=row.revision,
                    id=row.scenario_id,
                    new=scenario.current_revision,
                ),
            )
        try:
            version = version_store.publish(
                conn, row.scenario_id, plan_id, note, principal.token_id
            )
        except version_store.PlanNotFound:
            raise not_found("plan", plan_id) from None
    fast_calendars.forget()  # committed: no calendar answer of before is served again
    background.add_task(version_store.after_publish, engine_of(request), version)
    response.headers["Location"] = f"/scenarios/{version.scenario_id}/versions/{version.number}"
    return version_out(version)
