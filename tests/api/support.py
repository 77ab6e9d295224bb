"""Helpers of the service's tests: small scenario texts and a stored, solved plan."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
import yaml

from api.db import scenarios as scenario_store
from api.db.engine import writing
from api.solving import solve_revision
from planner.params import SolveParams
from tests.factories import ask, base_data, book_set, troupe

#: The solve parameters of the service's tests: two workers, a fixed seed, short.
PARAMS = SolveParams(workers=2, seed=1, time_limit=10.0)


def small_data(committees: int = 2) -> dict[str, Any]:
    """A small scenario: 4 weeks, committees C1.., a book set and a troupe; each committee
    asks for 3 shows, more than the troupe's one show a week can give."""
    data = base_data(weeks=4, committees=committees)
    data["resources"] = {"book_sets": [book_set()], "troupes": [troupe()]}
    data["demand"] = [
        ask(f"C{i}", "performance", 3, themes=["越剧"]) for i in range(1, committees + 1)
    ]
    data["demand"] += [ask("C1", "book_set", 1, themes=["文学"])]
    return data


def small_yaml(committees: int = 2, name: str | None = None) -> str:
    """:func:`small_data` as YAML text."""
    data = small_data(committees)
    if name is not None:
        data["name"] = name
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def small_json(committees: int = 2) -> str:
    """:func:`small_data` as JSON text."""
    return json.dumps(small_data(committees), ensure_ascii=False)


def stored_plan(
    engine: sa.Engine, text: str | None = None, params: SolveParams = PARAMS
) -> tuple[int, int]:
    """Store a small scenario (or ``text``), solve it in this process with ``params``;
    return ``(scenario_id, plan_id)``."""
    with writing(engine) as conn:
        scenario_id = scenario_store.create(conn, "small", text or small_yaml(), "application/yaml")
    return scenario_id, solve_revision(engine, scenario_id, 1, params)
