"""File formats: scenario YAML and ``deliveries.csv``."""

from planner.io.deliveries_csv import (
    DELIVERY_COLUMNS,
    parse_deliveries,
    plan_frame,
    read_deliveries,
    write_deliveries,
)
from planner.io.scenario_yaml import (
    parse_scenario,
    read_scenario,
    scenario_from_dict,
    scenario_schema,
    write_scenario,
)

__all__ = [
    "DELIVERY_COLUMNS",
    "parse_deliveries",
    "parse_scenario",
    "plan_frame",
    "read_deliveries",
    "read_scenario",
    "scenario_from_dict",
    "scenario_schema",
    "write_deliveries",
    "write_scenario",
]
