"""The service's tables (SQLAlchemy Core), one metadata for SQLite and PostgreSQL.

Alembic migrations in ``api/db/migrations`` create exactly these tables; a test compares
the migrated schema with this metadata. Times are timezone-aware UTC. JSON columns hold
what the library already writes (the scenario's source text stays as it was sent).

Ids are never reused, not even after a delete: on SQLite the tables with an ``id`` are
``AUTOINCREMENT`` (``sqlite_autoincrement``), on PostgreSQL sequences never go back.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

_now = sa.func.current_timestamp()

#: A scenario: one season of one culture centre. Its content lives in its revisions.
scenarios = sa.Table(
    "scenarios",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("current_revision", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
    sqlite_autoincrement=True,
)

#: Every text a scenario has had; an update adds a revision, none is ever changed.
scenario_revisions = sa.Table(
    "scenario_revisions",
    metadata,
    sa.Column(
        "scenario_id",
        sa.Integer,
        sa.ForeignKey("scenarios.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("revision", sa.Integer, primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("media_type", sa.String(64), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
)

#: Solve jobs. ``state``: queued, running, finished, failed, cancelled.
jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("scenario_id", sa.Integer, nullable=False, index=True),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("params", sa.JSON, nullable=False),
    sa.Column("progress", sa.JSON, nullable=True),
    sa.Column("cancel_requested", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("error", sa.Text, nullable=True),
    sa.Column("retry_of", sa.Integer, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    # How the solve that found the job's plan ended, in the library's words (0004).
    sa.Column("message", sa.Text, nullable=True),
    # What the solve did otherwise than asked: catalogue messages (0005).
    sa.Column("notes", sa.JSON, nullable=True),
    sqlite_autoincrement=True,
)

#: A plan a job found (or a hand-made plan later). Written whole, once, after the
#: validator passed it: ``deliveries`` is the list of deliveries, ``report`` the
#: ``kpis.json`` content (KPIs, baselines, terms, unmet demand, violations).
plans = sa.Table(
    "plans",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("job_id", sa.Integer, nullable=True, unique=True),
    sa.Column("scenario_id", sa.Integer, nullable=False, index=True),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("stop_reason", sa.String(32), nullable=True),
    sa.Column("objective", sa.Float, nullable=True),
    sa.Column("bound", sa.Float, nullable=True),
    sa.Column("gap", sa.Float, nullable=True),
    sa.Column("deliveries", sa.JSON, nullable=False),
    sa.Column("report", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
    sqlite_autoincrement=True,
)

#: Published versions: immutable, numbered 1, 2, ... within a scenario's season.
versions = sa.Table(
    "versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("scenario_id", sa.Integer, nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id"), nullable=False),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("published_by", sa.Integer, nullable=True),
    sa.Column("published_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
    sa.UniqueConstraint("scenario_id", "number", name="uq_versions_scenario_number"),
    sqlite_autoincrement=True,
)

#: Access tokens, stored as SHA-256 of the secret. ``role``: planner, analyst, committee;
#: a committee token names its committee.
tokens = sa.Table(
    "tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("hash", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("committee_id", sa.String(64), nullable=True),
    sa.Column("label", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    sqlite_autoincrement=True,
)

#: Each committee's calendar of a scenario, as of the scenario's latest version: built
#: inside the publish transaction (the JSON form), its iCalendar and page forms right
#: after (``NULL`` until then; rebuilt on demand from the stored versions). ``etag``
#: columns hold the SHA-256 of their bytes; ``language`` the catalogue language of the
#: texts; ``version`` the number of the scenario's version it reflects.
committee_calendars = sa.Table(
    "committee_calendars",
    metadata,
    sa.Column(
        "scenario_id",
        sa.Integer,
        sa.ForeignKey("scenarios.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("committee_id", sa.String(64), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("language", sa.String(16), nullable=False),
    sa.Column("json", sa.LargeBinary, nullable=False),
    sa.Column("json_etag", sa.String(64), nullable=False),
    sa.Column("ics", sa.LargeBinary, nullable=True),
    sa.Column("ics_etag", sa.String(64), nullable=True),
    sa.Column("html", sa.LargeBinary, nullable=True),
    sa.Column("html_etag", sa.String(64), nullable=True),
    sa.Column("built_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
    sa.Index("ix_committee_calendars_committee_id", "committee_id"),
)
