"""Concurrent writes over HTTP on a real server (loopback), on a real SQLite file and on
the real PostgreSQL server: parallel updates get distinct revision numbers, parallel
publishes distinct version numbers, and a delete racing a publish never leaves a version
of a deleted scenario."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from api.db import plans as plan_store
from api.db import scenarios as scenario_store
from api.db import tokens as token_store
from api.db.engine import writing
from api.db.tables import plans, scenarios, versions
from tests.api.conftest import both_databases
from tests.api.live import serving
from tests.api.support import small_yaml, stored_plan

#: Concurrent requests of each race.
PARALLEL = 6

pytestmark = both_databases


@pytest.fixture
def live(app: FastAPI, database: str) -> Iterator[tuple[str, dict[str, str]]]:
    """The app served on loopback: its base URL and a planner's headers."""
    with serving(app) as url:
        with app.state.engine.begin() as conn:
            secret = token_store.create(conn, "planner").secret
        yield url, {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}


def at_once(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    """Run the calls in threads released together; return their responses in order."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], httpx.Response]) -> httpx.Response:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_parallel_updates_get_distinct_revisions(
    live: tuple[str, dict[str, str]], app: FastAPI
) -> None:
    """Updates of one scenario sent at once all succeed with revisions 2..N+1, each text
    kept under its own number."""
    url, headers = live
    yaml_headers = {**headers, "Content-Type": "application/yaml"}
    with httpx.Client(base_url=url, timeout=60) as client:
        created = client.post("/scenarios", content=small_yaml().encode(), headers=yaml_headers)
        sid = created.json()["id"]
        texts = [f"# edit {i}\n{small_yaml()}" for i in range(PARALLEL)]

        def put(text: str) -> Callable[[], httpx.Response]:
            return lambda: client.put(
                f"/scenarios/{sid}", content=text.encode(), headers=yaml_headers
            )

        responses = at_once([put(t) for t in texts])
        assert [r.status_code for r in responses] == [200] * PARALLEL, [r.text for r in responses]
        detail = client.get(f"/scenarios/{sid}", headers=headers).json()
        assert detail["current_revision"] == PARALLEL + 1
        assert [r["revision"] for r in detail["revisions"]] == list(range(1, PARALLEL + 2))
        sources = {
            client.get(f"/scenarios/{sid}/revisions/{n}", headers=headers).text
            for n in range(2, PARALLEL + 2)
        }
        assert sources == set(texts)


def test_parallel_publishes_get_distinct_versions(
    live: tuple[str, dict[str, str]], app: FastAPI
) -> None:
    """Publishes of one scenario sent at once get versions 1..N, no gap, no repeat."""
    url, headers = live
    sid, plan_id = stored_plan(app.state.engine)
    with httpx.Client(base_url=url, timeout=60) as client:
        responses = at_once(
            [lambda: client.post(f"/plans/{plan_id}/publish", headers=headers)] * PARALLEL
        )
        assert [r.status_code for r in responses] == [201] * PARALLEL, [r.text for r in responses]
        assert sorted(r.json()["number"] for r in responses) == list(range(1, PARALLEL + 1))
        listed = client.get(f"/scenarios/{sid}/versions", headers=headers).json()
        assert [v["number"] for v in listed] == list(range(1, PARALLEL + 1))


def copies(engine: sa.Engine, plan_id: int, count: int) -> list[tuple[int, int]]:
    """``count`` new scenarios, each with a copy of a stored plan: ``(scenario, plan)``."""
    with engine.connect() as conn:
        row = plan_store.get(conn, plan_id)
        assert row is not None
    made = []
    with writing(engine) as conn:
        for _ in range(count):
            sid = scenario_store.create(conn, "race", small_yaml(), "application/yaml")
            report: dict[str, Any] = dict(row.report)
            new = plan_store.insert(
                conn,
                scenario_id=sid,
                revision=1,
                plan=plan_store.plan_of(row.deliveries),
                report=report,
            )
            made.append((sid, new))
    return made


def test_a_delete_racing_a_publish_never_leaves_a_version_of_a_deleted_scenario(
    live: tuple[str, dict[str, str]], app: FastAPI
) -> None:
    """A delete and a publish of the same scenario sent at once: either the publish wins
    (201, the delete is refused with 409) or the delete wins (204, the publish answers
    404); never both, never a 500, and no version or plan of a deleted scenario is left."""
    url, headers = live
    engine: sa.Engine = app.state.engine
    _sid, plan_id = stored_plan(engine)
    races = copies(engine, plan_id, 8)
    outcomes = set()
    with httpx.Client(base_url=url, timeout=60) as client:
        for sid, pid in races:
            publish, delete = at_once(
                [
                    partial(client.post, f"/plans/{pid}/publish", headers=headers),
                    partial(client.delete, f"/scenarios/{sid}", headers=headers),
                ]
            )
            pair = (publish.status_code, delete.status_code)
            assert pair in {(201, 409), (404, 204)}, (pair, publish.text, delete.text)
            outcomes.add(pair)
            if pair == (404, 204):
                assert publish.json()["error"] == "not_found"
            else:
                assert delete.json()["error"] == "published"
    with engine.connect() as conn:
        alive = set(conn.execute(sa.select(scenarios.c.id)).scalars())
        orphans = conn.execute(
            sa.select(sa.func.count())
            .select_from(versions)
            .where(versions.c.scenario_id.not_in(alive))
        ).scalar()
        orphan_plans = conn.execute(
            sa.select(sa.func.count()).select_from(plans).where(plans.c.scenario_id.not_in(alive))
        ).scalar()
    assert orphans == 0 and orphan_plans == 0
    assert outcomes, "every race ended one of the two clean ways"
