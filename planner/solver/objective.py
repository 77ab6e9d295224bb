"""Goals of the plan, one function per goal; each returns its named term.

The objective maximises the sum of the terms (points); the "why" report of a result is
built from the same list. Weights come from ``scenario.objective``; a zero weight
switches a goal off (its term is empty).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model

from planner.i18n import N_
from planner.scenario import Product, Scenario
from planner.solver.context import GoalTerm, ModelContext

#: Fairness is measured in basis points of coverage (10000 = every line met).
BASIS = 10_000


def coverage(ctx: ModelContext) -> GoalTerm:
    """Population- and priority-weighted coverage, in percentage points.

    Each delivery adds ``100 × pop_c × prio_l / (P × R_c)`` percent, where ``R_c`` is the
    committee's Σ priority × requested and ``P`` the total population; the demand limit
    keeps this equal to the headline coverage of docs/domain.md.
    """
    term = GoalTerm("coverage", N_("population- and priority-weighted coverage (per % point)"))
    if not ctx.scenario.objective.coverage:
        return term
    # Worked out once per line (the same float for every option of the line).
    points = coverage_points(ctx.scenario)
    _add_each(term, ctx, [points[o.line_id] for o in ctx.options])
    return term


def coverage_points(s: Scenario) -> dict[str, float]:
    """The coverage points of one delivery of each demand line (by line id)."""
    weight = s.objective.coverage
    requests: dict[str, float] = defaultdict(float)
    for line in s.demand_lines:
        requests[line.committee] += line.demand.priority * line.demand.count
    total = s.total_population
    points: dict[str, float] = {}
    for line in s.demand_lines:
        c = s.committee_by_id[line.committee]
        share = c.population / total if total else 1 / len(s.committees)
        points[line.id] = weight * 100 * share * line.demand.priority / requests[c.id]
    return points


def _add_each(term: GoalTerm, ctx: ModelContext, points: list[float]) -> None:
    """``term.add(ctx.x[i], points[i])`` for every option ``i``, in option order."""
    term.coeffs.extend((x, p) for x, p in zip(ctx.x, points, strict=True) if p)


@dataclass(frozen=True)
class Service:
    """What one committee asks for and which options serve it, in model units.

    Attributes
    ----------
    committee_id
        The committee.
    request
        Σ priority × count over its lines that some option can serve (priorities in
        hundredths).
    options, coeffs
        The options of those lines and what each adds to ``served``: the line's
        priority (in hundredths) times BASIS, so that ``served / request`` is the
        committee's coverage in basis points.
    """

    committee_id: str
    request: int
    options: list[int]
    coeffs: list[int]

    def served(self, ctx: ModelContext) -> cp_model.LinearExpr:
        """What the plan serves, as an expression of the option variables."""
        return cp_model.LinearExpr.weighted_sum([ctx.x[i] for i in self.options], self.coeffs)

    def served_in(self, values: list[int], ctx: ModelContext) -> int:
        """What a solution (one value per model variable) serves."""
        pairs = zip(self.options, self.coeffs, strict=True)
        return sum(c * values[ctx.x[i].index] for i, c in pairs)

    def coverage_bp(self, values: list[int], ctx: ModelContext) -> int:
        """The committee's coverage in a solution, in whole basis points (rounded down)."""
        return self.served_in(values, ctx) // self.request


def services(ctx: ModelContext) -> list[Service]:
    """Each committee's attainable request and the options that serve it.

    Lines no option can serve are left out (they would pin the minimum at 0 and make
    the fairness goals inert); they are reported as unmet with their reason instead.
    Committees with no such line are left out too.
    """
    s = ctx.scenario
    prio = {line.id: round(line.demand.priority * 100) for line in s.demand_lines}
    lines_of: dict[str, list[str]] = defaultdict(list)
    for line in s.demand_lines:
        if ctx.by_line.get(line.id):
            lines_of[line.committee].append(line.id)
    out = []
    for committee_id, line_ids in lines_of.items():
        request = sum(prio[lid] * s.demand_by_id[lid].demand.count for lid in line_ids)
        options = [i for lid in line_ids for i in ctx.by_line[lid]]
        coeffs = [prio[lid] * BASIS for lid in line_ids for _ in ctx.by_line[lid]]
        out.append(Service(committee_id, request, options, coeffs))
    return out


def committee_service(ctx: ModelContext) -> list[tuple[str, int, cp_model.LinearExpr]]:
    """Each committee's attainable request and what the plan serves of it.

    Returns ``(committee id, request, served)`` for each :class:`Service` of
    :func:`services`, ``served`` as an expression, so that ``served / request`` is
    the committee's coverage in basis points.
    """
    return [(v.committee_id, v.request, v.served(ctx)) for v in services(ctx)]


