"""The Wujiaochang reference scenario: public facts, its builder and its files.

:func:`reference_scenario` builds the Wujiaochang subdistrict (Yangpu district, Shanghai)
from the public facts of ``docs/domain.md`` (committee names, grids, residents, area, centre,
calendar) and seeded, generated figures for everything else;
:func:`write_reference_scenarios` writes the two reference files with a header that says
which is which.
"""

from __future__ import annotations

from pathlib import Path

from planner.capacity import capacity_summary
from planner.generate.demand import _block_demand, _checked
from planner.generate.resources import _Block, _make_block
from planner.generate.season import _check_weeks, _fixtures, _season
from planner.generate.vocab import _FESTIVAL_GENRES
from planner.io import write_scenario
from planner.scenario import Committee, Demand, Location, Place, Product, Scenario, Venue

# -- public facts (docs/domain.md) -------------------------------------------------------------

#: The seed of the reference scenario files.
REFERENCE_SEED = 2027
#: The 32 residents' committees of Wujiaochang subdistrict (2021), in docs/domain.md's order.
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


# -- reference scenario -------------------------------------------------------------------


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
                id=f"{pid}/book_set/1",
                committee=pid,
                product=Product.BOOK_SET,
                count=2,
                themes=["国防军事", "党史"],
                preferred_weeks=army,
            )
        )
        demand.append(
            Demand(
                id=f"{pid}/book_set/2",
                committee=pid,
                product=Product.BOOK_SET,
                count=1,
                themes=["文学名著"],
            )
        )
    return partners, demand


def reference_scenario(weeks: int = 13, seed: int = REFERENCE_SEED) -> Scenario:
    """The Wujiaochang reference scenario: public facts plus seeded, generated figures.

    Public facts (``docs/domain.md``): the 32 committee names, 7 grids each with a culture
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
        "PUBLIC FACTS (docs/domain.md, from the subdistrict's culture work report):",
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
        f"  - all {len(s.demand)} demand lines (counts, themes, weeks; priority by elderly share),",
        "    each with an explicit id (committee/product/n)" + (";" if partners else "."),
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
