"""Synthetic scenarios at the subdistrict, district and city tiers of ``docs/domain.md``."""

from __future__ import annotations

import random
from dataclasses import dataclass

from planner.capacity import deliverable_by_product
from planner.generate.demand import _block_demand, _checked
from planner.generate.geography import Bounds, _tiles
from planner.generate.reference import WUJIAOCHANG_BOUNDS
from planner.generate.resources import _Block, _make_block
from planner.generate.season import _check_weeks, _fixtures, _season
from planner.generate.streams import _rng
from planner.generate.vocab import (
    _FESTIVAL_GENRES,
    _GENRES,
    _PLACE_WORDS,
    _STAGE_GENRES,
    _TROUPE_SUFFIX,
    _Names,
)
from planner.i18n import _
from planner.scenario import (
    Demand,
    Grid,
    Location,
    Place,
    Product,
    Resources,
    Scenario,
    Season,
    Subdistrict,
    Troupe,
    Van,
)

#: Tiers accepted by :func:`generate`.
TIERS = ("subdistrict", "district", "city")

# Bounds of the district and city tiers; the subdistrict tier lies within Wujiaochang's.
_DISTRICT_BOUNDS = (31.24, 31.34, 121.47, 121.59)
_CITY_BOUNDS = (30.95, 31.45, 121.15, 121.85)


@dataclass(frozen=True)
class _Shape:
    """The size of a tier."""

    num_subdistricts: int
    committees: tuple[int, int]
    """Committees per subdistrict (inclusive range)."""
    num_shared_troupes: int
    weeks: int
    bounds: Bounds
    centre: str


_TIER_SHAPE = {
    "subdistrict": _Shape(1, (30, 34), 0, 13, WUJIAOCHANG_BOUNDS, ""),
    "district": _Shape(12, (24, 34), 8, 26, _DISTRICT_BOUNDS, "区文化馆"),
    "city": _Shape(200, (25, 35), 16, 26, _CITY_BOUNDS, "市群众艺术馆"),
}
_TIER_LABEL = {"subdistrict": "街道级", "district": "区级", "city": "市级"}


