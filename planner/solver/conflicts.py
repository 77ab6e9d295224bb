"""Why a model is infeasible, in planners' words: the pins that cannot be kept."""

from __future__ import annotations

from planner import wording
from planner.i18n import _
from planner.options import BLOCKERS, first_weeks, static_blocker
from planner.scenario import Scenario
from planner.solver.control import SolveControl, new_solver
from planner.solver.model import BuiltModel


def unmatched_pins(built: BuiltModel) -> str:
    """Explain the pins that no option can meet, one line each."""
    s = built.ctx.scenario
    lines = [
        _("pins[{k}]: {pin}: {why}").format(k=k, pin=wording.pin_text(s, k), why=_pin_blocker(s, k))
        for k in built.unmatched_pins
    ]
    return "\n".join([_(wording.PINS_WITHOUT_OPTION), *(f"  {line}" for line in lines)])


def conflicting_pins(built: BuiltModel, control: SolveControl) -> str:
    """Explain infeasibility by the pins that cannot be kept together.

    Every delivery is optional, so only pins can make a plan impossible. The conflict
    is found with assumptions on a single worker (multi-worker search may not return a
    core).
    """
    ctx = built.ctx
    ctx.model.clear_objective()
    ctx.model.clear_hints()
    solver = new_solver()
    solver.parameters.num_workers = 1
    # Naming the conflict may take a quarter of the limit, but not past its end.
    solver.parameters.max_time_in_seconds = min(
        max(1.0, control.params.time_limit / 4), control.remaining()
    )
    with control.running(solver.stop_search):
        solver.solve(ctx.model)
    literal_index = {lit.index: k for k, lit in enumerate(built.pins)}
    core = [
        literal_index[i]
        for i in solver.sufficient_assumptions_for_infeasibility()
        if i in literal_index
    ]
    s = ctx.scenario
    head = _(wording.PINS_IN_CONFLICT)
    if not core:
        core = list(range(len(s.pins)))
        if control.should_end():
            head = _(wording.PINS_IN_CONFLICT_UNNAMED)
    lines = [_("pins[{k}]: {pin}").format(k=k, pin=wording.pin_text(s, k)) for k in sorted(core)]
    return "\n".join([head, *(f"  {line}" for line in lines)])


def _pin_blocker(s: Scenario, k: int) -> str:
    """Why one pin has no option: the first static rule it breaks."""
    pin = s.pins[k]
    unit = s.resource_units[s.unit_of_copy[pin.resource]]
    lines = [
        line
        for line in s.demand_lines
        if line.committee == pin.committee
        and line.product == pin.product
        and (pin.demand is None or line.id == pin.demand)
    ]
    if not lines:
        return wording.pin_without_line_text(pin.committee, pin.product)
    reasons = []
    for line in lines:
        blocker = static_blocker(s, line, unit)
        if blocker is not None:
            reasons.append(_(BLOCKERS[blocker]))
        elif pin.first_week not in first_weeks(s, line, unit):
            weeks = range(pin.first_week, pin.first_week + unit.duration)
            text = wording.pin_weeks_text(
                closed=s.closed_weeks(pin.committee).intersection(weeks),
                unavailable=s.unavailable_weeks(unit.id).intersection(weeks),
                unit_id=unit.id,
                excluded=set(line.demand.excluded_weeks).intersection(weeks),
                line_id=line.id,
                past_season=weeks.stop - 1 > s.season.weeks,
                off_cycle=s.season.rotation_cycle,
            )
            reasons.append(text)
    return " / ".join(dict.fromkeys(reasons))
