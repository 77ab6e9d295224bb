"""The access matrix: every role against every route of the app.

The routes are read from the app itself, so a new route without an access rule (one of
``api.auth.RULES``) fails :func:`test_every_route_has_an_access_rule`, and a new route
is tried with every role below. Roles: no token, a wrong token, a revoked token,
planner, analyst, the committee whose data it is, another committee.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import DOC_PATHS, access_rule, api_routes
from api.db import tokens as token_store
from api.db import versions as version_store
from api.db.engine import writing
from api.settings import Settings
from tests.api.conftest import OTHER_COMMITTEE, OWN_COMMITTEE, bearer
from tests.api.support import small_yaml, stored_plan

#: The app's routes, read once at collection (an in-memory database: nothing is written).
_APP = create_app(
    Settings(data_dir=Path(tempfile.gettempdir()), database_url="sqlite://", bootstrap=False)
)
ROUTES = [
    (method, path)
    for path, methods, _route in api_routes(_APP)
    if path not in DOC_PATHS
    for method in sorted(methods)
]
RULE = {
    (method, path): access_rule(route)
    for path, methods, route in api_routes(_APP)
    if path not in DOC_PATHS
    for method in methods
}
ROLES = ["none", "wrong", "revoked", "planner", "analyst", "own_committee", "other_committee"]


def test_every_route_has_an_access_rule() -> None:
    """Each route of the app names exactly one access rule."""
    missing = [f"{m} {p}" for (m, p), rule in RULE.items() if rule is None]
    assert missing == []
    assert len(ROUTES) >= 15


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One app with a published plan of a scenario whose committees are C1 and C2, and a
    token of each role."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("access"), bootstrap=False, workers=1)
    app = create_app(settings)
    with TestClient(app, headers={"Accept-Language": "en"}) as client:
        engine: sa.Engine = app.state.engine
        sid, plan_id = stored_plan(engine)
        with writing(engine) as conn:
            version_store.publish(conn, sid, plan_id)
            made = {
                "planner": token_store.create(conn, "planner"),
                "analyst": token_store.create(conn, "analyst"),
                "own_committee": token_store.create(conn, "committee", OWN_COMMITTEE),
                "other_committee": token_store.create(conn, "committee", OTHER_COMMITTEE),
                "revoked": token_store.create(conn, "planner"),
            }
            token_store.revoke(conn, made["revoked"].id)
        secrets = {role: t.secret for role, t in made.items()}
        secrets["wrong"] = "not-a-token"
        yield {"client": client, "scenario_id": sid, "plan_id": plan_id, "secrets": secrets}


def _url(path: str, world: dict[str, Any]) -> str:
    values = {
        "scenario_id": world["scenario_id"],
        "plan_id": world["plan_id"],
        "revision": 1,
        "number": 1,
        "a": 1,
        "b": 1,
        "job_id": 1,
        "committee_id": OWN_COMMITTEE,
    }
    try:
        url = path.format(**values)
    except KeyError as exc:  # a new path parameter: give it a value above
        raise AssertionError(f"the access matrix has no value for {exc} of {path}") from None
    sep = "&" if "?" in url else "?"
    # Routes limited to a committee's own data are asked for the committee's own data.
    return f"{url}{sep}committee={OWN_COMMITTEE}&scenario={world['scenario_id']}"


def _call(world: dict[str, Any], method: str, path: str, role: str) -> int:
    client: TestClient = world["client"]
    headers = {} if role == "none" else bearer(world["secrets"][role])
    kwargs: dict[str, Any] = {}
    if method in ("POST", "PUT", "PATCH"):
        if path.endswith("/publish") or path.endswith("/jobs") or path.endswith("/retry"):
            kwargs["json"] = {}
        else:
            kwargs["content"] = small_yaml().encode()
            headers["Content-Type"] = "application/yaml"
    return client.request(method, _url(path, world), headers=headers, **kwargs).status_code


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_access_matrix(world: dict[str, Any], method: str, path: str) -> None:
    """Each role gets what the route's rule says: 401 without a valid token, 403 for a
    read token on a write route, 404 for a committee token outside its own data, and no
    refusal where the role may go."""
    rule = RULE[(method, path)]
    got = {role: _call(world, method, path, role) for role in ROLES}
    refused = {401, 403}
    if rule == "public":
        assert all(code not in refused for code in got.values()), got
        return
    assert got["none"] == got["wrong"] == got["revoked"] == 401, got
    if rule == "planner":
        assert got["analyst"] == got["own_committee"] == got["other_committee"] == 403, got
        assert got["planner"] not in refused, got
    elif rule == "reader":
        assert got["own_committee"] == got["other_committee"] == 404, got
        assert got["planner"] not in refused and got["planner"] != 404, got
        assert got["analyst"] not in refused and got["analyst"] != 404, got
    else:
        assert rule == "own_committee", rule
        assert got["other_committee"] == 404, got
        for role in ("planner", "analyst", "own_committee"):
            assert 200 <= got[role] < 300, (role, got)


def test_committee_sees_only_its_own_deliveries(world: dict[str, Any]) -> None:
    """A committee token reads its own committee's deliveries of the published plan;
    without ``committee=`` or naming another committee it gets 404."""
    client: TestClient = world["client"]
    token = bearer(world["secrets"]["own_committee"])
    url = f"/plans/{world['plan_id']}/deliveries"
    own = client.get(f"{url}?committee={OWN_COMMITTEE}", headers=token)
    assert own.status_code == 200 and own.json()
    assert {d["committee_id"] for d in own.json()} == {OWN_COMMITTEE}
    assert client.get(url, headers=token).status_code == 404
    assert client.get(f"{url}?committee={OTHER_COMMITTEE}", headers=token).status_code == 404


def test_token_in_the_query_string_only_on_calendars(world: dict[str, Any]) -> None:
    """``?token=`` counts only on a committee's calendar (a subscription URL): on any
    other route, a planner's and a committee's secret in the query answer 401, while
    the same secret as a header is accepted."""
    client: TestClient = world["client"]
    secrets = world["secrets"]
    own = secrets["own_committee"]
    deliveries = f"/plans/{world['plan_id']}/deliveries?committee={OWN_COMMITTEE}"
    assert client.get(f"{deliveries}&token={own}").status_code == 401
    assert client.get(deliveries, headers=bearer(own)).status_code == 200
    for path in ("/scenarios", f"/plans/{world['plan_id']}", "/jobs"):
        assert client.get(f"{path}?token={secrets['planner']}").status_code == 401, path
        assert client.get(path, headers=bearer(secrets["planner"])).status_code == 200, path
    calendar = f"/committees/{OWN_COMMITTEE}/calendar.ics?token={own}"
    assert client.get(calendar).status_code == 200


CALENDAR_FORMS = ("ics", "json", "html")


@pytest.mark.parametrize("form", CALENDAR_FORMS)
def test_every_committee_token_against_every_committees_calendar(
    world: dict[str, Any], form: str
) -> None:
    """Each committee's token reads its own calendar and gets 404 for every other
    committee's (the scenario's other one, and one that does not exist), by header and
    by ``?token=``; planners and analysts read both committees' calendars."""
    client: TestClient = world["client"]
    secrets = world["secrets"]
    tokens = {OWN_COMMITTEE: secrets["own_committee"], OTHER_COMMITTEE: secrets["other_committee"]}
    for holder, secret in tokens.items():
        for committee in (OWN_COMMITTEE, OTHER_COMMITTEE, "C99"):
            url = f"/committees/{committee}/calendar.{form}"
            by_header = client.get(url, headers=bearer(secret)).status_code
            by_query = client.get(f"{url}?token={secret}").status_code
            expected = 200 if committee == holder else 404
            assert by_header == by_query == expected, (holder, committee, by_header, by_query)
    for role in ("planner", "analyst"):
        for committee in (OWN_COMMITTEE, OTHER_COMMITTEE):
            url = f"/committees/{committee}/calendar.{form}"
            assert client.get(url, headers=bearer(secrets[role])).status_code == 200
