"""A real ``cultplan serve`` process killed with SIGKILL mid-solve and mid-publish: after a
restart every published version is whole (numbered without gaps, its plan there with
its deliveries), none is half-written, the killed solve reads failed (``interrupted``)
and is retried, and no worker process outlives its server."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from api.db import tokens as token_store
from api.db.engine import make_engine
from api.db.migrate import upgrade
from api.db.tables import plans, versions
from tests.api.jobs_support import LONG_PARAMS, reference_yaml, wait_for
from tests.api.support import small_yaml, stored_plan

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children(pid: int) -> set[int]:
    """The ids of the live processes whose parent is ``pid`` (read from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Service:
    """A data directory with a planner's token, and the ``cultplan serve`` processes
    started on it one after the other."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.url = f"sqlite:///{data_dir / 'cultplan.db'}"
        data_dir.mkdir(parents=True)
        self.engine = make_engine(self.url)
        upgrade(self.url, self.engine)
        with self.engine.begin() as conn:
            secret = token_store.create(conn, "planner").secret
        self.headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}

    @contextmanager
    def serving(self) -> Iterator[tuple[subprocess.Popen[bytes], httpx.Client]]:
        """Start ``cultplan serve`` (one solve worker, no first-start bootstrap) and yield
        the process and a client of it; kill it at the end if it still runs."""
        port = free_port()
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "CULTPLAN_BOOTSTRAP": "false",
            "CULTPLAN_MAX_SOLVE_WORKERS": "2",
        }
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from api.cli import app; app()",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--data-dir",
                str(self.data_dir),
                "--workers",
                "1",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=self.headers, timeout=30)
        try:

            def up() -> bool:
                try:
                    return client.get("/healthz").status_code == 200
                except httpx.TransportError:
                    assert process.poll() is None, "the server died while starting"
                    return False

            wait_for(up, 60, "the server to answer")
            yield process, client
        finally:
            client.close()
            if process.poll() is None:
                process.kill()
            process.wait(10)

    def check_versions(self) -> list[tuple[int, int]]:
        """Every version's ``(scenario, number)``, after checking that each scenario's
        versions are numbered 1..n and that each names a stored plan with deliveries."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(versions.c.scenario_id, versions.c.number, plans.c.deliveries)
                .join(plans, plans.c.id == versions.c.plan_id, isouter=True)
                .order_by(versions.c.scenario_id, versions.c.number)
            ).all()
        numbers: dict[int, list[int]] = {}
        for scenario_id, number, deliveries in rows:
            assert deliveries, f"version {number} of scenario {scenario_id} lost its plan"
            numbers.setdefault(scenario_id, []).append(number)
        for scenario_id, seen in numbers.items():
            assert seen == list(range(1, len(seen) + 1)), (scenario_id, seen)
        return [(s, n) for s, n, _d in rows]


def test_sigkill_mid_solve_leaves_the_job_interrupted_retryable_and_no_orphan(
    tmp_path: Path,
) -> None:
    """A server killed while its worker solves takes the worker with it; after the
    restart the published version is still whole, the job reads failed with the
    retryable code ``interrupted``, and its retry is accepted."""
    service = Service(tmp_path / "data")
    sid, plan_id = stored_plan(service.engine)
    with service.serving() as (_process, client):
        assert client.post(f"/plans/{plan_id}/publish").status_code == 201
    with service.serving() as (process, client):
        created = client.post(
            "/scenarios",
            content=reference_yaml().encode(),
            headers={"Content-Type": "application/yaml"},
        )
        job = client.post(f"/scenarios/{created.json()['id']}/jobs", json=LONG_PARAMS).json()
        wait_for(
            lambda: (
                client.get(f"/jobs/{job['id']}").json()["progress"]["stage"] not in (None, "start")
            ),
            60,
            "the solve to run",
        )
        workers = children(process.pid)
        assert workers, "the solve runs in a worker process"
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    wait_for(lambda: not any(alive(pid) for pid in workers), 30, "the workers to end")
    assert service.check_versions() == [(sid, 1)]
    with service.serving() as (_process, client):
        after = client.get(f"/jobs/{job['id']}").json()
        assert (after["state"], after["error"], after["retryable"]) == (
            "failed",
            "interrupted",
            True,
        )
        retried = client.post(f"/jobs/{job['id']}/retry")
        assert retried.status_code == 202 and retried.json()["retry_of"] == job["id"]
        client.delete(f"/jobs/{retried.json()['id']}")


def test_sigkill_mid_publish_loses_no_version_and_leaves_none_half_written(
    tmp_path: Path,
) -> None:
    """Publishes sent back to back while the server is killed at random moments: after
    each restart the versions are numbered without gaps, each with its plan, every
    publish that was answered 201 is there, and publishing goes on from the next
    number."""
    service = Service(tmp_path / "data")
    sid, plan_id = stored_plan(service.engine, small_yaml())
    rng = random.Random(20250301)
    confirmed: set[int] = set()
    for _round in range(3):
        with service.serving() as (process, client):
            stop = threading.Event()

            def publish_until_killed(
                client: httpx.Client = client, stop: threading.Event = stop
            ) -> None:
                while not stop.is_set():
                    try:
                        response = client.post(f"/plans/{plan_id}/publish")
                    except httpx.TransportError:
                        return
                    if response.status_code == 201:
                        confirmed.add(int(response.json()["number"]))

            threads = [threading.Thread(target=publish_until_killed) for _ in range(3)]
            for thread in threads:
                thread.start()
            time.sleep(rng.uniform(0.3, 0.9))
            process.send_signal(signal.SIGKILL)
            process.wait(10)
            stop.set()
            for thread in threads:
                thread.join(30)
        numbers = [n for s, n in service.check_versions() if s == sid]
        assert confirmed <= set(numbers), "a publish answered 201 was lost"
    assert confirmed, "publishes were answered between the kills"
    with service.serving() as (_process, client):
        after: dict[str, Any] = client.post(f"/plans/{plan_id}/publish").json()
        assert after["number"] == len(service.check_versions())
