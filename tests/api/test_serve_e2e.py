"""End to end over real HTTP: ``cultplan serve`` in its own process on a loopback port,
a scenario created, solved by a job, published; a committee pulls its iCalendar feed
with its token, the scenario changes, is solved and published again, and the feed
tells the committee what changed (SEQUENCE, STATUS:CANCELLED, a new ETag)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import icalendar
import pytest
import yaml

from tests.api.support import small_data

ROOT = Path(__file__).resolve().parents[2]
#: How the tests run the ``cultplan`` command of this checkout.
CULTPLAN = [sys.executable, "-c", "from api.cli import app; app()"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(data_dir: Path, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        CULTPLAN_DATA_DIR=str(data_dir),
        CULTPLAN_PORT=str(port),
        CULTPLAN_BOOTSTRAP="false",
        CULTPLAN_WORKERS="1",
        CULTPLAN_PUBLIC_URL=f"http://127.0.0.1:{port}",
        PYTHONUNBUFFERED="1",
    )
    return env


def _token(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [*CULTPLAN, "token", "create", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A running ``cultplan serve`` on a free loopback port with a temporary data
    directory (no first-start solve), and a planner's and committee C1's tokens."""
    port = _free_port()
    env = _env(tmp_path / "data", port)
    planner = _token(env, "--role", "planner")
    committee = _token(env, "--role", "committee", "--committee", "C1")
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [*CULTPLAN, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "the server did not answer within 30 s"
            time.sleep(0.2)
        yield {
            "base": base,
            "planner": planner,
            "committee": committee,
            "log": tmp_path / "serve.log",
        }
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _solve_and_publish(http: httpx.Client, scenario_id: int) -> int:
    started = http.post(
        f"/scenarios/{scenario_id}/jobs", json={"time_limit": 5, "workers": 2, "seed": 1}
    )
    assert started.status_code == 202, started.text
    job_url = started.headers["location"]
    deadline = time.monotonic() + 60
    while True:
        job = http.get(job_url).json()
        if job["state"] not in ("queued", "running"):
            break
        assert time.monotonic() < deadline, job
        time.sleep(0.3)
    assert job["state"] == "finished", job
    published = http.post(f"/plans/{job['plan_id']}/publish", json={})
    assert published.status_code == 201, published.text
    return int(published.json()["number"])


def _events(body: bytes) -> dict[str, Any]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def test_a_committee_follows_its_calendar_over_two_versions(server: dict[str, Any]) -> None:
    """Publish, pull the feed with the committee's token (parsed by icalendar), change
    the scenario (C1's book set line removed, the troupe renamed), solve and publish
    again: the book set's events are CANCELLED, the shows' SEQUENCE raised, the ETag
    new (the old one no longer 304s), and the new ETag twice gives 304."""
    planner = {"Authorization": f"Bearer {server['planner']}"}
    with httpx.Client(base_url=server["base"], headers=planner, timeout=30) as http:
        data = small_data()
        created = http.post(
            "/scenarios",
            content=yaml.safe_dump(data, allow_unicode=True).encode(),
            headers={"Content-Type": "application/yaml"},
        )
        assert created.status_code == 201, created.text
        sid = int(created.json()["id"])
        assert _solve_and_publish(http, sid) == 1
        feed = f"{server['base']}/committees/C1/calendar.ics?token={server['committee']}"
        first = httpx.get(feed)
        assert first.status_code == 200
        assert first.headers["content-type"] == "text/calendar; charset=utf-8"
        old_etag = first.headers["etag"]
        before = _events(first.content)
        books = [uid for uid in before if "/book_set/" in uid]
        shows = [uid for uid in before if "/performance/" in uid]
        assert books and shows
        assert httpx.get(feed, headers={"If-None-Match": old_etag}).status_code == 304

        data["demand"] = [d for d in data["demand"] if d["product"] != "book_set"]
        data["resources"]["troupes"][0]["name"] = "新越剧团"
        updated = http.put(
            f"/scenarios/{sid}",
            content=yaml.safe_dump(data, allow_unicode=True).encode(),
            headers={"Content-Type": "application/yaml"},
        )
        assert updated.status_code == 200, updated.text
        assert _solve_and_publish(http, sid) == 2

    second = httpx.get(feed, headers={"If-None-Match": old_etag})
    assert second.status_code == 200
    new_etag = second.headers["etag"]
    assert new_etag != old_etag
    after = _events(second.content)
    for uid in books:
        assert str(after[uid]["STATUS"]) == "CANCELLED"
        assert str(after[uid]["SUMMARY"]).startswith("已取消：")
        assert after[uid]["SEQUENCE"] == 1
    kept = [uid for uid in shows if str(after[uid]["STATUS"]) == "CONFIRMED"]
    assert kept and all(after[uid]["SEQUENCE"] >= 1 for uid in kept)
    assert all("新越剧团" in str(after[uid]["SUMMARY"]) for uid in kept)
    for _twice in range(2):
        assert httpx.get(feed, headers={"If-None-Match": new_etag}).status_code == 304


def test_the_access_log_never_shows_a_token(server: dict[str, Any]) -> None:
    """The server's access log prints a calendar request with ``token=***`` instead of
    the committee's secret, and a planner route ignores ``?token=`` (401)."""
    secret = server["committee"]
    calendar = httpx.get(f"{server['base']}/committees/C1/calendar.ics?token={secret}")
    assert calendar.status_code == 404  # nothing published yet, but the token was read
    by_query = httpx.get(f"{server['base']}/scenarios?token={server['planner']}")
    assert by_query.status_code == 401
    log_path: Path = server["log"]
    deadline = time.monotonic() + 10
    while "/scenarios?token=" not in (text := log_path.read_text()):
        assert time.monotonic() < deadline, text
        time.sleep(0.1)
    assert "/committees/C1/calendar.ics?token=***" in text
    assert "/scenarios?token=***" in text
    assert secret not in text
    assert server["planner"] not in text
