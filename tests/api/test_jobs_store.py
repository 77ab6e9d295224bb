"""Tests of the job rows (api.jobs.store) on a real, migrated SQLite file and on a fresh
database of the real PostgreSQL server."""

from __future__ import annotations

import math

import pytest
import sqlalchemy as sa

from api.jobs import store
from tests.api.conftest import both_databases
from tests.api.jobs_support import QUICK_PARAMS, add_job, add_scenario, job, tiny_yaml


@pytest.fixture
def scenario_id(engine: sa.Engine) -> int:
    """A stored tiny scenario."""
    return add_scenario(engine, tiny_yaml())


@both_databases
def test_a_new_job_is_queued_with_its_parameters(engine: sa.Engine, scenario_id: int) -> None:
    """create() stores a queued job of the revision, with its parameters and no progress."""
    job_id = add_job(engine, scenario_id)
    row = job(engine, job_id)
    assert (row["state"], row["scenario_id"], row["revision"]) == ("queued", scenario_id, 1)
    assert row["params"] == QUICK_PARAMS
    assert row["progress"] is None and row["cancel_requested"] is False
    assert row["created_at"] is not None and row["started_at"] is None


@both_databases
def test_only_a_queued_job_is_claimed_and_only_once(engine: sa.Engine, scenario_id: int) -> None:
    """claim() moves queued to running once; a second claim (another worker) gets nothing."""
    job_id = add_job(engine, scenario_id)
    with engine.begin() as conn:
        assert store.claim(conn, job_id) is True
        assert store.claim(conn, job_id) is False
    row = job(engine, job_id)
    assert row["state"] == "running" and row["started_at"] is not None


@both_databases
def test_progress_is_written_only_while_running(engine: sa.Engine, scenario_id: int) -> None:
    """write_progress() writes nothing before the claim or after the end, and stores an
    infinite gap as null (JSON has no infinity)."""
    job_id = add_job(engine, scenario_id)
    progress = {"stage": "primary", "gap": math.inf, "objective": 1.5}
    with engine.begin() as conn:
        assert store.write_progress(conn, job_id, progress) is False
        store.claim(conn, job_id)
        assert store.write_progress(conn, job_id, progress) is True
    assert job(engine, job_id)["progress"] == {"stage": "primary", "gap": None, "objective": 1.5}
    with engine.begin() as conn:
        store.finish(conn, job_id, store.FINISHED)
        assert store.write_progress(conn, job_id, {"stage": "late"}) is False
    assert job(engine, job_id)["progress"]["stage"] == "primary"


@both_databases
def test_cancelling_a_queued_job_ends_it_at_once(engine: sa.Engine, scenario_id: int) -> None:
    """A queued job asked to stop is cancelled without running, with the reason stored."""
    job_id = add_job(engine, scenario_id)
    with engine.begin() as conn:
        assert store.request_cancel(conn, job_id) == "cancelled"
    row = job(engine, job_id)
    assert row["finished_at"] is not None
    assert store.split_error(row["error"])[0] == store.STOPPED


@both_databases
def test_cancelling_a_running_job_raises_its_flag(engine: sa.Engine, scenario_id: int) -> None:
    """A running job stays running with cancel_requested set (its worker stops it)."""
    job_id = add_job(engine, scenario_id)
    with engine.begin() as conn:
        store.claim(conn, job_id)
        assert store.cancel_requested(conn, job_id) is False
        assert store.request_cancel(conn, job_id) == "running"
        assert store.cancel_requested(conn, job_id) is True


@both_databases
def test_cancelling_an_ended_or_unknown_job_changes_nothing(
    engine: sa.Engine, scenario_id: int
) -> None:
    """An ended job keeps its state and error; an unknown id answers None."""
    job_id = add_job(engine, scenario_id)
    with engine.begin() as conn:
        store.claim(conn, job_id)
        store.finish(conn, job_id, store.FINISHED)
        assert store.request_cancel(conn, job_id) == "finished"
        assert store.request_cancel(conn, 999) is None
    assert job(engine, job_id)["error"] is None