def keep_served(ctx: ModelContext, served: Mapping[str, int]) -> int:
    """Keep what each committee is served at least at ``served`` (Service units).

    Used with the spreadsheet baseline's plan (``objective.keep_baseline_coverage``):
    a plan that meets every added constraint is known (the fallback of the solve), so
    they never make the model infeasible. Returns the number of constraints added.
    """
    added = 0
    for v in services(ctx):
        floor = served.get(v.committee_id, 0)
        if floor > 0:
            ctx.model.add(v.served(ctx) >= floor)
            added += 1
    return added


def fairness_level(ctx: ModelContext) -> cp_model.IntVar | None:
    """A variable bounded by every committee's attainable coverage, in basis points."""
    service = committee_service(ctx)
    if not service:
        return None
    z = ctx.model.new_int_var(0, BASIS, "min_coverage_bp")
    for _committee_id, request, served in service:
        ctx.model.add(z * request <= served)
    return z


def fairness(ctx: ModelContext) -> GoalTerm:
    """The worst-served committee's attainable coverage, in percentage points."""
    term = GoalTerm("fairness", N_("lowest committee coverage (per % point)"))
    if ctx.fairness_var is not None:
        term.add(ctx.fairness_var, ctx.scenario.objective.fairness / 100)
    return term


def shortfall(ctx: ModelContext) -> GoalTerm:
    """Each committee's coverage below ``objective.shortfall_target`` (a penalty).

    Separable over committees, so it raises every committee below the target and
    keeps the LP tight. Lines no option can serve are left out (see
    :func:`committee_service`).
    """
    s = ctx.scenario
    term = GoalTerm("shortfall", N_("committee coverage below the target (penalty per % point)"))
    weight = s.objective.shortfall
    target = s.objective.shortfall_target
    if not weight or target <= 0:
        return term
    goal = round(target * BASIS)
    rows = services(ctx)
    ctx.shortfall_hull = MAX_ROUNDING_CUTS > 0 and all(len(set(v.coeffs)) == 1 for v in rows)
    for v in rows:
        # short × request ≥ goal × request − served, in basis points of coverage.
        request = v.request
        short = ctx.model.new_int_var(0, goal, f"short_{v.committee_id}")
        ctx.committee_of_var[short.index] = v.committee_id
        ctx.model.add(short * request >= goal * request - v.served(ctx))
        # The same row rounded to whole deliveries: cuts no plan, tightens the LP.
        xs = [ctx.x[i] for i in v.options]
        for coeffs, rhs in rounding_cuts(v.coeffs, goal * request):
            ctx.model.add(short * request + cp_model.LinearExpr.weighted_sum(xs, coeffs) >= rhs)
        term.add(short, -weight / 100)
    return term


#: At most this many rounding cuts per committee (one per distinct coefficient of its
#: coverage row, the most frequent first).
MAX_ROUNDING_CUTS = 3


