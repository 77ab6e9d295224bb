"""Solving a stored scenario revision in this process and storing its plan.

The solve jobs of ``api.jobs`` run in worker processes; this is the path for the first
start without the pool (and for tests that need a plan): read the revision through
:mod:`planner.io`, solve, check the plan with the validator, store plan and report in
one transaction.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from api.db import plans as plan_store
from api.db import scenarios as scenario_store
from api.db.engine import writing
from api.documents import parse
from planner.params import SolveParams


class NoPlan(RuntimeError):
    """The solve ended without a plan (infeasible, or nothing within the time limit)."""


def solve_revision(engine: sa.Engine, scenario_id: int, revision: int, params: SolveParams) -> int:
    """Solve one stored revision and store its plan; return the plan's id.

    Raises
    ------
    LookupError
        When the revision does not exist.
    NoPlan
        When the solve found no plan, or (a bug) the plan breaks a hard rule.
    """
    from planner import solve
    from planner.report import run_settings, solve_report

    with engine.connect() as conn:
        row = scenario_store.revision(conn, scenario_id, revision)
    if row is None:
        raise LookupError(f"no revision {revision} of scenario {scenario_id}")
    scenario = parse(row.source, row.media_type, f"scenario {scenario_id}")
    result = solve(scenario, params)
    if result.plan is None:
        raise NoPlan(result.message)
    run: dict[str, Any] = run_settings(params)
    run["input_sha256"] = row.sha256
    report = solve_report(scenario, result, run=run)
    if report["violations"]:
        raise NoPlan("; ".join(report["violations"]))
    with writing(engine) as conn:
        return plan_store.insert(
            conn, scenario_id=scenario_id, revision=revision, plan=result.plan, report=report
        )
