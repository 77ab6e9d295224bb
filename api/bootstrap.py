"""The first start: on an empty database, load the reference scenario, solve it and
publish its plan as version 1, so that the service starts with a published season.

A later start finds the scenario and does nothing. Each step is logged in Chinese (the
service's default language).
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
from api.db.tables import plans
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
        with engine.connect() as conn:
            if scenario_store.count(conn):
                return None
        log.info(_("first start: loading the reference scenario"))
        text = reference_text(settings)
        scenario = parse(text, YAML, "reference")
        with writing(engine) as conn:
            if scenario_store.count(conn):  # another process was first
                return None
            scenario_id = scenario_store.create(conn, scenario.name, text, YAML)
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
        with writing(engine) as conn:
            version = version_store.publish(conn, scenario_id, plan_id, _("first start"))
        version_store.after_publish(engine, version)
        log.info(
            _("first start: published version {n} of {name}").format(
                n=version.number, name=scenario.name
            )
        )
        return plan_id
