"""Committee calendars of the service: built at publish (in its transaction), stored,
served as iCalendar, JSON and a page with ETags and 304s, kept for a dropped committee,
rebuilt when missing; and the diff of two versions."""

from __future__ import annotations

import threading
import time
from typing import Any

import icalendar
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import calendars
from api.db import plans as plan_store
from api.db import scenarios as scenario_store
from api.db import versions as version_store
from api.db.engine import make_engine, writing
from api.db.migrate import upgrade
from api.db.tables import committee_calendars, metadata
from planner.i18n import use_language
from tests.api.conftest import OTHER_COMMITTEE, OWN_COMMITTEE, bearer
from tests.api.support import small_yaml, stored_plan


def test_migrated_schema_is_the_tables_on_postgresql(fresh_postgres_url: str) -> None:
    """On PostgreSQL too, the migrations (0002's committee calendars included) create
    exactly the tables of ``api.db.tables``."""
    engine = make_engine(fresh_postgres_url)
    try:
        upgrade(fresh_postgres_url, engine)
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": True}
            )
            assert compare_metadata(context, metadata) == []
            assert "committee_calendars" in sa.inspect(conn).get_table_names()
    finally:
        engine.dispose()


def _rows(engine: sa.Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(committee_calendars).order_by(committee_calendars.c.committee_id)
            )
        )


def _second_plan(engine: sa.Engine, scenario_id: int, plan_id: int, revision: int = 1) -> int:
    """A plan of the scenario beside ``plan_id``: C1's book set dropped, C1's first show
    a week later (or earlier in the last week), the rest as it was."""
    with engine.connect() as conn:
        row = plan_store.get(conn, plan_id)
    assert row is not None
    deliveries = [d for d in row.deliveries if d["product"] != "book_set"]
    shows = sorted(
        (d for d in deliveries if d["committee_id"] == "C1" and d["product"] == "performance"),
        key=lambda d: d["first_week"],
    )
    first = shows[0]
    week = first["first_week"] + 1 if first["first_week"] < 4 else first["first_week"] - 1
    first.update(first_week=week, last_week=week)
    with writing(engine) as conn:
        return plan_store.insert(
            conn,
            scenario_id=scenario_id,
            revision=revision,
            plan=plan_store.plan_of(deliveries),
            report={"status": "feasible"},
        )


def _publish(client: TestClient, token: str, plan_id: int) -> None:
    response = client.post(f"/plans/{plan_id}/publish", headers=bearer(token), json={})
    assert response.status_code == 201, response.text


def _events(body: bytes) -> dict[str, Any]:
    cal = icalendar.Calendar.from_ical(body)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_publish_builds_the_calendars_in_its_transaction(app: FastAPI, client: TestClient) -> None:
    """A publish writes every committee's JSON calendar in its own transaction; a
    publish that fails after the hooks leaves neither a version nor calendars."""
    engine: sa.Engine = app.state.engine
    sid, plan_id = stored_plan(engine)
    with pytest.raises(RuntimeError), writing(engine) as conn:
        version_store.publish(conn, sid, plan_id)
        assert len(_rows_in(conn)) == 2
        raise RuntimeError("the publish fails after its hooks")
    assert _rows(engine) == []
    with writing(engine) as conn:
        version_store.publish(conn, sid, plan_id)
    rows = _rows(engine)
    assert [(r.committee_id, r.version, r.language) for r in rows] == [
        ("C1", 1, "zh_CN"),
        ("C2", 1, "zh_CN"),
    ]
    assert all(r.ics is None and r.json_etag == calendars.etag_of(r.json) for r in rows)


def _rows_in(conn: sa.Connection) -> list[Any]:
    return list(conn.execute(sa.select(committee_calendars)))


