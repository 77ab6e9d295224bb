"""Why a model is infeasible, in planners' words: the pins that cannot be kept."""

from __future__ import annotations

from planner.options import BLOCKERS, first_weeks, static_blocker
from planner.scenario import Scenario
from planner.solver.control import SolveControl, new_solver
from planner.solver.model import BuiltModel


def unmatched_pins(built: BuiltModel) -> str:
    """Explain the pins that no option can meet, one line each."""
    s = built.ctx.scenario
    return "the pinned deliveries cannot be kept:\n" + "\n".join(
        f"  pins[{k}]: {_pin_text(s, k)}: {_pin_blocker(s, k)}" for k in built.unmatched_pins
    )


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
    solver.parameters.max_time_in_seconds = max(1.0, control.params.time_limit / 4)
    with control.running(solver.stop_search):
        solver.solve(ctx.model)
    literal_index = {lit.index: k for k, lit in enumerate(built.pins)}
    core = [
        literal_index[i]
        for i in solver.sufficient_assumptions_for_infeasibility()
        if i in literal_index
    ]
    s = ctx.scenario
    if not core:
        core = list(range(len(s.pins)))
    return (
        "the pinned deliveries cannot all be kept together (they would break a hard rule: "
        "capacity, venue, weekly events, van moves, demand count or a repeated set):\n"
        + "\n".join(f"  pins[{k}]: {_pin_text(s, k)}" for k in sorted(core))
    )


def _pin_text(s: Scenario, k: int) -> str:
    p = s.pins[k]
    return f"{p.product.value} {p.resource!r} at {p.committee!r} from week {p.first_week}"


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
        return f"committee {pin.committee!r} has no demand line for {pin.product.value}"
    reasons = []
    for line in lines:
        blocker = static_blocker(s, line, unit)
        if blocker is not None:
            reasons.append(BLOCKERS[blocker])
        elif pin.first_week not in first_weeks(s, line, unit):
            weeks = range(pin.first_week, pin.first_week + unit.duration)
            closed = sorted(s.closed_weeks(pin.committee).intersection(weeks))
            away = sorted(s.unavailable_weeks(unit.id).intersection(weeks))
            excluded = sorted(set(line.demand.excluded_weeks).intersection(weeks))
            parts = []
            if closed:
                parts.append(f"committee closed in week(s) {closed}")
            if away:
                parts.append(f"{unit.id!r} unavailable in week(s) {away}")
            if excluded:
                parts.append(f"demand line {line.id!r} excludes week(s) {excluded}")
            if weeks.stop - 1 > s.season.weeks:
                parts.append("runs past the end of the season")
            reasons.append("; ".join(parts) or "weeks not available")
    return " / ".join(dict.fromkeys(reasons))
