"""Job rows: create, read, list, request a cancel, retry, and the worker's state changes.

Every function takes a SQLAlchemy :class:`~sqlalchemy.engine.Connection` and leaves the
transaction to the caller (``with engine.begin() as conn: ...``). A job's state moves
one way: ``queued`` to ``running`` to one of the end states ``finished``, ``failed``,
``cancelled`` (a queued job may be cancelled or failed directly). Every change of state
is one ``UPDATE ... WHERE state = <expected>``, so two processes never both move a job.

A failed or cancelled job keeps why in ``jobs.error`` as ``"<code>: <message>"``
(:func:`error_text`, :func:`split_error`): an English code a client can act on and the
message, the library's own words where the library said it. Never a traceback. A job
that ends with a plan keeps how its solve ended in ``jobs.message`` instead (the
library's :attr:`planner.Result.message`). The
service's own messages are stored untranslated, as their catalogue text and parameters
(:func:`catalogued`), and put in the reader's language when read (:func:`message_text`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from api.db.tables import jobs
from planner.i18n import N_, _
from planner.report import tidy_numbers

#: A job's states, in the order a job goes through them.
QUEUED, RUNNING, FINISHED, FAILED, CANCELLED = (
    "queued",
    "running",
    "finished",
    "failed",
    "cancelled",
)
STATES: tuple[str, ...] = (QUEUED, RUNNING, FINISHED, FAILED, CANCELLED)
#: States a job never leaves.
END_STATES: frozenset[str] = frozenset({FINISHED, FAILED, CANCELLED})
#: End states from which ``POST /jobs/{id}/retry`` makes a new job.
RETRYABLE_STATES: frozenset[str] = frozenset({FAILED, CANCELLED})

#: Error codes stored in front of a job's error message.
INTERRUPTED = "interrupted"  # the service stopped while the job ran: retry it
INVALID_SCENARIO = "invalid_scenario"  # the revision does not read (the library's problems)
INVALID_PARAMS = "invalid_params"  # the stored parameters are refused
NO_PLAN = "no_plan"  # the solve ended without a plan (the library's reason)
BROKEN_PLAN = "broken_plan"  # a bug: the plan found breaks hard rules; nothing stored
CRASHED = "crashed"  # the worker process failed or died
STOPPED = "stopped"  # cancelled before any plan was found

_CODE = re.compile(r"^([a-z_]+): ", re.ASCII)


def _now() -> dt.datetime:
    """The current time, timezone-aware UTC (as the tables keep times)."""
    return dt.datetime.now(dt.UTC)


def error_text(code: str, message: str) -> str:
    """Return the stored form of an error: ``"<code>: <message>"``."""
    return f"{code}: {message}"


#: The service's own job messages (catalogue texts, translated when read).
INTERRUPTED_MESSAGE = N_("the service stopped while the job was running; retry it")
CANCELLED_BEFORE_START = N_("cancelled before it started")
WORKER_KILLED = N_("the worker process was killed by signal {signal}")
WORKER_EXITED = N_("the worker process ended with exit code {code}")
WORKER_NOT_STARTED = N_("the worker process did not start: {error}")
BROKEN_PLAN_MESSAGE = N_("bug: the plan found breaks {n} hard rule(s); it is not stored: {rules}")


def catalogued(msgid: str, **params: Any) -> str:
    """Return the stored form of a catalogue message: its untranslated text and its
    parameters as JSON, put in the reader's language by :func:`message_text`."""
    return json.dumps({"msgid": msgid, "params": params}, ensure_ascii=False, sort_keys=True)


def message_text(message: str | None) -> str | None:
    """Return a stored message in the current language: a :func:`catalogued` one
    translated from the catalogue with its parameters, any other as it was stored."""
    if message is None or not message.startswith('{"msgid": '):
        return message
    try:
        stored = json.loads(message)
        return _(str(stored["msgid"])).format(**stored.get("params", {}))
    except (ValueError, KeyError, TypeError, IndexError):
        return message


