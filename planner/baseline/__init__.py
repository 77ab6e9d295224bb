"""The spreadsheet baseline: what a careful planner does by hand, run beside the optimiser.

Every KPI report sets the optimiser's plan beside this baseline to show the gain. The
baseline is meant to be honest: it keeps every hard rule, shares resources fairly by
population and does not leave resources idle while someone still asks. It is greedy and
follows fixed rules, which are:

0. **Pins first.** Pinned (already published) deliveries are placed exactly as pinned:
   committee, product, resource, first week, and the pin's demand line (or the
   committee's first line of that product that still has room). A pin naming a set kind
   gets the lowest-numbered copy free in all its weeks. Pins count towards shares.
1. **Shares proportional to population.** For each product, the season's capacity is
   summed over its units: book and board sets ``copies × ⌊available weeks / stay⌋``;
   troupes ``shows_per_week × available weeks`` (at most ``max_shows``); lecturers
   ``sessions_per_week × available weeks``; trainers ``sessions_per_week ×
   ⌊available weeks / course_weeks⌋``. It is split among the committees that asked for
   the product in proportion to population (largest-remainder rounding, ties to the
   earlier committee), each share capped at what the committee asked for; what a cap
   frees is split again among the others (water-filling). Where resources serve only
   one subdistrict (district scenarios), each subdistrict's own resources are split
   among its committees first; the resources serving everyone then top up all
   committees so that their totals come as close to proportional as caps allow.
2. **Round-robin rotation.** Products are planned in a fixed order, long stays first:
   exhibition, book set, fitness course, performance, lecture. Within a product,
   committees take turns in (grid, id) order; on its turn a committee below its share
   gets one delivery: its demand lines are tried in priority order (highest first, then
   scenario order), and the first line that can take one gets the earliest start week,
   then the first resource in scenario order, that keeps every hard rule given what is
   already planned (resource capacity per week and ``max_shows``, set copies, shelf and
   board slots, events per week, van moves per week, no repeated set kind, no duplicate
   delivery, the line's count; closed, excluded and unavailable weeks, themes, venue
   and service area through :func:`planner.options.line_options`). Events are spaced:
   for performances, lectures and courses a start whose weeks hold no event of the
   committee yet is preferred to an earlier one. Sets get the lowest-numbered copy free
   in all the weeks of the stay. Rounds continue until no committee below its share can
   take another delivery.
3. **Leftovers.** When every product has been shared out, a final round-robin pass
   (same product and committee order, same choice of line, week and resource) lets
   committees take any capacity still free, up to what they asked for.
4. **Deterministic.** No randomness; the same scenario always gives the same plan.
"""

from __future__ import annotations

from collections.abc import Sequence

from planner.baseline.shares import PRODUCT_ORDER, baseline_shares, split_shares
from planner.baseline.spreadsheet import plan_baseline

__all__: Sequence[str] = [
    "PRODUCT_ORDER",
    "baseline_shares",
    "plan_baseline",
    "split_shares",
]