def test_feed_page_and_json_with_etag_and_304(
    app: FastAPI, client: TestClient, planner_token: str, committee_token: str
) -> None:
    """The committee's feed parses with icalendar and names it in Chinese; it comes
    with its ETag, ``Cache-Control: private, no-cache`` and ``text/calendar``; the same
    ETag in ``If-None-Match`` gets 304 without a body; the JSON form has the feed's UIDs
    and the page is Chinese HTML. After the publish the forms are stored, not rebuilt."""
    engine: sa.Engine = app.state.engine
    sid, plan_id = stored_plan(engine)
    _publish(client, planner_token, plan_id)
    assert all(r.ics is not None and r.html is not None for r in _rows(engine))
    url = f"/committees/{OWN_COMMITTEE}/calendar"
    ics = client.get(f"{url}.ics?token={committee_token}")
    assert ics.status_code == 200
    assert ics.headers["content-type"] == "text/calendar; charset=utf-8"
    assert ics.headers["cache-control"] == "private, no-cache"
    etag = ics.headers["etag"]
    assert etag == f'"{calendars.etag_of(ics.content)}"'
    cal = icalendar.Calendar.from_ical(ics.content)
    assert str(cal["X-WR-CALNAME"]) == "测试1居委会 文化配送"
    assert cal.walk("VTIMEZONE")
    events = _events(ics.content)
    assert events and all(uid.endswith(f"@scenario-{sid}.cultplan") for uid in events)
    again = client.get(f"{url}.ics", headers={**bearer(committee_token), "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    data = client.get(f"{url}.json", headers=bearer(committee_token))
    assert data.status_code == 200 and data.headers["etag"] != etag
    assert {e["uid"] for e in data.json()["events"]} == set(events)
    page = client.get(f"{url}.html", headers=bearer(planner_token))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "测试1居委会" in page.text


def test_head_answers_the_headers_of_get_without_a_body(
    app: FastAPI, client: TestClient, planner_token: str, committee_token: str
) -> None:
    """``HEAD`` on each calendar form (token in the query, as a subscription sends it)
    and on ``/healthz`` answers 200 with the ``GET`` answer's type, length and ETag and
    no body; ``HEAD`` on a route without ``GET`` stays refused (405)."""
    engine: sa.Engine = app.state.engine
    _, plan_id = stored_plan(engine)
    _publish(client, planner_token, plan_id)
    base = f"/committees/{OWN_COMMITTEE}/calendar"
    for url in (f"{base}.ics", f"{base}.json", f"{base}.html", "/healthz"):
        url = f"{url}?token={committee_token}" if url.startswith(base) else url
        got = client.get(url)
        head = client.head(url)
        assert (head.status_code, head.content) == (200, b""), url
        assert got.status_code == 200 and got.content, url
        for header in ("content-type", "content-length", "etag"):
            assert head.headers.get(header) == got.headers.get(header), (url, header)
    assert client.head("/scenarios/1/jobs", headers=bearer(planner_token)).status_code == 405


def test_republish_changes_the_feed(
    app: FastAPI, client: TestClient, planner_token: str, committee_token: str
) -> None:
    """A new version changes the feed's ETag (the old one gets the whole feed again):
    the moved show keeps its UID with SEQUENCE 1, the dropped book set's events are kept
    as ``STATUS:CANCELLED`` with a summary starting ``已取消：``."""
    engine: sa.Engine = app.state.engine
    sid, plan_id = stored_plan(engine)
    _publish(client, planner_token, plan_id)
    url = f"/committees/{OWN_COMMITTEE}/calendar.ics"
    first = client.get(url, headers=bearer(committee_token))
    _publish(client, planner_token, _second_plan(engine, sid, plan_id))
    second = client.get(
        url, headers={**bearer(committee_token), "If-None-Match": first.headers["etag"]}
    )
    assert second.status_code == 200 and second.headers["etag"] != first.headers["etag"]
    before, after = _events(first.content), _events(second.content)
    assert set(before) <= set(after)
    books = [uid for uid in after if "/book_set/" in uid]
    assert books and all(str(after[u]["STATUS"]) == "CANCELLED" for u in books)
    assert all(str(after[u]["SUMMARY"]).startswith("已取消：") for u in books)
    moved = [u for u in after if after[u]["DTSTART"].dt != before[u]["DTSTART"].dt]
    assert moved and all(after[u]["SEQUENCE"] == 1 for u in moved)


def test_committee_tokens_see_only_their_own_calendar(
    app: FastAPI,
    client: TestClient,
    planner_token: str,
    analyst_token: str,
    committee_token: str,
    other_committee_token: str,
) -> None:
    """A committee token reads its own calendar (header or ``?token=``); another
    committee's answers 404 with the same body as a committee that does not exist;
    planners and analysts read every committee's; no token is 401."""
    engine: sa.Engine = app.state.engine
    _sid, plan_id = stored_plan(engine)
    _publish(client, planner_token, plan_id)
    own = f"/committees/{OWN_COMMITTEE}/calendar.ics"
    other = f"/committees/{OTHER_COMMITTEE}/calendar.ics"
    assert client.get(f"{own}?token={committee_token}").status_code == 200
    hidden = client.get(other, headers=bearer(committee_token))
    unknown = client.get("/committees/C99/calendar.ics", headers=bearer(planner_token))
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json()["error"] == unknown.json()["error"] == "not_found"
    for token in (planner_token, analyst_token, other_committee_token):
        assert client.get(other, headers=bearer(token)).status_code == 200
    assert client.get(own).status_code == 401


def test_latest_season_without_a_scenario(
    app: FastAPI, client: TestClient, planner_token: str
) -> None:
    """Without ``scenario=`` a committee's calendar is that of the scenario it was
    last published in; with it, that scenario's; a scenario without versions is 404."""
    engine: sa.Engine = app.state.engine
    first, first_plan = stored_plan(engine)
    second, second_plan = stored_plan(engine, small_yaml(name="下一季"))
    with writing(engine) as conn:
        version_store.publish(conn, first, first_plan)
    with writing(engine) as conn:
        version_store.publish(conn, second, second_plan)
    url = f"/committees/{OWN_COMMITTEE}/calendar.json"
    latest = client.get(url, headers=bearer(planner_token))
    assert latest.headers["x-cultplan-scenario"] == str(second)
    chosen = client.get(f"{url}?scenario={first}", headers=bearer(planner_token))
    assert chosen.headers["x-cultplan-scenario"] == str(first)
    with writing(engine) as conn:
        third = scenario_store.create(conn, "未发布", small_yaml(), "application/yaml")
    assert client.get(f"{url}?scenario={third}", headers=bearer(planner_token)).status_code == 404


def test_a_dropped_committee_keeps_its_cancelled_deliveries(
    app: FastAPI, client: TestClient, planner_token: str
) -> None:
    """A committee a later revision of the scenario drops still has its feed: every
    delivery it had is cancelled, none vanished."""
    engine: sa.Engine = app.state.engine
    sid, plan_id = stored_plan(engine)
    _publish(client, planner_token, plan_id)
    url = f"/committees/{OTHER_COMMITTEE}/calendar.ics"
    before = _events(client.get(url, headers=bearer(planner_token)).content)
    with writing(engine) as conn:
        scenario_store.add_revision(
            conn, sid, "small", small_yaml(committees=1), "application/yaml"
        )
        row = plan_store.get(conn, plan_id)
        assert row is not None
        kept = [d for d in row.deliveries if d["committee_id"] != OTHER_COMMITTEE]
        new_plan = plan_store.insert(
            conn,
            scenario_id=sid,
            revision=2,
            plan=plan_store.plan_of(kept),
            report={"status": "feasible"},
        )
    _publish(client, planner_token, new_plan)
    after = _events(client.get(url, headers=bearer(planner_token)).content)
    deliveries = [uid for uid in before if "/performance/" in uid]
    assert deliveries and set(deliveries) <= set(after)
    assert all(str(after[u]["STATUS"]) == "CANCELLED" for u in deliveries)


def test_missing_calendars_are_rebuilt(
    app: FastAPI, client: TestClient, planner_token: str
) -> None:
    """Versions without calendars (published before the table, or rows lost) get them:
    on demand when asked for, and from :func:`api.calendars.backfill` at start."""
    engine: sa.Engine = app.state.engine
    sid, plan_id = stored_plan(engine)
    _publish(client, planner_token, plan_id)
    stored = {r.committee_id: r.ics for r in _rows(engine)}
    with writing(engine) as conn:
        conn.execute(committee_calendars.delete())
    got = client.get(f"/committees/C2/calendar.ics?scenario={sid}", headers=bearer(planner_token))
    assert got.status_code == 200 and got.content == stored["C2"]
    with writing(engine) as conn:
        conn.execute(committee_calendars.delete())
    assert calendars.backfill(engine, "zh_CN") == [sid]
    assert {r.committee_id: r.ics for r in _rows(engine)} == stored
    assert calendars.backfill(engine, "zh_CN") == []


def test_diff_of_two_versions(app: FastAPI, client: TestClient, planner_token: str) -> None:
    """The diff of versions 1 and 2 counts, per committee, the moved show and the
    cancelled book set of C1; C2 is unchanged; an unknown version is 404."""
    engine: sa.Engine = app.state.engine
    sid, plan_id = stored_plan(engine)
    _publish(client, planner_token, plan_id)
    _publish(client, planner_token, _second_plan(engine, sid, plan_id))
    got = client.get(f"/scenarios/{sid}/versions/1/diff/2", headers=bearer(planner_token))
    assert got.status_code == 200, got.text
    body = got.json()
    assert (body["from"], body["to"]) == (1, 2)
    by_committee = {c["committee_id"]: c for c in body["committees"]}
    assert by_committee["C1"]["counts"]["cancelled"] == 1
    assert by_committee["C1"]["counts"]["moved"] >= 1
    assert by_committee["C2"]["counts"]["moved"] == by_committee["C2"]["counts"]["cancelled"] == 0
    assert all(c["status"] != "unchanged" for c in by_committee["C1"]["changes"])
    missing = client.get(f"/scenarios/{sid}/versions/1/diff/3", headers=bearer(planner_token))
    assert missing.status_code == 404


def test_a_committee_the_scenario_does_not_have_rebuilds_nothing(
    app: FastAPI, client: TestClient, planner_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asking for a committee none of a scenario's versions names answers 404 at once:
    no calendar is rebuilt (no write lock taken) and the stored rows stay as they were."""
    engine: sa.Engine = app.state.engine
    sid, plan_id = stored_plan(engine)
    with writing(engine) as conn:
        version_store.publish(conn, sid, plan_id)
    before = _rows(engine)

    def no_rebuild(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the calendars were rebuilt")

    monkeypatch.setattr(calendars, "refresh", no_rebuild)
    monkeypatch.setattr(calendars, "write_rows", no_rebuild)
    assert calendars.find(engine, "C99", sid, "json") is None
    url = f"/committees/C99/calendar.ics?scenario={sid}"
    for _twice in range(2):
        assert client.get(url, headers=bearer(planner_token)).status_code == 404
    assert _rows(engine) == before


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_a_rebuild_waits_for_a_publish_holding_the_scenario(
    app: FastAPI, client: TestClient
) -> None:
    """On PostgreSQL a calendar rebuild takes the scenario's row lock: started while a
    publish holds it, it waits, then builds from the version that publish committed
    (every row at version 2, none overwritten with version 1's calendars)."""
    engine: sa.Engine = app.state.engine
    sid, plan_id = stored_plan(engine)
    with writing(engine) as conn:
        version_store.publish(conn, sid, plan_id)
    second = _second_plan(engine, sid, plan_id)
    failures: list[BaseException] = []

    def rebuild() -> None:
        try:
            calendars.refresh(engine, sid, "zh_CN")
        except BaseException as exc:  # reported by the test
            failures.append(exc)

    with engine.connect() as holder, holder.begin():
        assert scenario_store.lock(holder, sid) is not None
        thread = threading.Thread(target=rebuild)
        thread.start()
        waiting = sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        )
        deadline = time.monotonic() + 60
        with engine.connect() as watcher:
            # pg_stat_activity is read once per transaction: each look is its own
            while not watcher.execute(waiting).scalar_one():
                watcher.rollback()
                assert thread.is_alive() and time.monotonic() < deadline, (
                    "the rebuild did not wait for the scenario's lock"
                )
                time.sleep(0.05)
        version_store.publish(holder, sid, second)
    thread.join(60)
    assert not thread.is_alive() and failures == []
    rows = _rows(engine)
    assert rows and {r.version for r in rows} == {2}
    with engine.connect() as conn:
        season = calendars.stored_versions(conn, sid)
    with use_language("zh_CN"):
        built = calendars.build(season, sid)
    assert {r.committee_id: r.json_etag for r in rows} == {
        c: calendars.etag_of(b.json) for c, b in built.items()
    }


def test_a_publish_that_leaves_a_committee_alone_keeps_its_etag(
    app: FastAPI, client: TestClient, planner_token: str
) -> None:
    """Version 2 moves only C1's first show: C1's feed gets a new ETag, while C2's feed,
    JSON and page keep theirs (the same bytes) and their old ETag still answers 304."""
    engine: sa.Engine = app.state.engine
    sid, plan_id = stored_plan(engine)
    _publish(client, planner_token, plan_id)
    with engine.connect() as conn:
        row = plan_store.get(conn, plan_id)
    assert row is not None
    deliveries = [dict(d) for d in row.deliveries]
    show = min(
        (d for d in deliveries if d["committee_id"] == "C1" and d["product"] == "performance"),
        key=lambda d: d["first_week"],
    )
    week = show["first_week"] + 1 if show["first_week"] < 4 else show["first_week"] - 1
    show.update(first_week=week, last_week=week)
    with writing(engine) as conn:
        second = plan_store.insert(
            conn,
            scenario_id=sid,
            revision=1,
            plan=plan_store.plan_of(deliveries),
            report={"status": "feasible"},
        )
    token = bearer(planner_token)
    before = {
        (c, form): client.get(f"/committees/{c}/calendar.{form}?scenario={sid}", headers=token)
        for c in ("C1", "C2")
        for form in ("ics", "json", "html")
    }
    assert all(r.status_code == 200 for r in before.values())
    _publish(client, planner_token, second)
    for (committee, form), old in before.items():
        url = f"/committees/{committee}/calendar.{form}?scenario={sid}"
        new = client.get(url, headers=token)
        assert new.status_code == 200 and new.headers["x-cultplan-version"] == "2"
        if committee == "C2":
            assert new.headers["etag"] == old.headers["etag"], form
            assert new.content == old.content, form
            again = client.get(url, headers={**token, "If-None-Match": old.headers["etag"]})
            assert again.status_code == 304, form
    assert (
        before[("C1", "ics")].headers["etag"]
        != client.get(f"/committees/C1/calendar.ics?scenario={sid}", headers=token).headers["etag"]
    )
