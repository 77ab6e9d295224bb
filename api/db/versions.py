"""Published versions: immutable, numbered 1, 2, ... per scenario, made in one
transaction with whatever the :data:`ON_PUBLISH` hooks build beside them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from api.db.tables import plans, scenarios, versions

#: Called inside the publish transaction with ``(conn, version_row)``, in order; an
#: exception in one rolls the whole publish back (committee calendars are built here).
ON_PUBLISH: list[Callable[[sa.Connection, sa.Row[Any]], None]] = []

#: Called with ``(engine, version_row)`` after the publish transaction committed (the
#: publish route runs them once its answer is sent): work a version can do without,
#: for a while (the committee calendars' iCalendar feeds and pages).
AFTER_PUBLISH: list[Callable[[sa.Engine, sa.Row[Any]], None]] = []


def after_publish(engine: sa.Engine, version: sa.Row[Any]) -> None:
    """Run the :data:`AFTER_PUBLISH` steps of a committed version, in order."""
    for step in AFTER_PUBLISH:
        step(engine, version)


class PlanNotFound(LookupError):
    """No plan of that id (or not of that scenario)."""


def publish(
    conn: sa.Connection,
    scenario_id: int,
    plan_id: int,
    note: str | None = None,
    token_id: int | None = None,
) -> sa.Row[Any]:
    """Publish a plan as the next version of its scenario and return the version row.

    Call it inside a transaction (:func:`api.db.engine.writing`): the scenario row is
    locked first (``SELECT ... FOR UPDATE`` on PostgreSQL, the write lock on SQLite),
    so that concurrent publishes get distinct numbers; the hooks of :data:`ON_PUBLISH`
    run in the same transaction.

    Raises
    ------
    PlanNotFound
        When the plan does not exist or belongs to another scenario.
    """
    locked = conn.execute(
        sa.select(scenarios.c.id).where(scenarios.c.id == scenario_id).with_for_update()
    ).first()
    plan = conn.execute(
        sa.select(plans.c.id, plans.c.scenario_id).where(plans.c.id == plan_id)
    ).first()
    if locked is None or plan is None or plan.scenario_id != scenario_id:
        raise PlanNotFound(plan_id)
    last = conn.execute(
        sa.select(sa.func.max(versions.c.number)).where(versions.c.scenario_id == scenario_id)
    ).scalar_one()
    number = int(last or 0) + 1
    version_id = conn.execute(
        versions.insert()
        .values(
            scenario_id=scenario_id,
            number=number,
            plan_id=plan_id,
            note=note,
            published_by=token_id,
        )
        .returning(versions.c.id)
    ).scalar_one()
    row = conn.execute(sa.select(versions).where(versions.c.id == version_id)).one()
    for hook in ON_PUBLISH:
        hook(conn, row)
    return row


def list_for(conn: sa.Connection, scenario_id: int) -> list[sa.Row[Any]]:
    """A scenario's versions, oldest first."""
    return list(
        conn.execute(
            sa.select(versions)
            .where(versions.c.scenario_id == scenario_id)
            .order_by(versions.c.number)
        )
    )


def get(conn: sa.Connection, scenario_id: int, number: int) -> sa.Row[Any] | None:
    """One version of a scenario, or ``None``."""
    return conn.execute(
        sa.select(versions).where(
            versions.c.scenario_id == scenario_id, versions.c.number == number
        )
    ).first()


def latest(conn: sa.Connection, scenario_id: int) -> sa.Row[Any] | None:
    """A scenario's newest version, or ``None``."""
    return conn.execute(
        sa.select(versions)
        .where(versions.c.scenario_id == scenario_id)
        .order_by(versions.c.number.desc())
        .limit(1)
    ).first()


def is_published(conn: sa.Connection, plan_id: int) -> bool:
    """Whether a plan is published in some version."""
    return (
        conn.execute(sa.select(versions.c.id).where(versions.c.plan_id == plan_id)).first()
        is not None
    )
