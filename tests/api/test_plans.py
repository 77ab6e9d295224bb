"""Plans and versions over HTTP: deliveries (JSON, CSV), KPIs, terms, unmet demand,
violations, publishing numbered immutable versions (also concurrently), hooks."""

from __future__ import annotations

import csv
import dataclasses
import io
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.db import scenarios as scenario_store
from api.db import versions as version_store
from api.db.engine import writing
from api.db.tables import versions
from api.solving import solve_revision
from tests.api.conftest import bearer, both_databases
from tests.api.support import PARAMS, stored_plan
from tests.factories import two_level_data


@pytest.fixture
def solved(app: FastAPI, client: TestClient) -> tuple[int, int]:
    """A small scenario stored and solved: ``(scenario_id, plan_id)``."""
    return stored_plan(app.state.engine)


def test_deliveries_as_json_and_csv(
    client: TestClient, analyst_token: str, solved: tuple[int, int]
) -> None:
    """The deliveries come as JSON objects and as deliveries.csv with the same rows; a
    committee filter keeps only its own."""
    _sid, plan_id = solved
    rows = client.get(f"/plans/{plan_id}/deliveries", headers=bearer(analyst_token)).json()
    assert rows and set(rows[0]) == {
        "committee_id",
        "product",
        "resource_id",
        "first_week",
        "last_week",
        "demand_id",
        "theme",
    }
    response = client.get(f"/plans/{plan_id}/deliveries.csv", headers=bearer(analyst_token))
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted((r["committee_id"], r["resource_id"], int(r["first_week"])) for r in table) == (
        sorted((r["committee_id"], r["resource_id"], r["first_week"]) for r in rows)
    )
    own = client.get(
        f"/plans/{plan_id}/deliveries?committee=C1", headers=bearer(analyst_token)
    ).json()
    assert own and all(r["committee_id"] == "C1" for r in own)
    assert len(own) < len(rows)


def test_csv_headers_in_chinese_on_request(
    client: TestClient, analyst_token: str, solved: tuple[int, int]
) -> None:
    """``header=labels`` gives the columns' Chinese headers (the service's default language)."""
    _sid, plan_id = solved
    response = client.get(
        f"/plans/{plan_id}/deliveries.csv?header=labels",
        headers={**bearer(analyst_token), "Accept-Language": "zh-CN"},
    )
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert "committee_id" not in header
    assert any("\u4e00" <= ch <= "\u9fff" for ch in header)


def test_kpis_terms_unmet_and_violations(
    client: TestClient, analyst_token: str, solved: tuple[int, int]
) -> None:
    """KPIs stand beside both baselines, the objective's terms are named, every unmet
    line has a reason, and the violations list is empty."""
    _sid, plan_id = solved
    kpis = client.get(f"/plans/{plan_id}/kpis", headers=bearer(analyst_token)).json()
    assert 0 <= kpis["plan"]["coverage"] <= 1
    assert set(kpis["baselines"]) >= {"spreadsheet", "greedy"}
    assert "coverage" in kpis["baseline"]
    terms = client.get(f"/plans/{plan_id}/terms", headers=bearer(analyst_token)).json()
    assert terms["terms"] and set(terms["baselines"]) >= {"spreadsheet", "greedy"}
    assert kpis["stats"]["stages"] and "parts" not in kpis["stats"]
    assert "stats" not in kpis["plan"]
    unmet = client.get(f"/plans/{plan_id}/unmet", headers=bearer(analyst_token)).json()
    assert unmet, "the small scenario asks for more than the troupe can give"
    assert all(u["reason"] and u["explanation"] for u in unmet)
    violations = client.get(f"/plans/{plan_id}/violations", headers=bearer(analyst_token))
    assert violations.status_code == 200 and violations.json() == []


def test_the_kpis_of_a_split_solve_give_each_parts_report(
    app: FastAPI, client: TestClient, analyst_token: str
) -> None:
    """For a plan solved subdistrict by subdistrict, ``GET /plans/{id}/kpis`` gives the
    solve's ``stats`` with one report per part, naming its subdistrict by id and name."""
    text = yaml.safe_dump(two_level_data(), allow_unicode=True, sort_keys=False)
    params = dataclasses.replace(PARAMS, decompose="yes")
    _sid, plan_id = stored_plan(app.state.engine, text, params)
    response = client.get(f"/plans/{plan_id}/kpis", headers=bearer(analyst_token))
    assert response.status_code == 200, response.text
    parts = response.json()["stats"]["parts"]
    assert [(p["subdistrict_id"], p["area"]) for p in parts] == [("SA", "甲街道"), ("SB", "乙街道")]
    assert all(p["ran"] and p["committees"] == 2 for p in parts)


