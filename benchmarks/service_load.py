"""The service's load benchmark: ``python -m benchmarks.service_load``.

What it does, in order (see ``benchmarks/README.md``):

1. starts a real ``cultplan serve`` process on a free loopback port with a temporary
   data directory (SQLite); its first start loads, solves and publishes the reference
   scenario (32 committees);
2. makes a planner token and one committee token per committee (in the database, as
   ``cultplan token create`` does);
3. solves a second plan of the scenario (a short job with another seed), to publish;
4. starts a solve job that keeps running through the measurement (the reference
   scenario, gap 0, a long time limit): the solver's worker process competes with the
   service for the machine's cores, as it does when a planner solves in office hours;
5. publishes the second plan once (the first publish of this server's life, timed);
6. drives ``--clients`` concurrent clients from a separate process
   (:mod:`benchmarks.load_client`) pulling committee calendars, each with its own
   committee's token, ``--requests`` requests per format (JSON, then ICS), after a
   warm-up, and times every request;
7. publishes ``--publishes`` times more (the two plans in turn), timed;
8. checks that the solve was still running, cancels it, stops the server.

It prints p50, p95, p99 and max latency and requests per second per format, the publish
times, and the machine's load average (``os.getloadavg``) at start and end, and says
whether the targets are met: p99 at most 20 ms with a solve running, publish at most
1 s. ``--json FILE`` also writes every figure as JSON.

When the service has no calendar routes (``/committees/{id}/calendar.ics`` and
``.json`` in its OpenAPI description), the committees' deliveries are pulled instead
(``/plans/{id}/deliveries?committee=``, JSON only), and the output says so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

#: The repository's root (where ``api``, ``planner`` and ``benchmarks`` are).
ROOT = Path(__file__).resolve().parent.parent
#: The targets of the issue: p99 latency with a solve running, and publish time.
TARGET_P99_MS = 20.0
TARGET_PUBLISH_S = 1.0
#: The calendar paths (a committee id and the scenario's id are filled in).
CALENDAR_PATHS = {
    "json": "/committees/{committee}/calendar.json?scenario={scenario}",
    "ics": "/committees/{committee}/calendar.ics?scenario={scenario}",
}
#: The solve's stages in which CP-SAT searches (its workers take the cores).
SEARCH_STAGES = ("fairness", "primary", "secondary")
#: The fallback when the service has no calendar routes.
DELIVERIES_PATH = "/plans/{plan}/deliveries?committee={committee}"


@dataclass
class Options:
    """The benchmark's options (the command line's).

    Attributes
    ----------
    requests
        Requests per format.
    clients
        Concurrent clients (one keep-alive connection each).
    publishes
        Timed publishes after the first one.
    solve_limit
        The time limit of the solve that runs through the measurement (seconds).
    bootstrap_limit
        The time limit of the first start's solve of the reference scenario.
    plan_limit
        The time limit of the short solve that makes the second plan.
    warmup
        Requests per format before the measured ones (not counted).
    seed
        The seed of the clients' random choice of committees.
    http_workers
        The server's HTTP worker processes (``cultplan serve --http-workers``); 0 leaves
        the option out (the service's default).
    background_solve
        Whether a solve runs during the measurement.
    scenario
        The scenario the first start publishes (default: the bundled reference).
    data_dir
        The server's data directory (a temporary one, removed afterwards, by default).
    json_out
        A file for every figure as JSON.
    """

    requests: int = 20000
    clients: int = 50
    publishes: int = 10
    solve_limit: float = 900.0
    bootstrap_limit: float = 20.0
    plan_limit: float = 10.0
    warmup: int = 500
    seed: int = 1
    http_workers: int = 0
    background_solve: bool = True
    scenario: Path | None = None
    data_dir: Path | None = None
    json_out: Path | None = None


@dataclass
class Latency:
    """Latency figures of one run of the load client.

    Attributes
    ----------
    name
        What was pulled (``json``, ``ics``, ``deliveries``).
    requests
        Requests answered.
    p50, p95, p99, max
        Latency percentiles in milliseconds.
    rate
        Requests per second (answered requests over the run's wall time).
    statuses
        Answers by HTTP status.
    failures
        Requests without an answer, by error.
    mean_bytes
        The mean body size.
    """

    name: str
    requests: int
    p50: float
    p95: float
    p99: float
    max: float
    rate: float
    statuses: dict[str, int]
    failures: dict[str, int]
    mean_bytes: float

    @classmethod
    def of(cls, name: str, tally: dict[str, Any]) -> Latency:
        """The figures of a load client's tally (:func:`benchmarks.load_client.run_load`)."""
        times = sorted(float(t) for t in tally["latencies_ms"])
        count = len(times)
        return cls(
            name=name,
            requests=count,
            p50=percentile(times, 50),
            p95=percentile(times, 95),
            p99=percentile(times, 99),
            max=times[-1] if times else float("nan"),
            rate=count / tally["wall_seconds"] if tally["wall_seconds"] > 0 else float("nan"),
            statuses=dict(tally["statuses"]),
            failures=dict(tally["failures"]),
            mean_bytes=tally["body_bytes"] / count if count else 0.0,
        )


def percentile(ordered: list[float], q: float) -> float:
    """The ``q``-th percentile of sorted values (nearest rank); NaN when empty."""
    if not ordered:
        return float("nan")
    rank = max(1, int(-(-q * len(ordered) // 100)))  # ceil(q/100 * n)
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Figures:
    """Everything the benchmark measured.

    Attributes
    ----------
    date
        When it ran (local time, ISO 8601).
    cpus
        The machine's CPU count.
    load_start, load_end
        ``os.getloadavg()`` before the server started and after the measurement.
    ready_seconds
        From starting the server to its first answer (the first start's solve and
        publish included).
    source
        ``calendars`` or ``deliveries`` (the fallback without calendar routes).
    latencies
        One entry per format.
    first_publish_seconds
        The first publish of the server's life.
    publish_seconds
        The timed publishes after it.
    solve_state
        The background solve's state after the measurement (``running`` when it ran
        throughout), or ``None`` without one.
    solve_progress
        Its progress then (stage, gap, elapsed).
    """

    date: str
    cpus: int
    load_start: tuple[float, float, float]
    load_end: tuple[float, float, float] = (0.0, 0.0, 0.0)
    ready_seconds: float = 0.0
    source: str = "calendars"
    latencies: list[Latency] = field(default_factory=list)
    first_publish_seconds: float = float("nan")
    publish_seconds: list[float] = field(default_factory=list)
    solve_state: str | None = None
    solve_progress: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Every figure, JSON-safe."""
        return {
            "date": self.date,
            "cpus": self.cpus,
            "load_start": list(self.load_start),
            "load_end": list(self.load_end),
            "ready_seconds": self.ready_seconds,
            "source": self.source,
            "latencies": [vars(x) for x in self.latencies],
            "first_publish_seconds": self.first_publish_seconds,
            "publish_seconds": self.publish_seconds,
            "solve_state": self.solve_state,
            "solve_progress": self.solve_progress,
            "options": self.options,
        }


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_command(options: Options, port: int) -> list[str]:
    """The command that starts the server: the ``cultplan`` script beside this Python
    (the project's environment), else the same command line through ``python -c``."""
    script = Path(sys.executable).with_name("cultplan")
    head = (
        [str(script)]
        if script.is_file()
        else [sys.executable, "-c", "from api.cli import app; app()"]
    )
    command = [*head, "serve", "--host", "127.0.0.1", "--port", str(port)]
    if options.http_workers:
        command += ["--http-workers", str(options.http_workers)]
    return command


class Server:
    """A ``cultplan serve`` process with its own data directory and log file."""

    def __init__(self, options: Options, data_dir: Path) -> None:
        self.port = free_port()
        self.data_dir = data_dir
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir / "server.log"
        env = dict(os.environ)
        env.update(
            {
                "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
                "CULTPLAN_DATA_DIR": str(data_dir),
                "CULTPLAN_BOOTSTRAP_TIME_LIMIT": str(options.bootstrap_limit),
                "CULTPLAN_ACCESS_LOG": "false",
            }
        )
        if options.scenario is not None:
            env["CULTPLAN_BOOTSTRAP_SCENARIO"] = str(options.scenario.resolve())
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            serve_command(options, self.port),
            cwd=data_dir,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float) -> float:
        """Wait until ``/healthz`` answers (after the first start); return the seconds."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the server ended (exit {self.process.returncode}):\n{self.log()}"
                )
            try:
                if httpx.get(self.url + "/healthz", timeout=1.0).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the server did not answer within {timeout:.0f} s:\n{self.log()}")

    def log(self, tail: int = 40) -> str:
        """The last lines of the server's log."""
        lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(lines[-tail:])

    def stop(self) -> None:
        """Stop the server (SIGINT, then SIGKILL after 15 s) and close its log."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._log.close()


def make_tokens(data_dir: Path, committees: list[str]) -> tuple[str, dict[str, str]]:
    """A planner token and one token per committee, stored in the server's database
    (as ``cultplan token create`` stores them); return their secrets."""
    from api.db import tokens
    from api.db.engine import make_engine, writing
    from api.settings import Settings

    engine = make_engine(Settings(data_dir=data_dir).url)
    try:
        with writing(engine) as conn:
            planner = tokens.create(conn, "planner", label="benchmark").secret
            own = {
                c: tokens.create(conn, "committee", c, label="benchmark").secret for c in committees
            }
    finally:
        engine.dispose()
    return planner, own


def scenario_committees(scenario: Path | None) -> list[str]:
    """The committee ids of the scenario the first start publishes (default: the
    bundled reference scenario's)."""
    from api.bootstrap import REFERENCE_FILE
    from planner import read_scenario

    return [c.id for c in read_scenario(scenario or REFERENCE_FILE).committees]


class Api:
    """The planner's side of the benchmark: a few calls with the planner's token."""

    def __init__(self, url: str, token: str) -> None:
        self.http = httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60.0
        )

    def get(self, path: str) -> Any:
        """The JSON of a GET that must answer 200."""
        response = self.http.get(path)
        response.raise_for_status()
        return response.json()

    def start_job(self, scenario: int, params: dict[str, Any]) -> int:
        """Start a solve job; return its id."""
        response = self.http.post(f"/scenarios/{scenario}/jobs", json=params)
        response.raise_for_status()
        return int(response.json()["id"])

    def wait_job(self, job: int, states: set[str], timeout: float) -> dict[str, Any]:
        """Wait until a job is in one of ``states`` (or ended); return it."""
        deadline = time.monotonic() + timeout
        while True:
            row: dict[str, Any] = self.get(f"/jobs/{job}")
            ended = row["state"] in ("finished", "failed", "cancelled")
            if row["state"] in states or ended or time.monotonic() > deadline:
                return row
            time.sleep(0.25)

    def publish(self, plan: int, note: str) -> float:
        """Publish a plan; return the seconds the request took."""
        started = time.perf_counter()
        response = self.http.post(f"/plans/{plan}/publish", json={"note": note})
        seconds = time.perf_counter() - started
        response.raise_for_status()
        return seconds

    def close(self) -> None:
        """Close the connection."""
        self.http.close()


def run_client(spec: dict[str, Any]) -> dict[str, Any]:
    """Run the load client (:mod:`benchmarks.load_client`) in its own process."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.load_client"],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the load client failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def wait_search(api: Api, job: int, timeout: float) -> dict[str, Any]:
    """Wait until a running job's solve is in its search (past building the model and
    the baselines, when CP-SAT's workers take the cores); return the job."""
    deadline = time.monotonic() + timeout
    while True:
        row: dict[str, Any] = api.get(f"/jobs/{job}")
        stage = (row.get("progress") or {}).get("stage")
        if row["state"] != "running" or stage in SEARCH_STAGES or time.monotonic() > deadline:
            return row
        time.sleep(0.25)


def has_calendars(api: Api) -> bool:
    """Whether the service serves committee calendars (its OpenAPI paths)."""
    paths = api.get("/openapi.json").get("paths", {})
    return all(
        p.split("?")[0].replace("{committee}", "{committee_id}") in paths
        for p in CALENDAR_PATHS.values()
    )


def run(options: Options, say: Any = print) -> Figures:
    """Run the benchmark; print as it goes (``say``); return the figures."""
    figures = Figures(
        date=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        cpus=os.cpu_count() or 1,
        load_start=os.getloadavg(),
        options={k: str(v) if isinstance(v, Path) else v for k, v in vars(options).items()},
    )
    committees = scenario_committees(options.scenario)
    with tempfile.TemporaryDirectory(prefix="cultplan-load-") as scratch:
        data_dir = options.data_dir or Path(scratch)
        data_dir.mkdir(parents=True, exist_ok=True)
        say(f"server: cultplan serve, data {data_dir}, load average {fmt_load(figures.load_start)}")
        server = Server(options, data_dir)
        api: Api | None = None
        try:
            figures.ready_seconds = server.wait_ready(options.bootstrap_limit * 4 + 120)
            say(f"ready after {figures.ready_seconds:.1f} s (first start: solve and publish)")
            planner, own = make_tokens(data_dir, committees)
            api = Api(server.url, planner)
            scenario = int(api.get("/scenarios")[0]["id"])
            first_plan = int(api.get(f"/scenarios/{scenario}/versions")[-1]["plan_id"])
            job = api.start_job(
                scenario,
                {"time_limit": options.plan_limit, "seed": 7, "workers": 2},
            )
            ended = api.wait_job(job, set(), options.plan_limit * 4 + 60)
            if ended.get("plan_id") is None:
                raise RuntimeError(f"the second plan's solve found no plan: {ended}")
            second_plan = int(ended["plan_id"])
            say(f"plans to publish: {first_plan} (first start), {second_plan} (seed 7)")
            background = None
            if options.background_solve:
                background = api.start_job(
                    scenario,
                    {"time_limit": options.solve_limit, "relative_gap": 0, "workers": 2},
                )
                row = api.wait_job(background, {"running"}, 60)
                row = wait_search(api, background, 120)
                say(
                    f"solve job {background}: {row['state']}, stage "
                    f"{(row.get('progress') or {}).get('stage')} "
                    f"(gap 0, limit {options.solve_limit:g} s)"
                )
            figures.first_publish_seconds = api.publish(second_plan, "benchmark: first publish")
            say(f"first publish: {figures.first_publish_seconds * 1000:.0f} ms")

            calendars = has_calendars(api)
            figures.source = "calendars" if calendars else "deliveries"
            if calendars:
                formats = {
                    name: [
                        {"path": path.format(committee=c, scenario=scenario), "token": own[c]}
                        for c in committees
                    ]
                    for name, path in CALENDAR_PATHS.items()
                }
            else:
                say("no calendar routes: pulling /plans/{id}/deliveries?committee= instead")
                formats = {
                    "deliveries": [
                        {
                            "path": DELIVERIES_PATH.format(plan=second_plan, committee=c),
                            "token": own[c],
                        }
                        for c in committees
                    ]
                }
            for name, targets in formats.items():
                spec = {
                    "host": "127.0.0.1",
                    "port": server.port,
                    "clients": options.clients,
                    "seed": options.seed,
                    "targets": targets,
                }
                if options.warmup:
                    run_client({**spec, "requests": options.warmup})
                latency = Latency.of(name, run_client({**spec, "requests": options.requests}))
                figures.latencies.append(latency)
                say(fmt_latency(latency))

            plans = [first_plan, second_plan]
            for i in range(options.publishes):
                figures.publish_seconds.append(api.publish(plans[i % 2], f"benchmark: {i + 1}"))
            if figures.publish_seconds:
                say(fmt_publish(figures))
            if background is not None:
                row = api.get(f"/jobs/{background}")
                figures.solve_state = str(row["state"])
                figures.solve_progress = dict(row.get("progress") or {})
                api.http.delete(f"/jobs/{background}")
            figures.load_end = os.getloadavg()
        finally:
            if api is not None:
                api.close()
            server.stop()
    return figures


def fmt_load(load: tuple[float, float, float]) -> str:
    """A load average as ``1.02 0.87 0.65`` (1, 5, 15 minutes)."""
    return " ".join(f"{x:.2f}" for x in load)


def fmt_latency(x: Latency) -> str:
    """One format's line of figures."""
    bad = sum(v for k, v in x.statuses.items() if k != "200") + sum(x.failures.values())
    return (
        f"{x.name:>10}: {x.requests} requests, p50 {x.p50:.1f} ms, p95 {x.p95:.1f} ms, "
        f"p99 {x.p99:.1f} ms, max {x.max:.1f} ms, {x.rate:.0f} requests/s, "
        f"{x.mean_bytes:.0f} bytes each, not 200: {bad}"
    )


def fmt_publish(figures: Figures) -> str:
    """The publish times' line."""
    times = figures.publish_seconds
    return (
        f"publish: {len(times)} times, p50 {statistics.median(times) * 1000:.0f} ms, "
        f"max {max(times) * 1000:.0f} ms "
        f"(first publish {figures.first_publish_seconds * 1000:.0f} ms)"
    )


def summary(figures: Figures, options: Options) -> str:
    """The closing lines: load, the solve's state, the targets met or missed."""
    lines = [
        f"machine: {figures.cpus} CPUs, load average {fmt_load(figures.load_start)} at start, "
        f"{fmt_load(figures.load_end)} at end",
    ]
    if figures.solve_state is not None:
        progress = figures.solve_progress
        lines.append(
            f"background solve: {figures.solve_state} at the end "
            f"(stage {progress.get('stage')}, elapsed {progress.get('elapsed')} s, "
            f"gap {progress.get('gap')})"
        )
    worst = max((x.p99 for x in figures.latencies), default=float("nan"))
    publish = max([*figures.publish_seconds, figures.first_publish_seconds])
    lines.append(
        f"targets: p99 {worst:.1f} ms (<= {TARGET_P99_MS:g} ms: "
        f"{'met' if worst <= TARGET_P99_MS else 'missed'}), publish max {publish:.2f} s "
        f"(<= {TARGET_PUBLISH_S:g} s: {'met' if publish <= TARGET_PUBLISH_S else 'missed'})"
    )
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> Options:
    """The options of the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.service_load",
        description="Latency of committee calendars under concurrent clients with a solve "
        "running, and publish time, against a real `cultplan serve`.",
    )
    defaults = Options()
    parser.add_argument(
        "--requests", type=int, default=defaults.requests, help="requests per format"
    )
    parser.add_argument("--clients", type=int, default=defaults.clients, help="concurrent clients")
    parser.add_argument("--publishes", type=int, default=defaults.publishes, help="timed publishes")
    parser.add_argument(
        "--warmup", type=int, default=defaults.warmup, help="warm-up requests per format"
    )
    parser.add_argument(
        "--solve-limit",
        type=float,
        default=defaults.solve_limit,
        help="time limit of the background solve (s)",
    )
    parser.add_argument(
        "--bootstrap-limit",
        type=float,
        default=defaults.bootstrap_limit,
        help="time limit of the first start's solve (s)",
    )
    parser.add_argument(
        "--plan-limit",
        type=float,
        default=defaults.plan_limit,
        help="time limit of the second plan's solve (s)",
    )
    parser.add_argument(
        "--no-solve",
        dest="background_solve",
        action="store_false",
        help="measure without a solve running",
    )
    parser.add_argument(
        "--http-workers",
        type=int,
        default=0,
        help="the server's HTTP worker processes (default: the service's)",
    )
    parser.add_argument("--seed", type=int, default=defaults.seed, help="the clients' seed")
    parser.add_argument(
        "--scenario", type=Path, default=None, help="the scenario (default: the reference)"
    )
    parser.add_argument("--data-dir", type=Path, default=None, help="the server's data directory")
    parser.add_argument(
        "--json",
        dest="json_out",
        type=Path,
        default=None,
        help="write every figure to this JSON file",
    )
    return Options(**vars(parser.parse_args(argv)))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark from the command line; exit code 0 (1 when it could not run)."""
    options = parse_args(argv)
    try:
        figures = run(options, say=lambda text: print(text, flush=True))
    except (RuntimeError, httpx.HTTPError) as exc:
        print(f"the benchmark could not run: {exc}", file=sys.stderr)
        return 1
    print(summary(figures, options), flush=True)
    if options.json_out is not None:
        options.json_out.write_text(json.dumps(figures.to_dict(), indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
