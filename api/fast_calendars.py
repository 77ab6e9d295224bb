"""Committee calendars on the fast path (:mod:`api.fastpath`).

``GET /committees/{id}/calendar.ics|.json|.html[?scenario=ID]`` goes through the route
(:mod:`api.routes.calendars`) the first time: it finds the calendar's current row in the
database and its bytes, and then :func:`remember` keeps the answer in memory. Until the
next publish the same request is answered from there by :func:`fast_calendar`, with no
database work at all. A publish drops every answer kept (:func:`forget`: right after its
transaction commits, in the publish route, and again as an ``AFTER_PUBLISH`` step), since
a publish may change any committee's latest season; a generation count keeps an answer
read before a publish from being kept after it.

The answers live in this process: publishing is done by this process (the publish
route, the first start), so it knows when to forget them. A second server process on
the same database would not learn of this one's publishes; the service runs one.
"""

from __future__ import annotations

import re
import threading
from typing import Any

import sqlalchemy as sa

from api.db import versions as version_store
from api.fastpath import FAST_ROUTES, FastAnswer, FastRequest, FastRoute

#: The largest scenario id (as the route's ``scenario`` query parameter).
MAX_ID = 2**31 - 1


#: Answers kept, by (committee, scenario or None, form).
_kept: dict[tuple[str, int | None, str], FastAnswer] = {}
_generation = [0]
_lock = threading.Lock()


def generation() -> int:
    """The publish count of this process: read it before finding a calendar, give it to
    :func:`remember`."""
    return _generation[0]


def remember(key: tuple[str, int | None, str], seen: int, kept: FastAnswer) -> None:
    """Keep an answer of ``(committee, scenario or None, form)`` found while the
    generation was ``seen``; nothing is kept when a publish came in between."""
    with _lock:
        if _generation[0] == seen:
            _kept[key] = kept


def forget(*_published: Any) -> None:
    """Drop every answer kept (a publish committed); the arguments are ignored, so that
    this is also an ``AFTER_PUBLISH`` step."""
    with _lock:
        _generation[0] += 1
        _kept.clear()


def fast_calendar(request: FastRequest) -> FastAnswer | None:
    """A calendar from memory, when kept and the token may read it; else ``None`` (the
    route answers, refusals included)."""
    committee = request.params["committee_id"]
    principal = request.principal
    if principal.role == "committee" and committee != principal.committee_id:
        return None
    raw = request.query.get("scenario")
    scenario: int | None = None
    if raw is not None:
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
            return None
        scenario = int(raw)
    return _kept.get((committee, scenario, request.params["form"]))


def _after_publish(engine: sa.Engine, version: sa.Row[Any]) -> None:
    forget()


FAST_ROUTES.append(
    FastRoute(
        re.compile(r"/committees/(?P<committee_id>[^/]{1,64})/calendar\.(?P<form>ics|json|html)"),
        fast_calendar,
    )
)
version_store.AFTER_PUBLISH.append(_after_publish)
