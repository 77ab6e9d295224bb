"""Scenario generators: the Wujiaochang reference scenario and synthetic scale tiers.

:func:`reference_scenario` builds the Wujiaochang subdistrict (Yangpu district, Shanghai)
from the public facts of ``DOMAIN.md`` (committee names, grids, residents, area, centre,
calendar) and seeded, generated figures for everything else; :func:`write_reference_scenarios`
writes the two reference files with a header that says which is which.
:func:`generate` builds synthetic scenarios at the subdistrict, district and city tiers.

Every generator is deterministic. It draws only from :class:`random.Random` instances
seeded from its ``seed`` argument, one stream per purpose (``"<seed>/<purpose>"``), so that
the 13- and 26-week reference scenarios share their committees and resources and differ
only where the season length matters (closures, availability, fixtures, demand).

Demand is generated to exceed what the resources can deliver (:func:`capacity_summary`)
by at least :data:`MIN_OVERALL_RATIO` overall and :data:`MIN_PRODUCT_RATIO` for every
product, while every demand line fits at least one resource that serves its committee
and suits its venue, and no committee asks for more than its venue and calendar can take.
A committee has at most three lines per product, each asking for up to 3 stays or
4 events per 13 weeks of season; lines of one committee never wish for the same theme.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from planner.generate.capacity import _capacity
from planner.generate.capacity import capacity_summary as capacity_summary
from planner.generate.demand import MIN_OVERALL_RATIO as MIN_OVERALL_RATIO
from planner.generate.demand import MIN_PRODUCT_RATIO as MIN_PRODUCT_RATIO
from planner.generate.demand import _block_demand, _checked
from planner.generate.geography import Bounds as Bounds
from planner.generate.resources import _Block, _make_block
from planner.generate.season import SEASON_START as SEASON_START
from planner.generate.season import WEEKS_RANGE as WEEKS_RANGE
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
from planner.scenario import (
    Committee,
    Demand,
    Location,
    Place,
    Product,
    Resources,
    Scenario,
    Troupe,
    Van,
    Venue,
)
from planner.scenario_io import write_scenario

# -- public facts (DOMAIN.md) -------------------------------------------------------------

#: The seed of the reference scenario files.
REFERENCE_SEED = 2027
#: The 32 residents' committees of Wujiaochang subdistrict (2021), in DOMAIN.md's order.
WUJIAOCHANG_COMMITTEES: tuple[str, ...] = tuple(
    f"{short}居委会"
    for short in (
        "武东",
        "五一",
        "政民",
        "建新",
        "复旦",
        "国定一",
        "铁路新村",
        "四平",
        "四平一",
        "国年",
        "国顺",
        "国权",
        "航天",
        "政翔殷",
        "东郸",
        "蓝天",
        "三门路",
        "吉浦",
        "南茶园",
        "邯郸路",
        "国权北路",
        "仁德路",
        "北茶园路",
        "政通路第一",
        "财大",
        "国权路第一",
        "文化花园",
        "三湘",
        "正文",
        "汇元坊",
        "吉浦一",
        "创智坊",
    )
)
#: Residents of the subdistrict, all assigned to its committees.
WUJIAOCHANG_POPULATION = 142_600
#: Area of the subdistrict in km².
WUJIAOCHANG_AREA_KM2 = 7.66
#: Grids (网格) of the subdistrict, each with a culture sub-centre.
WUJIAOCHANG_GRIDS = 7
#: The community culture centre on 政通路 (approximate location).
WUJIAOCHANG_CENTRE = Place(
    id="centre", name="五角场社区文化中心", location=Location(lat=31.300, lon=121.514)
)
#: Bounds (lat min, lat max, lon min, lon max) within which generated locations fall.
WUJIAOCHANG_BOUNDS = (31.290, 31.315, 121.495, 121.530)
#: Reference file names by season length in weeks.
REFERENCE_FILES = {13: "wujiaochang-2027-spring.yaml", 26: "wujiaochang-2027-spring-26w.yaml"}

#: Tiers accepted by :func:`generate`.
TIERS = ("subdistrict", "district", "city")
_DISTRICT_BOUNDS = (31.24, 31.34, 121.47, 121.59)
_CITY_BOUNDS = (30.95, 31.45, 121.15, 121.85)


# -- scenarios ----------------------------------------------------------------------------


def _partners(block: _Block, weeks: int) -> tuple[list[Committee], list[Demand]]:
    """The military-civilian reading circle: two army units receiving book sets.

    They are partner sites (``kind: partner``) with population 0, so they weigh nothing
    in the population-weighted coverage and the 142,600 residents stay with committees.
    """
    grids = block.grids
    army = [w for f in _fixtures(weeks, [], True) if f.id == "army-day" for w in f.weeks]
    partners, demand = [], []
    for k, (grid, suffix) in enumerate(((grids[2], "甲"), (grids[5], "乙")), start=1):
        pid = f"P{k:02d}"
        loc = grid.subcentre.location
        partners.append(
            Committee(
                id=pid,
                name=f"驻区部队{suffix}营区军民共建读书角",
                grid=grid.id,
                population=0,
                elderly_share=0.0,
                location=Location(lat=round(loc.lat + 0.002 * k, 5), lon=round(loc.lon - 0.002, 5)),
                venue=Venue(audience_capacity=80, shelf_slots=2, board_slots=1),
                max_events_per_week=1,
                kind="partner",
            )
        )
        demand.append(
            Demand(
                committee=pid,
                product=Product.BOOK_SET,
                count=2,
                themes=["国防军事", "党史"],
                preferred_weeks=army,
            )
        )
        demand.append(Demand(committee=pid, product=Product.BOOK_SET, count=1, themes=["文学名著"]))
    return partners, demand


def reference_scenario(weeks: int = 13, seed: int = REFERENCE_SEED) -> Scenario:
    """The Wujiaochang reference scenario: public facts plus seeded, generated figures.

    Public facts (``DOMAIN.md``): the 32 committee names, 7 grids each with a culture
    sub-centre, 142,600 residents (all assigned to the committees), the centre
    五角场社区文化中心 on 政通路, locations within the subdistrict's ~7.66 km², and the 2027
    calendar (reading month, Qingming, Labour Day, culture festival, 七一, summer, 八一).
    Generated from ``seed``: committee grids, populations, elderly shares, locations,
    venues and closures; the resources (12 book set kinds with 40 copies, 6 board set
    themes × 2, a van with 3 moves a week, 6 troupes, 5 university lecturers,
    10 trainers) and all demand. Seasons that reach the 八一 reading circle (week 21)
    add two army partner sites with population 0 that ask for book sets.

    Parameters
    ----------
    weeks
        Season length from Monday 2027-03-01 (13: spring; 26: to 2027-08-29).
    seed
        Seed of every generated figure.

    Returns
    -------
    Scenario
        A validated scenario whose demand is at least 1.5× capacity overall.

    Raises
    ------
    ValueError
        If ``weeks`` is not within :data:`WEEKS_RANGE` (a book set stay to a year).
    """
    _check_weeks(weeks)
    key = f"wujiaochang/{seed}"
    block = _make_block(
        key,
        weeks=weeks,
        prefix="",
        area="",
        label="五角场社区文化中心",
        short="五角场",
        bounds=WUJIAOCHANG_BOUNDS,
        num_grids=WUJIAOCHANG_GRIDS,
        committee_names=WUJIAOCHANG_COMMITTEES,
        population=WUJIAOCHANG_POPULATION,
        local=True,
    )
    reserves = [t.id for g in _FESTIVAL_GENRES for t in block.troupes if t.genre == g]
    season = _season(weeks, _fixtures(weeks, reserves, local=True))
    demand = _block_demand(key, block, season=season, shared=[], shared_share={})
    committees = list(block.committees)
    if any(f.id == "army-day" for f in season.fixtures):
        partners, partner_demand = _partners(block, weeks)
        committees += partners
        demand += partner_demand
    if weeks == 13:
        title = "五角场街道 2027 春季文化配送"
    elif weeks == 26:
        title = "五角场街道 2027 春夏文化配送（26 周）"
    else:
        title = f"五角场街道 2027 文化配送（{weeks} 周）"
    scenario = Scenario(
        name=title,
        season=season,
        centre=WUJIAOCHANG_CENTRE,
        grids=block.grids,
        committees=committees,
        resources=block.resources(),
        demand=demand,
    )
    return _checked(scenario, f"reference_scenario(weeks={weeks}, seed={seed})")


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
    """Generate a synthetic scenario at one of the scale tiers of ``DOMAIN.md``.

    - ``subdistrict``: one subdistrict of 30–34 committees in 7 grids with the
      subdistrict-tier resources (~40 book sets, 12 board sets, 6–8 troupes,
      5 lecturers, 10 trainers); 13 weeks by default.
    - ``district``: 12 subdistricts of 24–34 committees (≈350) in 5–8 grids each; every
      subdistrict has its own resources (scaled to its committees) serving only it
      (``subdistrict`` service area), plus 8 district-level troupes serving all;
      26 weeks by default.
    - ``city``: 200 subdistricts (≈6,000 committees), 16 city-level troupes; 26 weeks.

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
        raise ValueError(f"unknown tier {tier!r}; expected one of {', '.join(TIERS)}")
    shape = _TIER_SHAPE[tier]
    num_subdistricts, num_shared, bounds = (
        shape.num_subdistricts,
        shape.num_shared_troupes,
        shape.bounds,
    )
    low, high = shape.committees
    weeks = shape.weeks if weeks is None else weeks
    _check_weeks(weeks)
    rng = _rng(seed, f"{tier}/layout")
    names = _Names(rng)
    single = num_subdistricts == 1
    lat0, lat1, lon0, lon1 = bounds
    # Subdistricts as tiles of a square-ish lattice over the bounds, in random order.
    side = math.ceil(math.sqrt(num_subdistricts))
    cells = list(range(side * side))
    rng.shuffle(cells)
    dlat, dlon = (lat1 - lat0) / side, (lon1 - lon0) / side
    blocks: list[_Block] = []
    keys: list[str] = []
    for k in range(num_subdistricts):
        sub_name = names.subdistrict()
        n = rng.randint(low, high)
        committee_names = [names.committee() for _ in range(n)]
        row, col = divmod(cells[k], side)
        tile = (
            lat0 + row * dlat,
            lat0 + (row + 1) * dlat,
            lon0 + col * dlon,
            lon0 + (col + 1) * dlon,
        )
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
                bounds=tile,
                num_grids=7 if single else rng.randint(5, 8),
                committee_names=committee_names,
                population=n * rng.randint(3800, 5200),
                local=False,
            )
        )
        keys.append(key)

    # Shared (district- or city-level) troupes serve every subdistrict.
    all_grids = [g for b in blocks for g in b.grids]
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
    if single:
        festival = [t.id for g in _FESTIVAL_GENRES[:2] for t in blocks[0].troupes if t.genre == g]
    else:
        festival = [t.id for t in shared[: max(1, num_shared // 2)]]
    season = _season(weeks, _fixtures(weeks, festival, local=False))
    shared_capacity = _capacity(season, Resources(troupes=shared))
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
    centre_name = shape.centre or blocks[0].grids[0].subcentre.name.removesuffix("第一分中心")
    scenario = Scenario(
        name=f"合成{_TIER_LABEL[tier]}情景（种子 {seed}，{weeks} 周）",
        season=season,
        centre=Place(
            id="centre",
            name=centre_name,
            location=Location(lat=round((lat0 + lat1) / 2, 5), lon=round((lon0 + lon1) / 2, 5)),
        ),
        grids=all_grids,
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
    return _checked(scenario, f"generate({tier!r}, seed={seed}, weeks={weeks})")


# -- reference files ----------------------------------------------------------------------


def _header(scenario: Scenario, seed: int) -> str:
    s = scenario
    weeks = s.season.weeks
    last = s.season.week_end(weeks)
    committees = [c for c in s.committees if c.kind == "committee"]
    partners = [c for c in s.committees if c.kind == "partner"]
    fixture_rows = []
    for f in s.season.fixtures:
        span = f"week {f.weeks[0]}" if len(f.weeks) == 1 else f"weeks {f.weeks[0]}–{f.weeks[-1]}"
        fixture_rows.append(f"    {span}: {f.name}")
    r = s.resources
    summary = capacity_summary(s)
    total_req = sum(v["requested"] for v in summary.values())
    total_cap = sum(v["capacity"] for v in summary.values())
    rows = [
        f"  {p:<15} {v['requested']:>9} {v['capacity']:>9} {v['requested'] / v['capacity']:>6.2f}"
        for p, v in summary.items()
    ]
    lat0, lat1, lon0, lon1 = WUJIAOCHANG_BOUNDS
    centre = s.centre.location
    num_books = sum(b.copies for b in r.book_sets)
    troupe_names = {t.id: t.name for t in r.troupes}
    reserved = [f"{rid} {troupe_names[rid]}" for f in s.season.fixtures for rid in f.reserves]
    num_boards = sum(b.copies for b in r.board_sets)
    lines = [
        f"{s.name}: reference scenario, {weeks} weeks, {s.season.start} (Monday) to {last}.",
        f"Generated by planner.generate.reference_scenario(weeks={weeks}, seed={seed});",
        "do not edit by hand: tests/test_generate.py checks that this file equals what the",
        "generator gives. Regenerate with: python -m planner.generate scenarios",
        "",
        "PUBLIC FACTS (DOMAIN.md, from the subdistrict's culture work report):",
        f"  - the {len(committees)} residents' committee names (2021 list), exactly as published;",
        f"  - {len(s.grids)} grids (第一网格 … 第七网格), each with a culture sub-centre (分中心);",
        f"  - {sum(c.population for c in committees):,} residents, all assigned to the committees;",
        f"  - area {WUJIAOCHANG_AREA_KM2} km²: every location lies within",
        f"    lat {lat0:.3f}–{lat1:.3f}, lon {lon0:.3f}–{lon1:.3f};",
        f"  - the centre {s.centre.name} on 政通路 (approx. lat {centre.lat:.3f}, "
        f"lon {centre.lon:.3f});",
        "  - the product families (book sets, exhibition boards, performances, lectures,",
        "    fitness courses), university volunteer lecturers (复旦大学, 上海财经大学 …);",
        "  - the 2027 calendar (fixtures; no season-wide closed week):",
        *fixture_rows,
        "",
        f"GENERATED (seed {seed}; plausible, not real data):",
        "  - each committee's grid, population split, elderly share, location, venue,",
        "    events per week and closed weeks; sub-centre locations;",
        f"  - all resources: {len(r.book_sets)} book set kinds ({num_books} copies),",
        f"    {len(r.board_sets)} board set themes ({num_boards} copies), a van",
        f"    ({r.van.moves_per_week} moves a week), {len(r.troupes)} troupes, "
        f"{len(r.lecturers)} lecturers, {len(r.trainers)} trainers,",
        "    the people's names and everyone's availability;",
        "  - the troupes the culture festival reserves:",
        f"    {', '.join(reserved) or 'none'}; fixture bonuses and themes;",
        f"  - all {len(s.demand)} demand lines (counts, themes, weeks; priority by elderly share)"
        + (";" if partners else "."),
    ]
    if partners:
        lines += [
            f"  - {len(partners)} partner sites (kind: partner, population 0) for the 八一",
            "    military-civilian reading circle; they add no residents.",
        ]
    lines += [
        "",
        "CAPACITY (planner.generate.capacity_summary): units requested by the demand against",
        "units the resources can deliver in the season (ignoring venues and travel):",
        f"  {'product':<15} {'requested':>9} {'capacity':>9} {'ratio':>6}",
        *rows,
        f"  {'total':<15} {total_req:>9} {total_cap:>9} {total_req / total_cap:>6.2f}",
    ]
    return "\n".join(lines)


def write_reference_scenarios(directory: str | Path) -> list[Path]:
    """Write the two reference scenario files (13 and 26 weeks) into ``directory``.

    Parameters
    ----------
    directory
        Destination folder; created if missing.

    Returns
    -------
    list[Path]
        The files written: ``wujiaochang-2027-spring.yaml`` and
        ``wujiaochang-2027-spring-26w.yaml``.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for weeks, filename in REFERENCE_FILES.items():
        scenario = reference_scenario(weeks, REFERENCE_SEED)
        path = folder / filename
        write_scenario(scenario, path, header=_header(scenario, REFERENCE_SEED))
        paths.append(path)
    return paths
