"""File formats: scenario YAML, ``deliveries.csv`` and committee calendars."""

from planner.io.calendars import CALENDAR_COLUMNS, committee_calendar, write_calendars
from planner.io.columns import read_output_csv
from planner.io.deliveries_csv import (
    DELIVERY_COLUMNS,
    PlanFile,
    parse_deliveries,
    plan_frame,
    read_deliveries,
    read_plan_file,
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
    "CALENDAR_COLUMNS",
    "DELIVERY_COLUMNS",
    "PlanFile",
    "committee_calendar",
    "parse_deliveries",
    "parse_scenario",
    "plan_frame",
    "read_deliveries",
    "read_output_csv",
    "read_plan_file",
    "read_scenario",
    "scenario_from_dict",
    "scenario_schema",
    "write_calendars",
    "write_deliveries",
    "write_scenario",
]