@both_databases
def test_publish_numbers_versions_per_scenario(
    app: FastAPI, client: TestClient, planner_token: str, solved: tuple[int, int]
) -> None:
    """Publishing gives versions 1, 2 of the scenario (201, Location), listed in order;
    the plan shows the versions that publish it."""
    sid, plan_id = solved
    second = solve_revision(app.state.engine, sid, 1, PARAMS)
    first = client.post(
        f"/plans/{plan_id}/publish", json={"note": "春季第一版"}, headers=bearer(planner_token)
    )
    assert first.status_code == 201, first.text
    assert first.json()["number"] == 1 and first.json()["note"] == "春季第一版"
    assert first.headers["location"] == f"/scenarios/{sid}/versions/1"
    again = client.post(f"/plans/{second}/publish", headers=bearer(planner_token))
    assert again.json()["number"] == 2
    listed = client.get(f"/scenarios/{sid}/versions", headers=bearer(planner_token)).json()
    assert [(v["number"], v["plan_id"]) for v in listed] == [(1, plan_id), (2, second)]
    one = client.get(f"/scenarios/{sid}/versions/1", headers=bearer(planner_token)).json()
    assert one["plan_id"] == plan_id
    assert client.get(f"/plans/{plan_id}", headers=bearer(planner_token)).json()[
        "published_versions"
    ] == [1]


@both_databases
def test_plan_of_an_old_revision_is_not_published(
    client: TestClient, planner_token: str, solved: tuple[int, int]
) -> None:
    """After the scenario got a new revision, its older plan is refused with 409."""
    sid, plan_id = solved
    text = client.get(f"/scenarios/{sid}/revisions/1", headers=bearer(planner_token)).text
    client.put(
        f"/scenarios/{sid}",
        content=("# 改\n" + text).encode(),
        headers={**bearer(planner_token), "Content-Type": "application/yaml"},
    )
    response = client.post(f"/plans/{plan_id}/publish", headers=bearer(planner_token))
    assert response.status_code == 409
    assert response.json()["error"] == "stale_plan"


@both_databases
def test_a_publish_racing_an_update_waits_for_it_and_is_refused_as_stale(
    app: FastAPI, client: TestClient, planner_token: str, solved: tuple[int, int]
) -> None:
    """A publish sent while an update of the scenario (a new revision) is open waits for
    the scenario's lock and then sees the new revision: 409 ``stale_plan``, no version
    (on PostgreSQL the row lock of ``SELECT ... FOR UPDATE``, on SQLite the write lock)."""
    sid, plan_id = solved
    answers: list[Any] = []
    publishing = threading.Thread(
        target=lambda: answers.append(
            client.post(f"/plans/{plan_id}/publish", headers=bearer(planner_token))
        )
    )
    with writing(app.state.engine) as conn:
        text = scenario_store.revision(conn, sid, 1)
        assert text is not None
        scenario_store.add_revision(conn, sid, "race", "# 改\n" + text.source, text.media_type)
        publishing.start()
        time.sleep(1.0)  # the publish reaches the scenario's lock meanwhile
    publishing.join(60)
    (response,) = answers
    assert response.status_code == 409, response.text
    assert response.json()["error"] == "stale_plan"
    with app.state.engine.connect() as conn:
        assert version_store.list_for(conn, sid) == []


@pytest.fixture
def hooks() -> Iterator[list[Any]]:
    """The publish hooks, restored after the test."""
    saved = list(version_store.ON_PUBLISH)
    yield version_store.ON_PUBLISH
    version_store.ON_PUBLISH[:] = saved


@both_databases
def test_a_failing_hook_leaves_no_version(
    app: FastAPI, client: TestClient, planner_token: str, solved: tuple[int, int], hooks: list[Any]
) -> None:
    """A hook runs inside the publish transaction: when it fails, no version is left."""
    _sid, plan_id = solved
    seen: list[int] = []

    def record(conn: sa.Connection, row: Any) -> None:
        seen.append(row.number)
        raise RuntimeError("calendar build failed")

    hooks.append(record)
    client = TestClient(app, raise_server_exceptions=False)
    response = client.post(f"/plans/{plan_id}/publish", headers=bearer(planner_token))
    assert response.status_code == 500
    assert seen == [1]
    with app.state.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(versions)).scalar() == 0


@both_databases
def test_concurrent_publishes_get_distinct_numbers(
    app: FastAPI, client: TestClient, solved: tuple[int, int]
) -> None:
    """Eight threads publishing the same scenario at once get versions 1..8, no gaps."""
    sid, plan_id = solved
    engine: sa.Engine = app.state.engine
    numbers: list[int] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(8)

    def publish() -> None:
        try:
            barrier.wait()
            with writing(engine) as conn:
                numbers.append(version_store.publish(conn, sid, plan_id).number)
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=publish) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert sorted(numbers) == list(range(1, 9))


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_a_committee_cannot_tell_an_unknown_plan_from_an_unpublished_one(
    client: TestClient, committee_token: str, solved: tuple[int, int], language: str
) -> None:
    """A committee token asking for its deliveries (JSON and CSV) of an unpublished plan
    and of a plan that does not exist gets byte-identical 404 bodies, in either
    language."""
    _sid, plan_id = solved
    headers = {**bearer(committee_token), "Accept-Language": language}
    for form in ("deliveries", "deliveries.csv"):
        unpublished = client.get(f"/plans/{plan_id}/{form}?committee=C1", headers=headers)
        unknown = client.get(f"/plans/{plan_id + 1000}/{form}?committee=C1", headers=headers)
        assert unpublished.status_code == unknown.status_code == 404
        assert unpublished.content == unknown.content, (form, unpublished.text, unknown.text)
        assert unknown.json()["error"] == "not_found"
