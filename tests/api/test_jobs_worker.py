"""Tests of the worker (api.jobs.worker) run in the test's own process, on a real,
migrated SQLite file: what a job stores when it finishes, fails or is cancelled."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

from api.db.tables import plans
from api.jobs import store, worker
from api.jobs.worker import DECOMPOSE_YES, Monitor, WorkerConfig, run_job
from api.settings import Settings
from planner import (
    Delivery,
    Plan,
    Product,
    Progress,
    Result,
    SolveStatus,
    StopReason,
    solve,
    wording,
)
from planner.i18n import use_language
from planner.io import parse_scenario
from planner.validate import check_plan
from tests.api.jobs_support import (
    QUICK_PARAMS,
    add_job,
    add_scenario,
    job,
    tiny_data,
    tiny_yaml,
    wait_for,
)
from tests.decompose.support import two_areas_data
from tests.factories import ask, pin

#: The keys of a delivery in ``plans.deliveries`` (the contract of docs/api.md).
DELIVERY_KEYS = {
    "committee_id",
    "product",
    "resource_id",
    "first_week",
    "last_week",
    "demand_id",
    "theme",
}


@pytest.fixture
def config(settings: Settings, engine: sa.Engine) -> WorkerConfig:
    """A worker's configuration on the test database, in English."""
    return WorkerConfig(database_url=settings.url, language="en", parent_pid=os.getpid())


def plan_rows(engine: sa.Engine, job_id: int) -> list[dict[str, Any]]:
    """The plan rows of a job."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(plans).where(plans.c.job_id == job_id)).mappings()
        return [dict(r) for r in rows]


def stored_plan(deliveries: list[dict[str, Any]]) -> Plan:
    """A stored plan's deliveries read back as a plan."""
    return Plan(tuple(Delivery(**{**d, "product": Product(d["product"])}) for d in deliveries))


def test_a_finished_job_stores_its_checked_plan_and_report(
    config: WorkerConfig, engine: sa.Engine
) -> None:
    """A solved job ends finished, with one plan row: the deliveries in the contract's
    keys (a plan the validator passes), the report of planner.report.solve_report and the
    final progress."""
    source = tiny_yaml()
    job_id = add_job(engine, add_scenario(engine, source))
    assert run_job(config, job_id) == "finished"
    row = job(engine, job_id)
    assert row["state"] == "finished" and row["error"] is None
    assert row["progress"]["stage"] == "done" and row["progress"]["coverage"] > 0
    (plan,) = plan_rows(engine, job_id)
    assert plan["status"] == "optimal" and plan["stop_reason"] == "proven"
    assert plan["deliveries"] and all(set(d) == DELIVERY_KEYS for d in plan["deliveries"])
    scenario = parse_scenario(source)
    assert check_plan(scenario, stored_plan(plan["deliveries"])) == []
    report = plan["report"]
    assert report["violations"] == [] and report["status"] == "optimal"
    assert report["coverage"] == pytest.approx(row["progress"]["coverage"])
    assert report["run"]["seed"] == QUICK_PARAMS["seed"]
    json.dumps(report, allow_nan=False)  # JSON-safe: no infinity, no NaN
    # The job keeps how its solve ended, as the plan's report has it.
    assert row["message"] == report["message"] == "proven optimal"


def test_a_json_revision_is_read_as_json(config: WorkerConfig, engine: sa.Engine) -> None:
    """A scenario stored as JSON is read through the library like YAML and solved."""
    source = json.dumps(tiny_data(), ensure_ascii=False)
    job_id = add_job(engine, add_scenario(engine, source, "application/json"))
    assert run_job(config, job_id) == "finished"
    assert len(plan_rows(engine, job_id)) == 1


