"""The solver-free validator: every broken hard rule of ``docs/rules.md``.

This package is the independent check of the solver, so it imports no solver and shares
none of its logic: each rule of the "Hard rules" tables is re-stated here with plain
loops and counters, straight from the tables. From the project it imports only the
scenario, the plan and the wording.

Layout
------
* :mod:`~planner.validate.core`: :class:`Violation`, the resolution of references and
  the helpers every check shares.
* one module per group of rules in ``docs/rules.md``:
  :mod:`~planner.validate.references`, :mod:`~planner.validate.capacity`,
  :mod:`~planner.validate.calendar`, :mod:`~planner.validate.venues`,
  :mod:`~planner.validate.season`.
* :mod:`~planner.validate.checks`: the ordered list of checks, :func:`check_plan` and
  :func:`assert_valid`.

Conventions
-----------
* A delivery with a ``known_reference`` problem (unknown committee, resource or demand
  line; a resource of another product; a demand line of another committee or product)
  is reported once under that rule and left out of every other check, whose results
  would be meaningless for it.
* Checks that look week by week (capacity, unavailable and closed weeks, venue slots,
  events per week, …) look at the occupied weeks inside the season; weeks outside it
  are reported by ``within_season``.
* The output is sorted by the order of the rules in the tables, then by message.
"""

from __future__ import annotations

from planner.validate.checks import RULES, assert_valid, check_plan
from planner.validate.core import Violation

__all__ = ["RULES", "Violation", "assert_valid", "check_plan"]