def notes_text(notes: Sequence[str] | None) -> list[str]:
    """Return a job's stored notes in the current language (:func:`message_text`)."""
    return [text for note in notes or () if (text := message_text(note)) is not None]


def split_error(text: str | None) -> tuple[str | None, str | None]:
    """Return ``(code, message)`` of a stored error (``(None, None)`` without one).

    Text without a code in front (written by hand) is all message, with code ``error``.
    """
    if text is None:
        return None, None
    match = _CODE.match(text)
    if match is None:
        return "error", text
    return match.group(1), text[match.end() :]


def json_safe(value: Any) -> Any:
    """Return ``value`` with every non-finite float (inf, nan) replaced by None, and
    every other float rounded to :data:`planner.report.REPORT_DIGITS` significant digits.

    JSON has no infinity: SQLite would store ``Infinity`` that PostgreSQL refuses, and
    clients could not read it. A gap before the first bound is "unknown", not infinite.
    A figure with binary noise (an objective of ``6889.0869999999995``) is stored and
    answered as the decimal ``kpis.json`` writes (``6889.087``,
    :func:`planner.report.tidy_numbers`).
    """
    if isinstance(value, float):
        return tidy_numbers(value) if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def create(
    conn: sa.Connection,
    scenario_id: int,
    revision: int,
    params: Mapping[str, Any],
    retry_of: int | None = None,
) -> int:
    """Insert a queued job and return its id.

    Parameters
    ----------
    conn
        An open connection (the caller commits).
    scenario_id, revision
        The scenario revision to solve.
    params
        The solve parameters, already checked (:class:`planner.SolveParams` keys).
    retry_of
        The job this one retries, if any.
    """
    result = conn.execute(
        sa.insert(jobs)
        .values(
            scenario_id=scenario_id,
            revision=revision,
            state=QUEUED,
            params=dict(params),
            progress=None,
            cancel_requested=False,
            retry_of=retry_of,
            created_at=_now(),
        )
        .returning(jobs.c.id)
    )
    return int(result.scalar_one())


def get(conn: sa.Connection, job_id: int) -> sa.RowMapping | None:
    """Return a job's row (None for an unknown id)."""
    return conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).mappings().first()


