"""The baselines: what a careful planner does by hand, and a greedy plan, run beside the optimiser.

Every KPI report sets the optimiser's plan beside two baselines, and states its gains
against the better of them by objective points (:mod:`planner.baseline.compare`). Both
keep every hard rule; both are deterministic. The greedy baseline's rules are in
:mod:`planner.baseline.greedy`. The spreadsheet baseline (:func:`plan_baseline`) is
meant to be an honest careful planner: it shares resources fairly by population, puts
things where the calendar wants them, and does not leave resources idle while someone
still asks. Its rules are:

0. **Pins first.** Pinned (already published) deliveries are placed exactly as pinned:
   committee, product, resource, first week, and the pin's demand line (or the
   committee's first line of that product that still has room). A pin naming a set kind
   gets the lowest-numbered copy free in all its weeks. Pins count towards shares.
1. **Shares proportional to population.** For each product, the season's capacity is
   what its units can actually deliver: book and board sets ``copies ×`` the stays that
   fit in runs of consecutive available weeks; troupes ``shows_per_week × available
   weeks`` (at most ``max_shows``); lecturers ``sessions_per_week × available weeks``;
   trainers ``sessions_per_week ×`` the courses that fit in runs of available weeks;
   exhibitions at most the van's ``moves_per_week ×`` the season's open weeks
   (:func:`planner.capacity.product_deliverable`). It is split among the committees
   that asked for the product in proportion to population (largest-remainder rounding,
   ties to the earlier committee), each share capped at what the committee asked for;
   what a cap frees is split again among the others (water-filling). Where resources
   serve only one subdistrict (district scenarios), each subdistrict's own resources
   are split among its committees first; the resources serving everyone then top up all
   committees so that their totals come as close to proportional as caps allow.
2. **Round-robin rotation.** Products are planned in a fixed order, long stays first:
   exhibition, book set, fitness course, performance, lecture. Within a product,
   committees take turns in (grid, id) order; on its turn a committee below its share
   gets one delivery: its demand lines are tried in priority order (highest first, then
   scenario order), and the first line that can take one gets the first option, in
   this order, that keeps every hard rule given what is already planned (resource
   capacity per week and ``max_shows``, set copies, shelf and board slots, events per
   week, van moves per week, no repeated set kind, no duplicate delivery, the line's
   count; closed, excluded and unavailable weeks, themes, venue and service area
   through :func:`planner.options.line_options`):

   a. a start in a week of a season fixture that favours the product (and the theme),
      then a week the line prefers, then any other week;
   b. within that, the nearest resource (road km of :class:`planner.network.Distances`,
      the travel the objective counts; book sets travel with the regular rotation and
      board sets with the van, so for them all are equally near);
   c. then the earliest start week, then the resource listed first.

   Exhibitions stagger the van's installs: within the best week class of (a), the start
   week with the fewest installs so far comes first, then (b) and (c). Events are
   spaced: for performances, lectures and courses the first option whose weeks hold no
   event of the committee yet is preferred to an earlier one. Sets get the
   lowest-numbered copy free in all the weeks of the stay. Rounds continue until no
   committee below its share can take another delivery.
3. **Leftovers.** When every product has been shared out, a final round-robin pass
   (same product and committee order, same choice of line, week and resource) lets
   committees take any capacity still free, up to what they asked for.
4. **Deterministic.** No randomness; the same scenario always gives the same plan.
"""

from __future__ import annotations

from collections.abc import Sequence

from planner.baseline.compare import BASELINE_NAMES, Baselines, plan_baselines, plan_points
from planner.baseline.greedy import plan_greedy
from planner.baseline.shares import PRODUCT_ORDER, baseline_shares, split_shares
from planner.baseline.spreadsheet import plan_baseline

__all__: Sequence[str] = [
    "BASELINE_NAMES",
    "PRODUCT_ORDER",
    "Baselines",
    "baseline_shares",
    "plan_baseline",
    "plan_baselines",
    "plan_greedy",
    "plan_points",
    "split_shares",
]
