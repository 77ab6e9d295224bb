"""A committee's calendar: the iCalendar feed a phone subscribes to, its JSON form and
the printable page, served from the calendars built at publish (:mod:`api.calendars`).

``GET /committees/{committee_id}/calendar.ics|.json|.html[?scenario=ID]``:

- without ``scenario`` the committee's latest season (the scenario whose newest version
  naming the committee was published last), so that one subscription URL follows the
  committee from season to season; with it, that scenario's calendar;
- the token comes as ``Authorization: Bearer`` or ``?token=`` (a phone's subscription
  URL cannot carry a header); planners and analysts read every committee's calendar, a
  committee token only its own: another committee's answers 404, exactly as an unknown
  committee does;
- ``ETag`` (the SHA-256 of the bytes) and ``Cache-Control: private, no-cache``: a
  client asks again each time and gets ``304 Not Modified`` while nothing was published;
- the texts are in the service's language (``CULTPLAN_LANGUAGE``, Chinese), whatever
  ``Accept-Language`` says, so that the bytes and their ETag are the same for everyone.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from api import calendars, fast_calendars
from api.auth import AnyToken, check_committee
from api.deps import engine_of
from api.errors import not_found
from api.fastpath import FastAnswer
from api.schemas import errors

router = APIRouter(prefix="/committees", tags=["calendars"])

CommitteeId = Annotated[
    str, Path(min_length=1, max_length=64, description="The committee's id (`C07`).")
]
ScenarioQuery = Annotated[
    int | None,
    Query(
        ge=1,
        le=2**31 - 1,
        description="The scenario (season); default: the committee's latest published one.",
    ),
]

#: The answer's ``Cache-Control``: only the subscriber keeps it, and asks again each time.
CACHE_CONTROL = "private, no-cache"


def etag_header(etag: str) -> str:
    """An ETag as the header carries it (a strong, quoted validator)."""
    return f'"{etag}"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (or is ``*``); weak validators
    compare by their tag (RFC 9110's weak comparison)."""
    if not if_none_match:
        return False
    for tag in if_none_match.split(","):
        tag = tag.strip()
        if tag == "*":
            return True
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag.strip('"') == etag:
            return True
    return False


def serve(
    request: Request, committee_id: str, scenario: int | None, form: str, filename: str = ""
) -> Response:
    """Answer one form of a committee's calendar: 200 with its bytes, 304 when the
    client has them, 404 when there is no such calendar."""
    engine = engine_of(request)
    for _attempt in range(3):
        seen = fast_calendars.generation()
        doc = calendars.find(engine, committee_id, scenario, form)
        if doc is None:
            raise not_found("calendar", committee_id)
        headers = {
            "ETag": etag_header(doc.etag),
            "Cache-Control": CACHE_CONTROL,
            "X-Cultplan-Version": str(doc.version),
            "X-Cultplan-Scenario": str(doc.scenario_id),
        }
        if matches(request.headers.get("if-none-match"), doc.etag):
            return Response(status_code=304, headers=headers)
        try:
            data = calendars.content(engine, doc)
        except LookupError:
            continue  # published in between: find the new one
        if filename:
            headers["Content-Disposition"] = f'inline; filename="{filename}"'
        kept = FastAnswer(
            data,
            calendars.MEDIA_TYPES[form],
            headers["ETag"],
            tuple((k, v) for k, v in headers.items() if k != "ETag"),
        )
        fast_calendars.remember((committee_id, scenario, form), seen, kept)
        return Response(data, media_type=calendars.MEDIA_TYPES[form], headers=headers)
    raise not_found("calendar", committee_id)


RESPONSES: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified (`If-None-Match` names the ETag)."}
}


@router.get(
    "/{committee_id}/calendar.ics",
    response_class=Response,
    responses={
        200: {"description": "The iCalendar feed.", "content": {"text/calendar": {}}},
        **RESPONSES,
        **errors(401, 404, 422),
    },
)
def calendar_ics(
    committee_id: CommitteeId,
    request: Request,
    principal: AnyToken,
    scenario: ScenarioQuery = None,
) -> Response:
    """The committee's iCalendar feed (RFC 5545) to subscribe to: one event per delivery
    (a book or board set's arrival and collection), UIDs stable across versions,
    SEQUENCE counting changes, cancelled deliveries kept as `STATUS:CANCELLED`."""
    check_committee(principal, committee_id)
    return serve(request, committee_id, scenario, "ics", f"{committee_id}.ics")


@router.get(
    "/{committee_id}/calendar.json",
    response_class=Response,
    responses={
        200: {"description": "The calendar as JSON.", "content": {"application/json": {}}},
        **RESPONSES,
        **errors(401, 404, 422),
    },
)
def calendar_json(
    committee_id: CommitteeId,
    request: Request,
    principal: AnyToken,
    scenario: ScenarioQuery = None,
) -> Response:
    """The same calendar as JSON: the feed's events with their UIDs, status, sequence,
    dates (end inclusive) and the delivery's facts."""
    check_committee(principal, committee_id)
    return serve(request, committee_id, scenario, "json")


@router.get(
    "/{committee_id}/calendar.html",
    response_class=Response,
    responses={
        200: {"description": "The printable page.", "content": {"text/html": {}}},
        **RESPONSES,
        **errors(401, 404, 422),
    },
)
def calendar_html(
    committee_id: CommitteeId,
    request: Request,
    principal: AnyToken,
    scenario: ScenarioQuery = None,
) -> Response:
    """The committee's printable Chinese page of the latest version's plan (one A4
    sheet, readable on a phone)."""
    check_committee(principal, committee_id)
    return serve(request, committee_id, scenario, "html")