def list_jobs(
    conn: sa.Connection,
    scenario_id: int | None = None,
    states: Sequence[str] | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[sa.RowMapping]:
    """Return jobs, newest first, optionally of one scenario and in some states."""
    query = sa.select(jobs).order_by(jobs.c.id.desc()).limit(limit).offset(offset)
    if scenario_id is not None:
        query = query.where(jobs.c.scenario_id == scenario_id)
    if states is not None:
        query = query.where(jobs.c.state.in_(list(states)))
    return list(conn.execute(query).mappings())


def queued_ids(conn: sa.Connection) -> list[int]:
    """Return the ids of the queued jobs, oldest first."""
    query = sa.select(jobs.c.id).where(jobs.c.state == QUEUED).order_by(jobs.c.id)
    return [int(i) for i in conn.execute(query).scalars()]


def request_cancel(conn: sa.Connection, job_id: int) -> str | None:
    """Ask a job to stop; return its state afterwards (None for an unknown id).

    A queued job is cancelled at once (it never ran, so it has no plan). A running job
    gets its ``cancel_requested`` flag, which its worker polls: the solve then returns
    its best plan so far, kept with the job's end state ``cancelled``. A job that has
    ended is left as it is.
    """
    conn.execute(
        sa.update(jobs)
        .where(jobs.c.id == job_id, jobs.c.state == QUEUED)
        .values(
            state=CANCELLED,
            cancel_requested=True,
            finished_at=_now(),
            error=error_text(STOPPED, catalogued(CANCELLED_BEFORE_START)),
        )
    )
    conn.execute(
        sa.update(jobs)
        .where(jobs.c.id == job_id, jobs.c.state == RUNNING)
        .values(cancel_requested=True)
    )
    row = get(conn, job_id)
    return None if row is None else str(row["state"])


def retry(conn: sa.Connection, job_id: int) -> int | None:
    """Make a new queued job with the same scenario revision and parameters.

    Returns
    -------
    int or None
        The new job's id; None when the job is unknown or not in a retryable state
        (:data:`RETRYABLE_STATES`).
    """
    row = get(conn, job_id)
    if row is None or row["state"] not in RETRYABLE_STATES:
        return None
    return create(conn, row["scenario_id"], row["revision"], row["params"], retry_of=job_id)


def claim(conn: sa.Connection, job_id: int) -> bool:
    """Move a queued job to running (the worker starts it); False if it is not queued."""
    result = conn.execute(
        sa.update(jobs)
        .where(jobs.c.id == job_id, jobs.c.state == QUEUED)
        .values(state=RUNNING, started_at=_now())
    )
    return result.rowcount == 1


def write_progress(conn: sa.Connection, job_id: int, progress: Mapping[str, Any]) -> bool:
    """Store a running job's progress; False (nothing written) when it is not running."""
    result = conn.execute(
        sa.update(jobs)
        .where(jobs.c.id == job_id, jobs.c.state == RUNNING)
        .values(progress=json_safe(progress))
    )
    return result.rowcount == 1


def cancel_requested(conn: sa.Connection, job_id: int) -> bool:
    """Whether someone asked the job to stop."""
    query = sa.select(jobs.c.cancel_requested).where(jobs.c.id == job_id)
    return bool(conn.execute(query).scalar())


def finish(
    conn: sa.Connection,
    job_id: int,
    state: str,
    error: str | None = None,
    progress: Mapping[str, Any] | None = None,
    expected: Sequence[str] = (RUNNING,),
    message: str | None = None,
    notes: Sequence[str] = (),
) -> bool:
    """Move a job to an end state; False when it was not in one of ``expected``.

    Parameters
    ----------
    state
        ``finished``, ``failed`` or ``cancelled``.
    error
        ``"<code>: <message>"`` (:func:`error_text`) for a failed or cancelled job.
    progress
        The last progress, when there is one to keep.
    expected
        The states the job may be in (running, by default).
    message
        How the solve that found the job's plan ended, in the library's words
        (:attr:`planner.Result.message`), for a job that ends with a plan.
    notes
        What the solve did otherwise than asked, each a :func:`catalogued` message.
    """
    if state not in END_STATES:
        raise ValueError(f"not an end state: {state!r}")
    values: dict[str, Any] = {
        "state": state,
        "error": error,
        "finished_at": _now(),
        "message": message,
        "notes": list(notes) or None,
    }
    if progress is not None:
        values["progress"] = json_safe(progress)
    result = conn.execute(
        sa.update(jobs).where(jobs.c.id == job_id, jobs.c.state.in_(list(expected))).values(values)
    )
    return result.rowcount == 1


def fail_running(conn: sa.Connection, message: str, ids: Sequence[int] | None = None) -> list[int]:
    """Fail running jobs as interrupted (retryable); return the ids of those failed.

    Called when the service starts (no worker of a previous life survives it: every
    running job) and when it shuts down with solves still running (``ids``, its own).
    """
    query = sa.select(jobs.c.id).where(jobs.c.state == RUNNING).order_by(jobs.c.id)
    if ids is not None:
        query = query.where(jobs.c.id.in_(list(ids)))
    ids = [int(i) for i in conn.execute(query).scalars()]
    if ids:
        conn.execute(
            sa.update(jobs)
            .where(jobs.c.id.in_(ids), jobs.c.state == RUNNING)
            .values(state=FAILED, error=error_text(INTERRUPTED, message), finished_at=_now())
        )
    return ids
