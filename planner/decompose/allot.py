"""The master allocation: how the shared capacity is split between the parts.

A shared unit (a district or city troupe, lecturer, trainer or set kind: one with
options in two parts or more) has a capacity per week (and perhaps per season); the
van has its moves per week. The parts are solved apart, so each gets an allotment of
every shared capacity, and the allotments of a week add up to at most the capacity:
the parts' plans, put together, then keep ``resource_capacity`` and ``van_moves``.

The split starts from the whole scenario's fallback baseline plan: each part gets at
least what that plan uses in it, so the plan restricted to a part is a plan of the
part (the part's fallback, and the proof that its guarantees can be kept). What that
plan leaves unused goes, one unit at a time, to the part whose unmet demand presses
hardest on it: the coverage points of its unmet lines that an option of the unit in
that week could serve (each line's points spread over its options), divided by one
plus what the part was already given beyond the baseline there. A capacity no part
presses on is left unallotted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from planner.options import Option
from planner.plan import Plan
from planner.scenario import Product, Scenario
from planner.solver.guide import Allotment

#: The van, as a key of the pressure tables.
VAN = "\0van"


def shared_units(
    scenario: Scenario, options: Mapping[str, Sequence[Option]], part_of: Mapping[str, str]
) -> set[str]:
    """The units with options in two parts or more."""
    parts_of_unit: dict[str, set[str]] = defaultdict(set)
    for line in scenario.demand_lines:
        part = part_of[line.committee]
        for o in options.get(line.id, ()):
            parts_of_unit[o.unit_id].add(part)
    return {u for u, parts in parts_of_unit.items() if len(parts) > 1}


def allot(
    scenario: Scenario,
    part_of: Mapping[str, str],
    options: Mapping[str, Sequence[Option]],
    base: Plan,
) -> dict[str, Allotment]:
    """Each part's allotment of the shared units and the van.

    Parameters
    ----------
    scenario
        The whole scenario.
    part_of
        Each committee's part (its subdistrict).
    options
        Each demand line's options (by line id).
    base
        A plan of the whole scenario that keeps every rule (the fallback baseline's):
        each part is allotted at least what it uses.

    Returns
    -------
    dict[str, Allotment]
        By part; the allotments of every week add up to at most the capacity.
    """
    s = scenario
    units = s.resource_units
    shared = shared_units(s, options, part_of)
    exhibition_parts = {
        part_of[line.committee]
        for line in s.demand_lines
        if line.product == Product.EXHIBITION and options.get(line.id)
    }
    van_shared = len(exhibition_parts) > 1
    parts = sorted(set(part_of.values()))

    # What the base plan uses, by part.
    use: dict[str, Counter[tuple[str, int]]] = {p: Counter() for p in parts}
    season: dict[str, Counter[str]] = {p: Counter() for p in parts}
    delivered: Counter[str] = Counter()
    for d in base:
        p = part_of[d.committee_id]
        delivered[d.demand_id] += 1
        unit_id = d.unit_id(s)
        if unit_id in shared:
            for w in d.weeks:
                use[p][(unit_id, w)] += 1
            season[p][unit_id] += 1
        if van_shared and d.product == Product.EXHIBITION:
            use[p][(VAN, d.first_week)] += 1

    pressure, keys = _pressure(s, part_of, options, delivered, shared, van_shared)

    # Capacity per (unit, week) some option occupies: the unit's, or the van's moves.
    # Every such key gets an allotment in every part (0 for a part given none).
    capacity: dict[tuple[str, int], int] = {}
    for key in keys | {k for table in use.values() for k in table}:
        unit_id, _week = key
        capacity[key] = (
            s.resources.van.moves_per_week if unit_id == VAN else units[unit_id].capacity
        )
    given: dict[str, Counter[tuple[str, int]]] = {p: Counter() for p in parts}
    for key in sorted(capacity):
        left = capacity[key] - sum(use[p][key] for p in parts)
        wanting = [p for p in parts if pressure[p].get(key, 0.0) > 0]
        while left > 0 and wanting:
            best = max(wanting, key=lambda p: (pressure[p][key] / (1 + given[p][key]), p))
            given[best][key] += 1
            left -= 1

    out: dict[str, Allotment] = {}
    for p in parts:
        unit_weeks: dict[tuple[str, int], int] = {}
        van_weeks: dict[int, int] = {}
        for key in capacity:
            amount = use[p][key] + given[p][key]
            if key[0] == VAN:
                van_weeks[key[1]] = amount
            else:
                unit_weeks[key] = amount
        out[p] = Allotment(
            unit_weeks=unit_weeks,
            unit_season=_season_caps(s, shared, parts, p, season, given),
            van_weeks=van_weeks,
        )
    return out


def _pressure(
    s: Scenario,
    part_of: Mapping[str, str],
    options: Mapping[str, Sequence[Option]],
    delivered: Counter[str],
    shared: set[str],
    van_shared: bool,
) -> tuple[dict[str, dict[tuple[str, int], float]], set[tuple[str, int]]]:
    """Per part and (unit, week) or (van, week): the unmet coverage points pressing on it.

    Also every (unit, week) of a shared unit and (van, week) that some option occupies.
    """
    requests: dict[str, float] = defaultdict(float)
    for line in s.demand_lines:
        requests[line.committee] += line.demand.priority * line.demand.count
    total = s.total_population or 1
    out: dict[str, dict[tuple[str, int], float]] = defaultdict(lambda: defaultdict(float))
    keys: set[tuple[str, int]] = set()
    for line in s.demand_lines:
        opts = options.get(line.id, ())
        if not opts:
            continue
        unmet = max(0, line.demand.count - delivered[line.id])
        c = s.committee_by_id[line.committee]
        points = unmet * c.population / total * line.demand.priority / requests[c.id]
        share = points / len(opts)
        table = out[part_of[c.id]]
        for o in opts:
            if o.unit_id in shared:
                for w in range(o.first_week, o.first_week + o.duration):
                    keys.add((o.unit_id, w))
                    if share:
                        table[(o.unit_id, w)] += share
            if van_shared and line.product == Product.EXHIBITION:
                keys.add((VAN, o.first_week))
                if share:
                    table[(VAN, o.first_week)] += share
    return out, keys


def _season_caps(
    s: Scenario,
    shared: set[str],
    parts: list[str],
    part: str,
    season: Mapping[str, Counter[str]],
    given: Mapping[str, Counter[tuple[str, int]]],
) -> dict[str, int]:
    """A part's season cap of each shared unit that has one.

    Each part keeps what the base plan delivers; what is left of the cap is shared in
    proportion to the weekly capacity each part was given beyond the base (largest
    remainders first, ties by part name), so the caps add up to at most the unit's.
    """
    caps: dict[str, int] = {}
    for unit_id in sorted(shared):
        cap = s.resource_units[unit_id].season_max
        if cap is None:
            continue
        left = cap - sum(season[p][unit_id] for p in parts)
        extra = {p: sum(n for (u, _w), n in given[p].items() if u == unit_id) for p in parts}
        weight = sum(extra.values())
        shares = {p: (left * extra[p] / weight if weight else 0.0) for p in parts}
        whole = {p: int(shares[p]) for p in parts}
        rest = left - sum(whole.values())
        for p in sorted(parts, key=lambda p: (-(shares[p] - whole[p]), p))[: max(0, rest)]:
            if extra[p]:
                whole[p] += 1
        caps[unit_id] = season[part][unit_id] + whole[part]
    return caps
