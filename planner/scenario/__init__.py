"""The scenario: the records of the file format, the units the planner plans with, and
the checks that find every problem of a scenario at once.

- :mod:`planner.scenario.records`: the pydantic records (one per part of the file);
- :mod:`planner.scenario.units`: demand lines and resource units, resolved from records;
- :mod:`planner.scenario.line_ids`: demand-line ids, explicit or derived from content;
- :mod:`planner.scenario.model`: :class:`Scenario` and its lookups;
- :mod:`planner.scenario.problems`: cross-reference problems and :class:`ScenarioError`;
- :mod:`planner.scenario.salvage`: the checks that still run beside field problems;
- :mod:`planner.scenario.field_errors`: field problems in the planner's words, and the
  key a misspelt one stands for;
- :mod:`planner.scenario.repeats`: references to one unknown id as one problem;
- :mod:`planner.scenario.field_docs`: the description of every record and field;
- :mod:`planner.scenario.messages`: the texts of input problems, the id pattern and the
  limits of a scenario file.
"""

from planner.scenario.model import Scenario
from planner.scenario.problems import (
    SCENARIO_CHECKS,
    Loc,
    Problem,
    ScenarioError,
    format_loc,
    scenario_problems,
)
from planner.scenario.records import (
    EVENT_PRODUCTS,
    STAY_PRODUCTS,
    BoardSet,
    BookSet,
    Committee,
    Demand,
    Fixture,
    Grid,
    Lecturer,
    Location,
    Network,
    NonNegInt,
    Objective,
    Pin,
    Place,
    PosInt,
    Product,
    Resources,
    Road,
    Season,
    Subdistrict,
    Trainer,
    Troupe,
    Van,
    Venue,
    Week,
)
from planner.scenario.units import DemandLine, ResourceUnit, build_units

__all__ = [
    "EVENT_PRODUCTS",
    "SCENARIO_CHECKS",
    "STAY_PRODUCTS",
    "BoardSet",
    "BookSet",
    "Committee",
    "Demand",
    "DemandLine",
    "Fixture",
    "Grid",
    "Lecturer",
    "Loc",
    "Location",
    "Network",
    "NonNegInt",
    "Objective",
    "Pin",
    "Place",
    "PosInt",
    "Problem",
    "Product",
    "ResourceUnit",
    "Resources",
    "Road",
    "Scenario",
    "ScenarioError",
    "Season",
    "Subdistrict",
    "Trainer",
    "Troupe",
    "Van",
    "Venue",
    "Week",
    "build_units",
    "format_loc",
    "scenario_problems",
]