def test_the_scenario_is_read_outside_the_write_lock(
    config: WorkerConfig, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the worker reads (parses and checks) the scenario, another writer of the
    SQLite file gets the write lock at once: the claim's write transaction has ended."""
    path = engine.url.database
    assert path is not None
    writes: list[str] = []
    parse = worker.parse

    def parse_and_write(*args: Any, **kwargs: Any) -> Any:
        other = sqlite3.connect(path, timeout=0.5)
        try:
            other.execute("BEGIN IMMEDIATE")  # "database is locked" while a writer holds it
            other.execute("ROLLBACK")
            writes.append("ok")
        finally:
            other.close()
        return parse(*args, **kwargs)

    monkeypatch.setattr(worker, "parse", parse_and_write)
    job_id = add_job(engine, add_scenario(engine, tiny_yaml()))
    assert run_job(config, job_id) == "finished"
    assert writes == ["ok"]


def test_an_invalid_revision_fails_with_the_librarys_located_problems(
    config: WorkerConfig, engine: sa.Engine
) -> None:
    """A revision the library refuses fails the job as invalid_scenario, naming the place
    of the problem; nothing is stored as a plan."""
    data = tiny_data()
    data["demand"].append(ask("C9", "lecture", id="C9/lecture/1"))
    job_id = add_job(engine, add_scenario(engine, yaml.safe_dump(data, allow_unicode=True)))
    assert run_job(config, job_id) == "failed"
    code, message = store.split_error(job(engine, job_id)["error"])
    assert code == "invalid_scenario"
    assert message is not None and "C9" in message and "demand[4]" in message
    assert "Traceback" not in message
    assert plan_rows(engine, job_id) == []


def test_a_solve_without_a_plan_fails_with_the_librarys_reason(
    config: WorkerConfig, engine: sa.Engine
) -> None:
    """Two pins that cannot both hold: the solve is infeasible and the job fails as
    no_plan with the library's message naming the pins."""
    data = tiny_data()
    data["pins"] = [pin("C1", "performance", "T1", 1), pin("C2", "performance", "T1", 1)]
    job_id = add_job(engine, add_scenario(engine, yaml.safe_dump(data, allow_unicode=True)))
    assert run_job(config, job_id) == "failed"
    code, message = store.split_error(job(engine, job_id)["error"])
    assert code == "no_plan"
    assert message is not None and "pins[0]" in message and "pins[1]" in message
    assert plan_rows(engine, job_id) == []


def test_decompose_yes_kept_whole_by_pins_notes_it_on_the_failed_job(
    config: WorkerConfig, engine: sa.Engine
) -> None:
    """A ``decompose: yes`` job on two subdistricts whose pins need the shared troupe in
    the same week is solved whole (and found infeasible, the pins named): the failed
    job keeps the note the command line prints, as a catalogue message translated
    when read."""
    data = two_areas_data()
    data["pins"] = [
        {"committee": "C1", "product": "performance", "resource": "T9", "first_week": 2},
        {"committee": "C4", "product": "performance", "resource": "T9", "first_week": 2},
    ]
    source = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    job_id = add_job(engine, add_scenario(engine, source), {**QUICK_PARAMS, "decompose": "yes"})
    assert run_job(config, job_id) == "failed"
    row = job(engine, job_id)
    assert row["error"].startswith("no_plan: ") and "C1" in row["error"]
    assert row["notes"] == [store.catalogued(wording.PINS_SOLVED_WHOLE, setting=DECOMPOSE_YES)]
    with use_language("en"):
        (note,) = store.notes_text(row["notes"])
    assert note.startswith('"decompose": "yes": the pins cannot be kept subdistrict by')


def test_a_plan_that_breaks_a_hard_rule_is_never_stored(
    config: WorkerConfig, engine: sa.Engine
) -> None:
    """A solver that returns a plan with one delivery twice (a stand-in for a solver
    bug): the validator's violations fail the job as broken_plan, no plan row."""

    def buggy(scenario: Any, params: Any, **kwargs: Any) -> Result:
        result = solve(scenario, params, **kwargs)
        assert result.plan is not None
        first = sorted(result.plan)[0]
        twice = Plan((*result.plan, first.__class__(**{**first.__dict__, "last_week": 9})))
        return Result(
            status=result.status,
            objective=result.objective,
            best_bound=result.best_bound,
            gap=result.gap,
            wall_seconds=result.wall_seconds,
            plan=twice,
            message=result.message,
            stop_reason=result.stop_reason,
        )

    job_id = add_job(engine, add_scenario(engine, tiny_yaml()))
    assert run_job(config, job_id, solve=buggy) == "failed"
    code, message = store.split_error(job(engine, job_id)["error"])
    assert code == "broken_plan"
    with use_language("en"):
        english = store.message_text(message)
    with use_language("zh_CN"):
        chinese = store.message_text(message)
    assert english is not None and english.startswith("bug: the plan found breaks ")
    assert chinese is not None and chinese.startswith("程序缺陷")
    assert plan_rows(engine, job_id) == []


def test_an_unexpected_error_fails_the_job_without_a_traceback(
    config: WorkerConfig, engine: sa.Engine
) -> None:
    """An exception in the solve fails the job as crashed with its type and message."""

    def broken(*_args: Any, **_kwargs: Any) -> Result:
        raise RuntimeError("the solver fell over")

    job_id = add_job(engine, add_scenario(engine, tiny_yaml()))
    assert run_job(config, job_id, solve=broken) == "failed"
    error = job(engine, job_id)["error"]
    assert error == "crashed: RuntimeError: the solver fell over"


def test_a_cancelled_job_keeps_the_best_plan_found(config: WorkerConfig, engine: sa.Engine) -> None:
    """A cancel raised while the solve runs reaches it through the monitor's poll: the
    solve stops, and the job ends cancelled with the plan it had, stored and checked."""
    seen = threading.Event()

    def slow(scenario: Any, params: Any, *, on_progress: Any, stop: threading.Event) -> Result:
        on_progress(Progress("primary", 0.1, 10.0, 12.0, 0.5, 0.4))
        seen.set()
        assert stop.wait(30), "the cancel flag never reached the solve"
        result = solve(scenario, params)  # the plan "found so far"
        return Result(
            status=SolveStatus.FEASIBLE,
            objective=result.objective,
            best_bound=result.best_bound,
            gap=result.gap,
            wall_seconds=result.wall_seconds,
            plan=result.plan,
            message="stopped",
            stop_reason=StopReason.STOPPED,
        )

    job_id = add_job(engine, add_scenario(engine, tiny_yaml()))
    outcome: list[str] = []
    worker = threading.Thread(target=lambda: outcome.append(run_job(config, job_id, slow, 0.05)))
    worker.start()
    assert seen.wait(30)
    wait_for(lambda: job(engine, job_id)["progress"], what="the first progress write")
    assert job(engine, job_id)["progress"]["stage"] == "primary"
    with engine.begin() as conn:
        assert store.request_cancel(conn, job_id) == "running"
    worker.join(60)
    assert outcome == ["cancelled"]
    row = job(engine, job_id)
    assert row["state"] == "cancelled" and row["error"] is None
    assert row["message"] == "stopped"  # the solve's own message, as for a finished job
    (plan,) = plan_rows(engine, job_id)
    assert plan["stop_reason"] == "stopped" and plan["deliveries"]


def test_a_cancel_after_the_solve_ended_leaves_the_job_finished(
    config: WorkerConfig, engine: sa.Engine
) -> None:
    """A cancel that arrives once the solve has ended on its own (proven optimal), before
    the worker stored the outcome, stops nothing: the job ends finished with the solve's
    plan and message, and keeps cancel_requested to show the request came."""

    def then_cancelled(
        scenario: Any, params: Any, *, on_progress: Any, stop: threading.Event
    ) -> Result:
        result = solve(scenario, params, on_progress=on_progress, stop=stop)
        with engine.begin() as conn:  # DELETE /jobs/{id} after the search's end
            assert store.request_cancel(conn, job_id) == "running"
        return result

    job_id = add_job(engine, add_scenario(engine, tiny_yaml()))
    assert run_job(config, job_id, then_cancelled, 0.05) == "finished"
    row = job(engine, job_id)
    assert (row["state"], row["error"], row["cancel_requested"]) == ("finished", None, True)
    assert row["message"] == "proven optimal"
    (plan,) = plan_rows(engine, job_id)
    assert plan["stop_reason"] == "proven" and plan["deliveries"]


def test_a_job_cancelled_before_its_worker_starts_is_not_run(
    config: WorkerConfig, engine: sa.Engine
) -> None:
    """A worker finds its job cancelled while queued: it solves nothing and stores nothing."""
    job_id = add_job(engine, add_scenario(engine, tiny_yaml()))
    with engine.begin() as conn:
        store.request_cancel(conn, job_id)

    def never(*_args: Any, **_kwargs: Any) -> Result:
        raise AssertionError("solved a cancelled job")

    assert run_job(config, job_id, solve=never) == "cancelled"
    assert plan_rows(engine, job_id) == []


def test_progress_writes_are_throttled_and_keep_the_latest(engine: sa.Engine) -> None:
    """Many reports in a short time make at most one write per interval (plus the last),
    and the row ends with the latest report."""
    job_id = add_job(engine, add_scenario(engine, tiny_yaml()))
    with engine.begin() as conn:
        store.claim(conn, job_id)
    monitor = Monitor(engine, job_id, threading.Event(), interval=0.2)
    started = time.monotonic()
    monitor.start()
    for i in range(100):
        monitor.report(Progress("primary", i / 100, float(i), 200.0, 0.5, 0.4))
        time.sleep(0.005)
    monitor.close()
    ticks = (time.monotonic() - started) / 0.2 + 1
    assert 1 <= monitor.writes <= ticks
    assert monitor.writes < 100
    assert job(engine, job_id)["progress"]["objective"] == 99.0