def rounding_cuts(coeffs: list[int], rhs: int) -> list[tuple[list[int], int]]:
    """Mixed-integer rounding cuts of a shortfall row ``request·short + Σ a_i·x_i ≥ rhs``.

    The row holds for whole deliveries ``x_i ≥ 0`` and any ``short ≥ 0``; its LP
    relaxation lets a committee be served a fraction of a delivery, and so reach the
    target with, say, 5.4 of the 6 deliveries it needs. For a divisor ``δ`` (one of the
    coefficients), with ``r = rhs mod δ > 0``, the mixed-integer rounding inequality
    (Nemhauser and Wolsey, *Integer and Combinatorial Optimization*, 1988;
    Marchand and Wolsey, *Operations Research* 49(3), 2001)

        request·short + Σ (r·⌊a_i/δ⌋ + min(a_i mod δ, r))·x_i ≥ r·(⌊rhs/δ⌋ + 1)

    holds at every point of the row with whole ``x`` (it is the row divided by ``δ``
    and rounded, multiplied back by ``r``), so adding it removes no plan. When every
    coefficient is ``δ`` (one priority for all of a committee's lines) it is the line
    through the row's last two whole-delivery points, ``k₀ = ⌊rhs/δ⌋`` deliveries
    short by ``r`` and ``k₀ + 1`` deliveries short by nothing: with the row and
    ``short ≥ 0`` it is the row's convex hull. ``tests/solver/test_rounding_cuts.py``
    checks every whole point of small rows.

    Parameters
    ----------
    coeffs
        The coefficients ``a_i`` (integers ≥ 0; 0 is never a divisor).
    rhs
        The right-hand side (``goal × request``).

    Returns
    -------
    list of (coefficients, right-hand side)
        One cut per distinct positive coefficient ``δ`` with ``rhs mod δ > 0``, at most
        :data:`MAX_ROUNDING_CUTS`, the most frequent coefficients first; the
        coefficients are those of the ``x_i`` in order (``request·short`` is the same in
        every cut).
    """
    cuts: list[tuple[list[int], int]] = []
    if rhs <= 0:
        return cuts
    for delta, _n in Counter(coeffs).most_common():
        if len(cuts) >= MAX_ROUNDING_CUTS:
            break
        # (A priority may round to 0 hundredths: no divisor.)
        r = rhs % delta if delta > 0 else 0
        if r == 0:
            continue
        cut = [r * (a // delta) + min(a % delta, r) for a in coeffs]
        cuts.append((cut, r * (rhs // delta + 1)))
    return cuts


def travel(ctx: ModelContext) -> GoalTerm:
    """Kilometres travelled by troupes, lecturers, trainers and the van (a penalty)."""
    term = GoalTerm("travel", N_("road km travelled (penalty per km)"))
    weight = ctx.scenario.objective.travel
    if not weight:
        return term
    committee_of_line = ctx.committee_of_line
    delivery_km = ctx.distances.delivery_km
    km = [delivery_km(o.unit_id, committee_of_line[o.line_id]) for o in ctx.options]
    _add_each(term, ctx, [-weight * k for k in km])
    return term


def spread(ctx: ModelContext) -> GoalTerm:
    """Events beyond one in a committee-week (a penalty)."""
    term = GoalTerm(
        "spread", N_("events beyond one in a committee-week (penalty each)"), level="secondary"
    )
    weight = ctx.scenario.objective.spread
    if not weight:
        return term
    terms = ctx.week_terms("event")
    for (committee_id, week), idx in ctx.events.items():
        if len(idx) < 2:
            continue
        excess = ctx.model.new_int_var(0, len(idx) - 1, f"excess_{committee_id}_{week}")
        ctx.committee_of_var[excess.index] = committee_id
        ctx.model.add(excess >= cp_model.LinearExpr.sum(terms[(committee_id, week)]) - 1)
        term.add(excess, -weight)
    return term


def variety(ctx: ModelContext) -> GoalTerm:
    """Distinct themes each committee receives within each product."""
    term = GoalTerm(
        "variety", N_("distinct (product, theme) pairs per committee (each)"), level="secondary"
    )
    weight = ctx.scenario.objective.variety
    if not weight:
        return term
    groups: dict[tuple[str, Product, str], list[int]] = defaultdict(list)
    units = ctx.scenario.resource_units
    for i, o in enumerate(ctx.options):
        groups[(ctx.committee(i), units[o.unit_id].product, o.theme)].append(i)
    got_by_pair: dict[tuple[str, Product], list[cp_model.IntVar]] = defaultdict(list)
    options_by_pair: dict[tuple[str, Product], list[int]] = defaultdict(list)
    for (committee_id, product, theme), idx in groups.items():
        got = ctx.model.new_bool_var(f"variety_{committee_id}_{product.value}_{theme}")
        ctx.committee_of_var[got.index] = committee_id
        ctx.model.add(got <= ctx.sum(idx))
        got_by_pair[(committee_id, product)].append(got)
        options_by_pair[(committee_id, product)].extend(idx)
        term.add(got, weight)
    # Implied, but it gives the search a bound: no more distinct themes than deliveries.
    for pair, gots in got_by_pair.items():
        if len(gots) > 1:
            ctx.model.add(cp_model.LinearExpr.sum(gots) <= ctx.sum(options_by_pair[pair]))
    return term


def preference(ctx: ModelContext) -> GoalTerm:
    """Deliveries that start in a week their demand line prefers."""
    term = GoalTerm("preference", N_("deliveries starting in a preferred week (each)"))
    weight = ctx.scenario.objective.preference
    if not weight:
        return term
    for i, o in enumerate(ctx.options):
        if o.first_week in ctx.scenario.demand_by_id[o.line_id].demand.preferred_weeks:
            term.add(ctx.x[i], weight)
    return term


def fixtures(ctx: ModelContext) -> GoalTerm:
    """Deliveries a fixture favours (its product and themes, starting in its weeks)."""
    term = GoalTerm("fixtures", N_("deliveries favoured by a season fixture (each × bonus)"))
    s = ctx.scenario
    weight = s.objective.fixtures
    favoured = [f for f in s.season.fixtures if f.product is not None and f.bonus > 0]
    if not weight or not favoured:
        return term
    units = s.resource_units
    # The same sum, in the same order, for every option of one product, week and theme.
    points: dict[tuple[Product, int, str], float] = {}
    out = []
    for o in ctx.options:
        product = units[o.unit_id].product
        key = (product, o.first_week, o.theme)
        p = points.get(key)
        if p is None:
            bonus = sum(
                f.bonus
                for f in favoured
                if f.product == product
                and o.first_week in f.weeks
                and (not f.themes or o.theme in f.themes)
            )
            p = points[key] = weight * bonus
        out.append(p)
    _add_each(term, ctx, out)
    return term


#: The goals, in report order; the objective is the sum of their terms.
GOALS: list[Callable[[ModelContext], GoalTerm]] = [
    coverage,
    fairness,
    shortfall,
    travel,
    spread,
    variety,
    preference,
    fixtures,
]
