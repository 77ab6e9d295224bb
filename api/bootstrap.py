"""The first start: on an empty database, load the reference scenario, solve it and
publish its plan as version 1, so that the service starts with a published season.

A first start that did not finish (the service killed mid-solve) is taken up again by
the next start: while the database holds only the bootstrap scenario, unchanged and
never published, its row is reused (and a plan already found for it published). A start
that finds anything else does nothing. Each step is logged in Chinese (the service's
default language).
"""

from __future__ import annotations

import importlib
import logging
import tempfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from api.db import scenarios as scenario_store
from api.db import versions as version_store
from api.db.engine import writing
from api.db.tables import plans, scenarios, versions
from api.documents import YAML
from api.settings import Settings
from planner.i18n import _, use_language
from planner.params import SolveParams

log = logging.getLogger("cultplan.api")

#: The bundled reference scenario beside the package (a source checkout).
REFERENCE_FILE = (
    Path(__file__).resolve().parent.parent / "scenarios" / "wujiaochang-2027-spring.yaml"
)


def reference_text(settings: Settings) -> str:
    """The text of the scenario loaded on first start: ``settings.bootstrap_scenario``,
    else the bundled reference file, else the reference scenario written anew by
    :func:`planner.reference_scenario` (the same scenario)."""
    if settings.bootstrap_scenario is not None:
        return settings.bootstrap_scenario.read_text(encoding="utf-8")
    if REFERENCE_FILE.is_file():
        return REFERENCE_FILE.read_text(encoding="utf-8")
    from planner import reference_scenario, write_scenario

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "reference.yaml"
        write_scenario(reference_scenario(), path)
        return path.read_text(encoding="utf-8")


def _solve_in_pool(
    pool: Any, engine: sa.Engine, scenario_id: int, params: SolveParams
) -> int | None:
    store = importlib.import_module("api.jobs.store")
    with writing(engine) as conn:
        job_id = store.create(
            conn,
            scenario_id,
            1,
            {
                "time_limit": params.time_limit,
                "seed": params.seed,
                "workers": params.workers,
                "relative_gap": params.relative_gap,
                "decompose": params.decompose,
            },
        )
    pool.submit(job_id)
    pool.wait(job_id, timeout=params.time_limit * 4 + 60)
    with engine.connect() as conn:
        plan_id = conn.execute(sa.select(plans.c.id).where(plans.c.job_id == job_id)).scalar()
    return None if plan_id is None else int(plan_id)


def bootstrap(settings: Settings, engine: sa.Engine, pool: Any | None = None) -> int | None:
    """Load, solve and publish the reference scenario on an empty database.

    Returns
    -------
    int or None
        The published version's plan id, or ``None`` when there was nothing to do (the
        database has scenarios) or the solve found no plan (logged).
    """
    from api.documents import parse
    from api.solving import NoPlan, solve_revision

    with use_language(settings.language):
        text = reference_text(settings)
        with engine.connect() as conn:
            if scenario_store.count(conn) and _unfinished(conn, text) is None:
                return None
        log.info(_("first start: loading the reference scenario"))
        scenario = parse(text, YAML, "reference")
        with writing(engine) as conn:
            if scenario_store.count(conn):
                found = _unfinished(conn, text)
                if found is None:  # another process was first, or finished it
                    return None
                scenario_id = found
            else:
                scenario_id = scenario_store.create(conn, scenario.name, text, YAML)
            plan_id = conn.execute(
                sa.select(sa.func.max(plans.c.id)).where(
                    plans.c.scenario_id == scenario_id, plans.c.revision == 1
                )
            ).scalar()
        if plan_id is not None:  # the earlier start solved it but did not publish
            return _publish(engine, scenario_id, int(plan_id), scenario.name)
        params = SolveParams(time_limit=settings.bootstrap_time_limit, seed=0, workers=2)
        log.info(
            _("first start: solving {name} (at most {seconds:g} s)").format(
                name=scenario.name, seconds=params.time_limit
            )
        )
        try:
            if pool is not None:
                plan_id = _solve_in_pool(pool, engine, scenario_id, params)
            else:
                plan_id = solve_revision(engine, scenario_id, 1, params)
        except NoPlan as exc:
            log.error(_("first start: no plan was found: {reason}").format(reason=exc))
            return None
        if plan_id is None:
            log.error(_("first start: no plan was found: {reason}").format(reason="-"))
            return None
        return _publish(engine, scenario_id, plan_id, scenario.name)


def _unfinished(conn: sa.Connection, text: str) -> int | None:
    """The id of the bootstrap scenario an earlier first start left unpublished: the
    database's only scenario, at its first revision, holding ``text``, with no version
    published anywhere; else ``None``."""
    rows = list(conn.execute(sa.select(scenarios.c.id, scenarios.c.current_revision).limit(2)))
    if len(rows) != 1 or rows[0].current_revision != 1:
        return None
    if conn.execute(sa.select(versions.c.id).limit(1)).first() is not None:
        return None
    first = scenario_store.revision(conn, rows[0].id, 1)
    if first is None or first.sha256 != scenario_store.sha256(text):
        return None
    return int(rows[0].id)


def _publish(engine: sa.Engine, scenario_id: int, plan_id: int, name: str) -> int:
    """Publish the bootstrap plan as version 1 and return the plan's id."""
    with writing(engine) as conn:
        version = version_store.publish(conn, scenario_id, plan_id, _("first start"))
    version_store.after_publish(engine, version)
    log.info(_("first start: published version {n} of {name}").format(n=version.number, name=name))
    return plan_id