@both_databases
def test_retry_makes_a_new_queued_job_of_a_failed_one(engine: sa.Engine, scenario_id: int) -> None:
    """retry() of a failed job queues a new job of the same revision and parameters that
    names the job it retries; a queued, running or finished job is not retried."""
    job_id = add_job(engine, scenario_id)
    with engine.begin() as conn:
        assert store.retry(conn, job_id) is None  # queued
        store.claim(conn, job_id)
        assert store.retry(conn, job_id) is None  # running
        store.finish(conn, job_id, store.FAILED, store.error_text(store.CRASHED, "boom"))
        new_id = store.retry(conn, job_id)
        assert store.retry(conn, 999) is None
    assert new_id is not None and new_id != job_id
    row = job(engine, new_id)
    assert (row["state"], row["retry_of"], row["params"]) == ("queued", job_id, QUICK_PARAMS)


@both_databases
def test_running_jobs_are_failed_as_interrupted(engine: sa.Engine, scenario_id: int) -> None:
    """fail_running() fails the running jobs (all, or the ids given) with the retryable
    code ``interrupted``; queued and ended jobs are left as they are."""
    queued, first, second = (add_job(engine, scenario_id) for _ in range(3))
    with engine.begin() as conn:
        store.claim(conn, first)
        store.claim(conn, second)
        assert store.fail_running(conn, "stopped", [second]) == [second]
        assert store.fail_running(conn, "restarted") == [first]
    assert job(engine, queued)["state"] == "queued"
    for job_id, message in ((first, "restarted"), (second, "stopped")):
        row = job(engine, job_id)
        assert row["state"] == "failed"
        assert store.split_error(row["error"]) == (store.INTERRUPTED, message)
    with engine.begin() as conn:
        assert store.retry(conn, first) is not None


@both_databases
def test_a_job_moves_to_an_end_state_only_from_the_expected_one(
    engine: sa.Engine, scenario_id: int
) -> None:
    """finish() refuses a state that is not an end state and leaves a job that is not in
    an expected state alone."""
    job_id = add_job(engine, scenario_id)
    with engine.begin() as conn:
        with pytest.raises(ValueError, match="not an end state"):
            store.finish(conn, job_id, store.RUNNING)
        assert store.finish(conn, job_id, store.FINISHED) is False  # still queued
        assert store.finish(conn, job_id, store.FAILED, expected=(store.QUEUED,)) is True
    assert job(engine, job_id)["state"] == "failed"


@both_databases
def test_jobs_are_listed_newest_first_by_scenario_and_state(engine: sa.Engine) -> None:
    """list_jobs() filters by scenario and state, newest first, and pages."""
    one, two = add_scenario(engine, tiny_yaml()), add_scenario(engine, tiny_yaml())
    a, b, c = add_job(engine, one), add_job(engine, two), add_job(engine, one)
    with engine.begin() as conn:
        store.request_cancel(conn, c)
        assert [r["id"] for r in store.list_jobs(conn)] == [c, b, a]
        assert [r["id"] for r in store.list_jobs(conn, scenario_id=one)] == [c, a]
        assert [r["id"] for r in store.list_jobs(conn, states=["queued"])] == [b, a]
        assert [r["id"] for r in store.list_jobs(conn, limit=1, offset=1)] == [b]
        assert store.queued_ids(conn) == [a, b]


def test_stored_errors_split_into_code_and_message() -> None:
    """split_error() reads back error_text(); text without a code is all message."""
    assert store.split_error(store.error_text("no_plan", "a: b")) == ("no_plan", "a: b")
    assert store.split_error("Something odd") == ("error", "Something odd")
    assert store.split_error(None) == (None, None)


def test_json_safe_replaces_non_finite_numbers_everywhere() -> None:
    """Infinities and NaN become null at any depth; other values are kept."""
    value = {"a": [1.0, math.nan, {"b": -math.inf}], "c": "x", "d": (2, math.inf)}
    assert store.json_safe(value) == {"a": [1.0, None, {"b": None}], "c": "x", "d": [2, None]}


def test_json_safe_stores_figures_as_decimals_without_binary_noise() -> None:
    """A job's figures (objective, bound, gap) are stored rounded to twelve significant
    digits, as kpis.json writes them, at any depth (a tiny gap keeps its figure);
    integers and text are kept."""
    value = {
        "objective": 6889.0869999999995,
        "gap": 0.0028484180850090156,
        "tiny": 1.4515e-07,
        "p": [0.1 + 0.2],
    }
    assert store.json_safe({**value, "n": 3, "s": "x"}) == {
        "objective": 6889.087,
        "gap": 0.00284841808501,
        "tiny": 1.4515e-07,
        "p": [0.3],
        "n": 3,
        "s": "x",
    }
