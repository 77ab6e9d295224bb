"""Plans: written whole, once (by a solve job or the first start), read by id."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from api.db.tables import plans
from planner.plan import Delivery, Plan
from planner.scenario import Product


def deliveries_json(plan: Plan) -> list[dict[str, Any]]:
    """A plan's deliveries as JSON objects (``planner.plan.Delivery`` fields)."""
    return [
        {
            "committee_id": d.committee_id,
            "product": d.product.value,
            "resource_id": d.resource_id,
            "first_week": d.first_week,
            "last_week": d.last_week,
            "demand_id": d.demand_id,
            "theme": d.theme,
        }
        for d in plan
    ]


def plan_of(deliveries: list[dict[str, Any]]) -> Plan:
    """The plan of stored deliveries (the inverse of :func:`deliveries_json`)."""
    return Plan.of(
        Delivery(
            committee_id=d["committee_id"],
            product=Product(d["product"]),
            resource_id=d["resource_id"],
            first_week=int(d["first_week"]),
            last_week=int(d["last_week"]),
            demand_id=d["demand_id"],
            theme=d.get("theme", ""),
        )
        for d in deliveries
    )


def insert(
    conn: sa.Connection,
    *,
    scenario_id: int,
    revision: int,
    plan: Plan,
    report: dict[str, Any],
    job_id: int | None = None,
) -> int:
    """Store a plan with its report (``planner.report.solve_report``); return its id."""
    return int(
        conn.execute(
            plans.insert()
            .values(
                job_id=job_id,
                scenario_id=scenario_id,
                revision=revision,
                status=report["status"],
                stop_reason=report.get("stop_reason"),
                objective=report.get("objective"),
                bound=report.get("best_bound"),
                gap=report.get("gap"),
                deliveries=deliveries_json(plan),
                report=report,
            )
            .returning(plans.c.id)
        ).scalar_one()
    )


def get(conn: sa.Connection, plan_id: int) -> sa.Row[Any] | None:
    """A plan's row, or ``None``."""
    return conn.execute(sa.select(plans).where(plans.c.id == plan_id)).first()


def list_for(conn: sa.Connection, scenario_id: int | None = None) -> list[sa.Row[Any]]:
    """Plans without their deliveries and report, newest first (of one scenario if given)."""
    columns = [c for c in plans.c if c.name not in ("deliveries", "report")]
    query = sa.select(*columns).order_by(plans.c.id.desc())
    if scenario_id is not None:
        query = query.where(plans.c.scenario_id == scenario_id)
    return list(conn.execute(query))
