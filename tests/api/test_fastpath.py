"""The fast path of committees' repeated reads (``api/fastpath.py``): the token cache,
answers from memory, and every refusal left to the routes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import calendars
from api.app import served
from api.auth import Principal
from api.db import tokens as token_store
from api.db import versions as version_store
from api.db.engine import writing
from api.fastpath import TokenCache
from api.routes import plans as plan_routes
from tests.api.conftest import OWN_COMMITTEE, bearer
from tests.api.support import stored_plan


@pytest.fixture
def fast_client(app: FastAPI) -> Iterator[TestClient]:
    """A client of the app as ``cultplan serve`` runs it (the fast path around it)."""
    with TestClient(served(app), headers={"Accept-Language": "en"}) as client:
        yield client


@pytest.fixture
def published(app: FastAPI, fast_client: TestClient) -> int:
    """A small scenario solved and its plan published; the plan's id."""
    scenario_id, plan_id = stored_plan(app.state.engine)
    with writing(app.state.engine) as conn:
        version_store.publish(conn, scenario_id, plan_id)
    return plan_id


def _token(app: FastAPI, role: str, committee: str | None = None) -> tuple[int, str]:
    with writing(app.state.engine) as conn:
        made = token_store.create(conn, role, committee)
    return made.id, made.secret


def _route_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the deliveries route fail if it is reached (so a 200 came from memory)."""

    def unreachable(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the route was reached")

    monkeypatch.setattr(plan_routes, "_committee_rows", unreachable)
    monkeypatch.setattr(plan_routes, "check_committee", unreachable)


def test_token_cache_keeps_a_holder_for_its_ttl_and_forgets_on_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A confirmed token is found until ``ttl`` seconds pass; forgetting it by id (or
    all) drops it; a ttl of 0 keeps nothing."""
    now = [100.0]
    monkeypatch.setattr("api.fastpath.time.monotonic", lambda: now[0])
    cache = TokenCache(ttl=5.0)
    holder = Principal(3, "committee", "C1")
    cache.put("secret", holder)
    assert cache.get("secret") == holder and cache.get("other") is None
    now[0] += 5.5
    assert cache.get("secret") is None
    cache.put("secret", holder)
    cache.forget(4)
    assert cache.get("secret") == holder
    cache.forget(3)
    assert cache.get("secret") is None
    off = TokenCache(ttl=0)
    off.put("secret", holder)
    assert off.get("secret") is None


def test_a_committees_repeated_read_is_answered_from_memory(
    app: FastAPI, fast_client: TestClient, published: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first read goes through the route; the same read again is answered by the
    fast path with the same bytes, without the route; the same secret as ``?token=``
    is not taken there, from memory or not (401: only calendars read the query)."""
    _id, secret = _token(app, "committee", OWN_COMMITTEE)
    path = f"/plans/{published}/deliveries?committee={OWN_COMMITTEE}"
    first = fast_client.get(path, headers=bearer(secret))
    assert first.status_code == 200 and first.json()
    assert {d["committee_id"] for d in first.json()} == {OWN_COMMITTEE}
    _route_gone(monkeypatch)
    again = fast_client.get(path, headers=bearer(secret))
    assert again.status_code == 200 and again.content == first.content
    assert again.headers["content-type"] == "application/json"
    by_query = fast_client.get(f"{path}&token={secret}")
    assert by_query.status_code == 401 and by_query.json()["error"] == "unauthorized"


def test_refusals_are_the_routes_own(app: FastAPI, fast_client: TestClient, published: int) -> None:
    """With the bytes in memory, another committee's token, a committee token without
    its committee, a wrong token and no token get the route's 404 and 401 error bodies."""
    _id, own = _token(app, "committee", OWN_COMMITTEE)
    _id, other = _token(app, "committee", "C2")
    path = f"/plans/{published}/deliveries?committee={OWN_COMMITTEE}"
    assert fast_client.get(path, headers=bearer(own)).status_code == 200
    for _twice in range(2):  # the second time with the other token in the cache
        refused = fast_client.get(path, headers=bearer(other))
        assert refused.status_code == 404 and refused.json()["error"] == "not_found"
    everyone = fast_client.get(f"/plans/{published}/deliveries", headers=bearer(own))
    assert everyone.status_code == 404
    assert fast_client.get(path, headers=bearer("wrong")).status_code == 401
    assert fast_client.get(path).json()["error"] == "unauthorized"


def test_an_unpublished_plan_stays_hidden_from_committees(
    app: FastAPI, fast_client: TestClient
) -> None:
    """A reader's read of an unpublished plan fills the cache, yet a committee still
    gets 404 for it (the cache lets only readers in to an unpublished plan)."""
    _sid, plan_id = stored_plan(app.state.engine)
    _id, analyst = _token(app, "analyst")
    _id, own = _token(app, "committee", OWN_COMMITTEE)
    path = f"/plans/{plan_id}/deliveries?committee={OWN_COMMITTEE}"
    assert fast_client.get(path, headers=bearer(analyst)).status_code == 200
    assert fast_client.get(path, headers=bearer(analyst)).status_code == 200
    assert fast_client.get(path, headers=bearer(own)).status_code == 404


def test_a_revoked_token_is_refused_once_its_cache_time_is_over(
    app: FastAPI, fast_client: TestClient, published: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A token revoked in the database (as ``cultplan token revoke`` does) is still
    trusted until its cache time is over, then refused with 401."""
    now = [1000.0]
    monkeypatch.setattr("api.fastpath.time.monotonic", lambda: now[0])
    token_id, secret = _token(app, "committee", OWN_COMMITTEE)
    path = f"/plans/{published}/deliveries?committee={OWN_COMMITTEE}"
    assert fast_client.get(path, headers=bearer(secret)).status_code == 200
    with writing(app.state.engine) as conn:
        assert token_store.revoke(conn, token_id)
    assert fast_client.get(path, headers=bearer(secret)).status_code == 200
    now[0] += app.state.settings.token_cache_seconds + 1
    assert fast_client.get(path, headers=bearer(secret)).status_code == 401


def test_a_calendar_is_kept_until_the_next_publish(
    app: FastAPI, fast_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A committee's calendar is answered from memory the second time (the database is
    not asked), with its ETag and 304 on it, by header and by ``?token=``; a publish
    drops it, so the next answer is the new version's."""
    scenario_id, plan_id = stored_plan(app.state.engine)
    _id, planner = _token(app, "planner")
    _id, own = _token(app, "committee", OWN_COMMITTEE)
    assert fast_client.post(f"/plans/{plan_id}/publish", headers=bearer(planner)).is_success
    path = f"/committees/{OWN_COMMITTEE}/calendar.json?scenario={scenario_id}"
    first = fast_client.get(path, headers=bearer(own))
    assert first.status_code == 200 and first.headers["x-cultplan-version"] == "1"
    real_find = calendars.find

    def unreachable(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the database was asked")

    monkeypatch.setattr(calendars, "find", unreachable)
    again = fast_client.get(path, headers=bearer(own))
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    by_query = fast_client.get(f"{path}&token={own}")
    assert by_query.status_code == 200 and by_query.content == first.content
    unchanged = fast_client.get(
        path, headers={**bearer(own), "If-None-Match": first.headers["etag"]}
    )
    assert unchanged.status_code == 304
    monkeypatch.setattr(calendars, "find", real_find)
    assert fast_client.post(f"/plans/{plan_id}/publish", headers=bearer(planner)).is_success
    after = fast_client.get(path, headers=bearer(own))
    assert after.status_code == 200 and after.headers["x-cultplan-version"] == "2"
