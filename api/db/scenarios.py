"""Scenarios and their revisions. A scenario's text is kept verbatim; every update adds
a revision and none is ever changed."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from api.db.tables import jobs, plans, scenario_revisions, scenarios, versions


class ScenarioInUse(Exception):
    """A scenario cannot be deleted: a published version uses it."""


def sha256(text: str) -> str:
    """The SHA-256 hex digest of a text (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def create(conn: sa.Connection, name: str, source: str, media_type: str) -> int:
    """Store a new scenario with its first revision; return its id."""
    scenario_id = conn.execute(
        scenarios.insert().values(name=name, current_revision=1).returning(scenarios.c.id)
    ).scalar_one()
    conn.execute(
        scenario_revisions.insert().values(
            scenario_id=scenario_id,
            revision=1,
            source=source,
            media_type=media_type,
            sha256=sha256(source),
        )
    )
    return int(scenario_id)


def add_revision(
    conn: sa.Connection, scenario_id: int, name: str, source: str, media_type: str
) -> int | None:
    """Add a revision to a scenario and make it current; return its number (``None``:
    no such scenario). The scenario row is locked first, so that two updates number
    their revisions apart."""
    row = conn.execute(
        sa.select(scenarios.c.current_revision)
        .where(scenarios.c.id == scenario_id)
        .with_for_update()
    ).first()
    if row is None:
        return None
    revision = int(row.current_revision) + 1
    conn.execute(
        scenario_revisions.insert().values(
            scenario_id=scenario_id,
            revision=revision,
            source=source,
            media_type=media_type,
            sha256=sha256(source),
        )
    )
    conn.execute(
        scenarios.update()
        .where(scenarios.c.id == scenario_id)
        .values(name=name, current_revision=revision, updated_at=datetime.now(UTC))
    )
    return revision


def lock(conn: sa.Connection, scenario_id: int) -> sa.Row[Any] | None:
    """A scenario's row, locked until the transaction ends (``SELECT ... FOR UPDATE`` on
    PostgreSQL; SQLite's write transaction holds the whole file), or ``None``."""
    return conn.execute(
        sa.select(scenarios).where(scenarios.c.id == scenario_id).with_for_update()
    ).first()


def get(conn: sa.Connection, scenario_id: int) -> sa.Row[Any] | None:
    """A scenario's row, or ``None``."""
    return conn.execute(sa.select(scenarios).where(scenarios.c.id == scenario_id)).first()


def list_all(conn: sa.Connection) -> list[sa.Row[Any]]:
    """Every scenario, oldest first."""
    return list(conn.execute(sa.select(scenarios).order_by(scenarios.c.id)))


def count(conn: sa.Connection) -> int:
    """How many scenarios there are."""
    return int(conn.execute(sa.select(sa.func.count()).select_from(scenarios)).scalar_one())


def revisions(conn: sa.Connection, scenario_id: int) -> list[sa.Row[Any]]:
    """A scenario's revisions without their text, oldest first."""
    columns = [c for c in scenario_revisions.c if c.name != "source"]
    return list(
        conn.execute(
            sa.select(*columns)
            .where(scenario_revisions.c.scenario_id == scenario_id)
            .order_by(scenario_revisions.c.revision)
        )
    )


def revision(conn: sa.Connection, scenario_id: int, number: int) -> sa.Row[Any] | None:
    """One revision with its text, or ``None``."""
    return conn.execute(
        sa.select(scenario_revisions).where(
            scenario_revisions.c.scenario_id == scenario_id,
            scenario_revisions.c.revision == number,
        )
    ).first()


def delete(conn: sa.Connection, scenario_id: int) -> bool:
    """Delete a scenario with its revisions, jobs and plans; return whether it existed.

    Raises
    ------
    ScenarioInUse
        When a published version uses it (nothing is deleted).
    """
    row = conn.execute(
        sa.select(scenarios.c.id).where(scenarios.c.id == scenario_id).with_for_update()
    ).first()
    if row is None:
        return False
    published = conn.execute(
        sa.select(sa.func.count())
        .select_from(versions)
        .where(versions.c.scenario_id == scenario_id)
    ).scalar_one()
    if published:
        raise ScenarioInUse(scenario_id)
    conn.execute(plans.delete().where(plans.c.scenario_id == scenario_id))
    conn.execute(jobs.delete().where(jobs.c.scenario_id == scenario_id))
    conn.execute(scenario_revisions.delete().where(scenario_revisions.c.scenario_id == scenario_id))
    conn.execute(scenarios.delete().where(scenarios.c.id == scenario_id))
    return True