def generate(tier: str, seed: int, weeks: int | None = None) -> Scenario:
    """Generate a synthetic scenario at one of the scale tiers of ``docs/domain.md``.

    - ``subdistrict``: one subdistrict of 30–34 committees in 7 grids with the
      subdistrict-tier resources (~40 book sets, 12 board sets, 6–8 troupes,
      5 lecturers, 10 trainers); 13 weeks by default.
    - ``district``: 12 subdistricts of 24–34 committees (≈350) in 5–8 grids each; every
      subdistrict has its own resources (scaled to its committees) serving only it
      (``subdistrict`` service area), plus 8 district-level troupes serving all;
      26 weeks by default.
    - ``city``: 200 subdistricts (≈6,000 committees), 16 city-level troupes; 26 weeks.

    District and city scenarios have two levels: they list their ``subdistricts``
    (``SD01`` …, named as their grids' ``subdistrict``, each with its culture centre
    ``SD01-centre`` at the mean of its sub-centres), and the scenario's centre (区文化馆,
    市群众艺术馆) is the upper level that owns the shared troupes.

    Names are generated Chinese names; the season starts on Monday 2027-03-01 with the
    2027 calendar fixtures. The van makes 3 moves a week per subdistrict. Demand is
    generated per subdistrict against its own capacity (and its share of the shared
    troupes), so it is at least 1.5× capacity overall and 1.2× for every product.

    Parameters
    ----------
    tier
        ``"subdistrict"``, ``"district"`` or ``"city"``.
    seed
        Seed; the same (tier, seed, weeks) gives an identical scenario.
    weeks
        Season length; 13 for the subdistrict tier and 26 otherwise when omitted.

    Returns
    -------
    Scenario
        A validated scenario.

    Raises
    ------
    ValueError
        For an unknown tier, or ``weeks`` not within :data:`WEEKS_RANGE`.
    """
    if tier not in _TIER_SHAPE:
        raise ValueError(
            _("unknown tier {tier!r}; expected one of {tiers}").format(
                tier=tier, tiers=", ".join(TIERS)
            )
        )
    shape = _TIER_SHAPE[tier]
    weeks = shape.weeks if weeks is None else weeks
    _check_weeks(weeks)
    rng = _rng(seed, f"{tier}/layout")
    blocks, keys, areas = _subdistricts(rng, tier, seed, shape, weeks)
    # Shared (district- or city-level) troupes serve every subdistrict.
    all_grids = [g for b in blocks for g in b.grids]
    shared = _shared_troupes(rng, tier, shape.num_shared_troupes, all_grids)
    if len(blocks) == 1:
        festival = [t.id for g in _FESTIVAL_GENRES[:2] for t in blocks[0].troupes if t.genre == g]
    else:
        festival = [t.id for t in shared[: max(1, len(shared) // 2)]]
    season = _season(weeks, _fixtures(weeks, festival, local=False))
    demand = _tier_demand(keys, blocks, season, shared)
    scenario = _assemble(tier, seed, shape, season, blocks, shared, demand, areas)
    return _checked(scenario, f"generate({tier!r}, seed={seed}, weeks={weeks})")


def _subdistricts(
    rng: random.Random, tier: str, seed: int, shape: _Shape, weeks: int
) -> tuple[list[_Block], list[str], list[Subdistrict]]:
    """The tier's subdistricts, each on its own tile of the tier's bounds, their keys,
    and their records (none for a single subdistrict: one level).

    Names, committee counts, grid counts and populations come from the layout stream
    ``rng``; every block then draws from its own streams, keyed ``<seed>/<tier>/<k>``.
    The records draw nothing (:func:`_subdistrict_record`), so the rest of the scenario
    is what it was before they existed.
    """
    num_subdistricts = shape.num_subdistricts
    low, high = shape.committees
    names = _Names(rng)
    single = num_subdistricts == 1
    # Subdistricts as tiles of a square-ish lattice over the bounds, in random order.
    tiles = _tiles(rng, num_subdistricts, shape.bounds)
    blocks: list[_Block] = []
    keys: list[str] = []
    areas: list[Subdistrict] = []
    for k in range(num_subdistricts):
        sub_name = names.subdistrict()
        n = rng.randint(low, high)
        committee_names = [names.committee() for _k in range(n)]
        prefix = "" if single else f"SD{k + 1:0{len(str(num_subdistricts))}d}-"
        key = f"{seed}/{tier}/{k}"
        blocks.append(
            _make_block(
                key,
                weeks=weeks,
                prefix=prefix,
                area="" if single else sub_name,
                label=f"{sub_name}社区文化中心",
                short=sub_name.removesuffix("街道").removesuffix("镇"),
                bounds=tiles[k],
                num_grids=7 if single else rng.randint(5, 8),
                committee_names=committee_names,
                population=n * rng.randint(3800, 5200),
                local=False,
            )
        )
        keys.append(key)
        if not single:
            areas.append(_subdistrict_record(prefix.removesuffix("-"), sub_name, blocks[-1]))
    return blocks, keys, areas


def _subdistrict_record(ident: str, name: str, block: _Block) -> Subdistrict:
    """A generated subdistrict: its id (``SD01``), its name and its culture centre.

    The centre (``SD01-centre``, ``<name>社区文化中心``) stands at the mean location of the
    subdistrict's sub-centres, rounded as generated places are; nothing is drawn.
    """
    points = [g.subcentre.location for g in block.grids]
    lat = round(sum(p.lat for p in points) / len(points), 5)
    lon = round(sum(p.lon for p in points) / len(points), 5)
    centre = Place(
        id=f"{ident}-centre", name=f"{name}社区文化中心", location=Location(lat=lat, lon=lon)
    )
    return Subdistrict(id=ident, name=name, centre=centre)


def _shared_troupes(
    rng: random.Random, tier: str, num_shared: int, all_grids: list[Grid]
) -> list[Troupe]:
    """District- or city-level troupes, homed anywhere, serving every subdistrict."""
    shared: list[Troupe] = []
    level = "区" if tier == "district" else "市"
    for k in range(num_shared):
        genre = rng.choice(_GENRES)
        stage = genre in _STAGE_GENRES
        shared.append(
            Troupe(
                id=f"DT{k + 1:02d}",
                name=f"{level}{rng.choice(_PLACE_WORDS)}{_TROUPE_SUFFIX[genre]}",
                genre=genre,
                shows_per_week=rng.choice((1, 2)),
                home_grid=rng.choice(all_grids).id,
                needs_stage=stage,
                min_audience=rng.choice((80, 100, 120)) if stage else 40,
            )
        )
    return shared


def _tier_demand(
    keys: list[str], blocks: list[_Block], season: Season, shared: list[Troupe]
) -> list[Demand]:
    """Demand per subdistrict, against its own capacity and its share of the shared troupes.

    A subdistrict's share of the shared troupes' shows is its share of the committees.
    """
    shared_capacity = deliverable_by_product(season, Resources(troupes=shared))
    num_committees = sum(len(b.committees) for b in blocks)
    demand: list[Demand] = []
    for key, block in zip(keys, blocks, strict=True):
        share = len(block.committees) / num_committees
        demand += _block_demand(
            key,
            block,
            season=season,
            shared=shared,
            shared_share={Product.PERFORMANCE: shared_capacity[Product.PERFORMANCE] * share},
        )
    return demand


def _assemble(
    tier: str,
    seed: int,
    shape: _Shape,
    season: Season,
    blocks: list[_Block],
    shared: list[Troupe],
    demand: list[Demand],
    areas: list[Subdistrict],
) -> Scenario:
    """The tier's scenario: every block's places and resources, a van of 3 moves each,
    and the subdistricts' records (two levels) when there are several."""
    lat0, lat1, lon0, lon1 = shape.bounds
    weeks = season.weeks
    num_subdistricts = len(blocks)
    centre_name = shape.centre or blocks[0].grids[0].subcentre.name.removesuffix("第一分中心")
    return Scenario(
        name=f"合成{_TIER_LABEL[tier]}情景（种子 {seed}，{weeks} 周）",
        season=season,
        centre=Place(
            id="centre",
            name=centre_name,
            location=Location(lat=round((lat0 + lat1) / 2, 5), lon=round((lon0 + lon1) / 2, 5)),
        ),
        subdistricts=areas,
        grids=[g for b in blocks for g in b.grids],
        committees=[c for b in blocks for c in b.committees],
        resources=Resources(
            book_sets=[x for b in blocks for x in b.book_sets],
            board_sets=[x for b in blocks for x in b.board_sets],
            van=Van(moves_per_week=3 * num_subdistricts),
            troupes=[*(t for b in blocks for t in b.troupes), *shared],
            lecturers=[x for b in blocks for x in b.lecturers],
            trainers=[x for b in blocks for x in b.trainers],
        ),
        demand=demand,
    )
