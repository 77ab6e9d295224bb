"""Generated geography: locations within bounds, subdistrict tiles, grids and committees."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from planner.generate.season import _block_weeks
from planner.generate.vocab import _cn
from planner.scenario import Committee, Grid, Location, Place, Venue

#: Bounds of an area: (lat min, lat max, lon min, lon max) in degrees.
Bounds = tuple[float, float, float, float]


def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _scatter(rng: random.Random, n: int, bounds: Bounds, min_sep: float) -> list[Location]:
    """``n`` points in ``bounds``, at least ``min_sep`` degrees apart when possible."""
    lat0, lat1, lon0, lon1 = bounds
    points: list[Location] = []
    for _ in range(n):
        for _attempt in range(60):
            lat, lon = rng.uniform(lat0, lat1), rng.uniform(lon0, lon1)
            if all(math.hypot(lat - q.lat, lon - q.lon) >= min_sep for q in points):
                break
        points.append(Location(lat=round(lat, 5), lon=round(lon, 5)))
    return points


def _near(rng: random.Random, centre: Location, spread: float, bounds: Bounds) -> Location:
    lat0, lat1, lon0, lon1 = bounds
    return Location(
        lat=round(_clip(centre.lat + rng.uniform(-spread, spread), lat0, lat1), 5),
        lon=round(_clip(centre.lon + rng.uniform(-spread, spread) * 1.2, lon0, lon1), 5),
    )


def _split(rng: random.Random, total: int, n: int) -> list[int]:
    """Split ``total`` into ``n`` varied positive parts that sum to it exactly."""
    weights = [rng.uniform(0.55, 1.6) for _ in range(n)]
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    parts = [int(x) for x in raw]
    # Largest remainders get the leftover units; ties by position, so it is deterministic.
    order = sorted(range(n), key=lambda i: (parts[i] - raw[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _extent(bounds: Bounds) -> float:
    """The shorter side of ``bounds`` in degrees: the scale of spacing and spread within."""
    lat0, lat1, lon0, lon1 = bounds
    return min(lat1 - lat0, lon1 - lon0)


def _tiles(rng: random.Random, n: int, bounds: Bounds) -> list[Bounds]:
    """``n`` tiles of a square-ish lattice over ``bounds``, in random order."""
    lat0, lat1, lon0, lon1 = bounds
    side = math.ceil(math.sqrt(n))
    cells = list(range(side * side))
    rng.shuffle(cells)
    dlat, dlon = (lat1 - lat0) / side, (lon1 - lon0) / side
    tiles = []
    for cell in cells[:n]:
        row, col = divmod(cell, side)
        tiles.append(
            (
                lat0 + row * dlat,
                lat0 + (row + 1) * dlat,
                lon0 + col * dlon,
                lon0 + (col + 1) * dlon,
            )
        )
    return tiles


def _grids(
    rng: random.Random, bounds: Bounds, num_grids: int, *, prefix: str, label: str, area: str
) -> list[Grid]:
    """A subdistrict's grids, their sub-centres scattered over the inner part of ``bounds``.

    ``label`` names the sub-centres (``<label>第一分中心`` ...); ``area`` is the grids'
    ``subdistrict``.
    """
    lat0, lat1, lon0, lon1 = bounds
    extent = _extent(bounds)
    margin = extent * 0.12
    inner = (lat0 + margin, lat1 - margin, lon0 + margin, lon1 - margin)
    spots = _scatter(rng, num_grids, inner, extent / (num_grids**0.5 + 1))
    return [
        Grid(
            id=f"{prefix}G{k}",
            name=f"第{_cn(k)}网格",
            subcentre=Place(
                id=f"{prefix}S{k}", name=f"{label}第{_cn(k)}分中心", location=spots[k - 1]
            ),
            subdistrict=area,
        )
        for k in range(1, num_grids + 1)
    ]


def _committees(
    rng: random.Random,
    grids: Sequence[Grid],
    committee_names: Sequence[str],
    population: int,
    bounds: Bounds,
    *,
    prefix: str,
) -> list[Committee]:
    """Committees spread evenly over the grids, placed near their sub-centre.

    ``population`` is split over them in varied parts; venues, elderly shares and events
    per week are drawn per committee.
    """
    num_grids = len(grids)
    n = len(committee_names)
    membership = [k % num_grids for k in range(n)]
    rng.shuffle(membership)
    pops = _split(rng, population, n)
    spread = _extent(bounds) / (num_grids**0.5) / 2.5
    committees: list[Committee] = []
    width = max(2, len(str(n)))
    for i, name in enumerate(committee_names):
        grid = grids[membership[i]]
        audience = rng.choice((40, 50, 60, 80, 80, 100, 120, 150, 200))
        venue = Venue(
            audience_capacity=audience,
            stage=rng.random() < (0.75 if audience >= 80 else 0.25),
            fitness_floor=rng.random() < 0.85,
            shelf_slots=rng.choices((1, 2, 3), (20, 45, 35))[0],
            board_slots=rng.choices((1, 2), (60, 40))[0],
        )
        committees.append(
            Committee(
                id=f"{prefix}C{i + 1:0{width}d}",
                name=name,
                grid=grid.id,
                population=pops[i],
                elderly_share=round(rng.uniform(0.18, 0.45), 3),
                location=_near(rng, grid.subcentre.location, spread, bounds),
                venue=venue,
                max_events_per_week=rng.choices((1, 2, 3), (20, 50, 30))[0],
            )
        )
    return committees


def _close_some(timed: random.Random, committees: list[Committee], weeks: int) -> None:
    """Close a few committees for a week or two (renovation, a residents' election)."""
    n = len(committees)
    closing = timed.sample(range(n), k=max(1, round(n * 0.1)))
    for i in sorted(closing):
        length = timed.choice((1, 2)) if weeks >= 20 else 1
        committees[i] = committees[i].model_copy(
            update={"closed_weeks": _block_weeks(timed, weeks, length)}
        )
