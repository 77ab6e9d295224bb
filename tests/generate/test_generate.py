"""Tests of the scenario generators and the committed reference scenario files."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from planner.generate import (
    MIN_OVERALL_RATIO,
    MIN_PRODUCT_RATIO,
    REFERENCE_FILES,
    capacity_summary,
    generate,
    reference_scenario,
    write_reference_scenarios,
)
from planner.io import read_scenario, write_scenario
from planner.options import line_blocker
from planner.scenario import Product, Scenario
from tests.factories import (
    SCENARIOS,
    ask,
    base_data,
    board_set,
    book_set,
    build,
    lecturer,
    trainer,
    troupe,
)

# Copied verbatim from docs/domain.md on purpose: the generator must not be its own oracle.
DOMAIN_LIST = (
    "武东, 五一, 政民, 建新, 复旦, 国定一, 铁路新村, 四平, 四平一, 国年, 国顺, 国权, 航天, "
    "政翔殷, 东郸, 蓝天, 三门路, 吉浦, 南茶园, 邯郸路, 国权北路, 仁德路, 北茶园路, 政通路第一, "
    "财大, 国权路第一, 文化花园, 三湘, 正文, 汇元坊, 吉浦一, 创智坊"
)
DOMAIN_COMMITTEES = [f"{short}居委会" for short in DOMAIN_LIST.split(", ")]


@pytest.fixture(scope="module", params=[13, 26])
def reference(request: pytest.FixtureRequest) -> Scenario:
    """Both generated reference seasons (overrides the session fixture, which is the
    committed 13-week file: here the generator itself is under test)."""
    return reference_scenario(request.param)


def ratios(scenario: Scenario) -> tuple[float, dict[str, float]]:
    summary = capacity_summary(scenario)
    requested = sum(v["requested"] for v in summary.values())
    capacity = sum(v["capacity"] for v in summary.values())
    per_product = {p: v["requested"] / v["capacity"] for p, v in summary.items()}
    return requested / capacity, per_product


# -- the public facts ---------------------------------------------------------------------


def test_reference_has_the_32_committees_of_domain_md(reference: Scenario) -> None:
    """The committees are the 32 published names, in docs/domain.md's order, each once."""
    assert len(DOMAIN_COMMITTEES) == 32
    names = [c.name for c in reference.committees if c.kind == "committee"]
    assert names == DOMAIN_COMMITTEES


def test_reference_population_is_142600(reference: Scenario) -> None:
    """Committee populations sum to exactly 142,600 residents; partners add none."""
    assert sum(c.population for c in reference.committees if c.kind == "committee") == 142_600
    assert reference.total_population == 142_600


def test_reference_has_seven_grids_with_subcentres(reference: Scenario) -> None:
    """Seven grids 第一网格…第七网格, each with its own sub-centre, all holding committees."""
    assert [g.name for g in reference.grids] == [f"第{n}网格" for n in "一二三四五六七"]
    assert len({g.subcentre.id for g in reference.grids}) == 7
    assert all("分中心" in g.subcentre.name for g in reference.grids)
    assert {c.grid for c in reference.committees} == {g.id for g in reference.grids}


def test_reference_centre_and_locations(reference: Scenario) -> None:
    """The centre is 五角场社区文化中心 near 政通路; every place lies within the subdistrict."""
    assert reference.centre.name == "五角场社区文化中心"
    assert reference.centre.location.lat == pytest.approx(31.300)
    assert reference.centre.location.lon == pytest.approx(121.514)
    places = [c.location for c in reference.committees]
    places += [g.subcentre.location for g in reference.grids]
    assert all(31.290 <= p.lat <= 31.315 and 121.495 <= p.lon <= 121.530 for p in places)


def test_reference_season_starts_monday_2027_03_01(reference: Scenario) -> None:
    """Week 1 is Monday 2027-03-01; the 26-week season ends on Sunday 2027-08-29."""
    assert reference.season.start == dt.date(2027, 3, 1)
    assert reference.season.start.weekday() == 0
    assert reference.season.timezone == "Asia/Shanghai"
    assert reference.season.weeks in (13, 26)
    if reference.season.weeks == 26:
        assert reference.season.week_end(26) == dt.date(2027, 8, 29)


def test_reference_fixtures_fall_on_their_2027_weeks() -> None:
    """Reading month is weeks 5–9, Qingming week 6, Labour Day weeks 9–10; 七一 and 八一
    appear only in the 26-week season."""
    spring = {f.id: f for f in reference_scenario(13).season.fixtures}
    assert spring["reading-month"].weeks == [5, 6, 7, 8, 9]
    assert spring["reading-month"].product == Product.BOOK_SET
    assert spring["reading-month"].bonus > 0
    assert spring["qingming"].weeks == [6]
    assert spring["labour-day"].weeks == [9, 10]
    assert spring["culture-festival"].reserves
    assert "july-first" not in spring and "army-day" not in spring
    summer = {f.id: f for f in reference_scenario(26).season.fixtures}
    assert summer["july-first"].weeks == [14, 15, 16, 17, 18]
    assert summer["july-first"].themes == ["党史学习教育"]
    assert 22 in summer["army-day"].weeks


def test_reference_season_closures_are_few(reference: Scenario) -> None:
    """At most one season-wide closed week; only a few committees close, briefly."""
    assert len(reference.season.closed_weeks) <= 1
    closing = [c for c in reference.committees if c.closed_weeks]
    assert 1 <= len(closing) <= 4
    assert all(len(c.closed_weeks) <= 2 for c in closing)


def test_reference_26_weeks_adds_population_zero_partners() -> None:
    """The 八一 reading circle adds army partner sites with population 0 that ask for books."""
    spring = reference_scenario(13)
    summer = reference_scenario(26)
    assert all(c.kind == "committee" for c in spring.committees)
    partners = [c for c in summer.committees if c.kind == "partner"]
    assert 1 <= len(partners) <= 2
    assert all(p.population == 0 for p in partners)
    partner_ids = {p.id for p in partners}
    asked = {d.product for d in summer.demand if d.committee in partner_ids}
    assert asked == {Product.BOOK_SET}


def test_reference_resources_match_the_subdistrict_tier(reference: Scenario) -> None:
    """About 40 book sets, 12 board sets, 6–8 troupes, 5 lecturers, 10 trainers."""
    r = reference.resources
    assert sum(b.copies for b in r.book_sets) == 40
    assert 10 <= len(r.book_sets) <= 12
    assert all(b.stay_weeks == 4 for b in r.book_sets)
    assert sum(b.copies for b in r.board_sets) == 12
    assert all(b.stay_weeks == 2 for b in r.board_sets)
    assert 6 <= len(r.troupes) <= 8
    assert any(t.needs_stage and t.min_audience > 0 for t in r.troupes)
    assert len(r.lecturers) == 5
    assert any(lec.provider == "复旦大学" for lec in r.lecturers)
    assert len(r.trainers) == 10
    assert all(t.sessions_per_week == 2 and t.course_weeks == 4 for t in r.trainers)


def test_reference_seasons_share_committees_and_resources() -> None:
    """The 13- and 26-week scenarios have the same committees, venues and resource make-up."""
    spring, summer = reference_scenario(13), reference_scenario(26)
    longer = summer.committee_by_id
    for c in spring.committees:
        other = longer[c.id]
        assert (c.name, c.grid, c.population, c.location, c.venue) == (
            other.name,
            other.grid,
            other.population,
            other.location,
            other.venue,
        )
    assert spring.resources.book_sets == summer.resources.book_sets
    assert [t.name for t in spring.resources.trainers] == [
        t.name for t in summer.resources.trainers
    ]


# -- demand against capacity --------------------------------------------------------------


def test_reference_demand_exceeds_capacity(reference: Scenario) -> None:
    """Requested units are at least 1.5× capacity overall and 1.2× for every product."""
    overall, per_product = ratios(reference)
    assert overall >= MIN_OVERALL_RATIO >= 1.5
    assert set(per_product) == {p.value for p in Product}
    assert all(r >= MIN_PRODUCT_RATIO >= 1.2 for r in per_product.values()), per_product


@pytest.mark.parametrize(
    ("tier", "seed"), [("subdistrict", 1), ("subdistrict", 7), ("district", 3)]
)
def test_generated_demand_exceeds_capacity(tier: str, seed: int) -> None:
    """Generated tiers also ask for at least 1.5× overall and 1.2× per product."""
    overall, per_product = ratios(generate(tier, seed))
    assert overall >= 1.5
    assert all(r >= 1.2 for r in per_product.values()), per_product


def test_every_reference_line_can_be_served(reference: Scenario) -> None:
    """Every demand line has at least one option (a unit fits its themes, venue and weeks),
    and every committee asks for something, so fairness is about scarcity alone."""
    assert [line.id for line in reference.demand_lines if line_blocker(reference, line)] == []
    assert {d.committee for d in reference.demand} == set(reference.committee_by_id)


def test_capacity_summary_uses_the_documented_formulas() -> None:
    """Stays: copies × floor(run / stay) over available runs, boards capped by the van;
    shows and sessions: per week × available weeks; courses: per week × floor(run / length)."""
    data = base_data(weeks=13)
    data["season"]["fixtures"] = [
        {"id": "gala", "name": "文化节", "weeks": [12, 13], "reserves": ["T1"]}
    ]
    data["resources"] = {
        "book_sets": [book_set("B1", "书", "党史", copies=3, stay_weeks=4)],
        "board_sets": [board_set("E1", "展", "防诈骗", copies=4)],
        "van": {"moves_per_week": 1},
        "troupes": [troupe("T1", "沪剧", name="团", shows_per_week=2)],
        "lecturers": [
            lecturer(
                "L1", ["党史"], name="讲师", sessions_per_week=2, available_weeks=[1, 2, 3, 4, 5]
            )
        ],
        "trainers": [trainer("F1", ["太极"], name="教练", unavailable_weeks=[5])],
    }
    data["demand"] = [
        ask("C1", "book_set", 2),
        ask("C2", "book_set", 3),
        ask("C1", "lecture", 1),
    ]
    summary = capacity_summary(build(data))
    assert summary == {
        "book_set": {"requested": 5, "capacity": 9},  # 3 copies × floor(13 / 4)
        "exhibition": {"requested": 0, "capacity": 13},  # min(4 × floor(13 / 2), 1 × 13)
        "performance": {"requested": 0, "capacity": 22},  # 2 × (13 − 2 reserved)
        "lecture": {"requested": 1, "capacity": 10},  # 2 × 5 available weeks
        "fitness_course": {"requested": 0, "capacity": 6},  # 2 × (floor(4/4) + floor(8/4))
    }


# -- determinism --------------------------------------------------------------------------


def test_reference_is_deterministic() -> None:
    """The same weeks and seed give an identical reference scenario."""
    assert reference_scenario(13).model_dump() == reference_scenario(13).model_dump()


@pytest.mark.parametrize("tier", ["subdistrict", "district"])
def test_generate_is_deterministic(tier: str) -> None:
    """The same (tier, seed, weeks) gives an identical scenario."""
    assert generate(tier, 11).model_dump() == generate(tier, 11).model_dump()
    assert generate(tier, 11, weeks=20) == generate(tier, 11, weeks=20)


@pytest.mark.slow
def test_city_is_deterministic_and_quick() -> None:
    """The city tier (~6,000 committees) generates in under a minute, identically twice."""
    start = time.perf_counter()
    first = generate("city", 5)
    assert time.perf_counter() - start < 60
    assert 5_000 <= len(first.committees) <= 7_000
    assert first.season.weeks == 26
    overall, per_product = ratios(first)
    assert overall >= 1.5 and all(r >= 1.2 for r in per_product.values())
    assert first.model_dump() == generate("city", 5).model_dump()


@pytest.mark.parametrize("tier", ["subdistrict", "district"])
def test_different_seeds_differ(tier: str) -> None:
    """Different seeds give different scenarios."""
    assert generate(tier, 1).model_dump() != generate(tier, 2).model_dump()


def test_reference_seeds_differ_in_generated_figures_only() -> None:
    """Another seed changes populations and demand, never the public facts."""
    a, b = reference_scenario(13, seed=1), reference_scenario(13, seed=2)
    assert [c.population for c in a.committees] != [c.population for c in b.committees]
    assert a.demand != b.demand
    assert [c.name for c in a.committees] == [c.name for c in b.committees] == DOMAIN_COMMITTEES
    assert a.total_population == b.total_population == 142_600


# -- tiers --------------------------------------------------------------------------------


def test_subdistrict_tier_shape() -> None:
    """About 32 committees in 7 grids over 13 weeks, with generated Chinese names."""
    s = generate("subdistrict", 3)
    assert 28 <= len(s.committees) <= 36
    assert len(s.grids) == 7
    assert s.season.weeks == 13
    assert all(c.name.endswith("居委会") for c in s.committees)
    assert len({c.name for c in s.committees}) == len(s.committees)


def test_district_tier_shape() -> None:
    """About 350 committees in ~12 subdistricts; resources serve their own subdistrict,
    district-level troupes serve all; 26 weeks by default."""
    s = generate("district", 3)
    assert 300 <= len(s.committees) <= 420
    assert s.season.weeks == 26
    areas = {g.subdistrict for g in s.grids}
    assert len(areas) == 12 and "" not in areas
    shared = [t for t in s.resources.troupes if not t.subdistrict]
    assert shared
    own = [b.subdistrict for b in s.resources.book_sets]
    assert set(own) == areas
    assert len(s.resources.trainers) >= 80


def test_district_and_city_tiers_list_their_subdistricts() -> None:
    """A district lists its 12 subdistricts (SD01 …, named as their grids name them),
    each with its culture centre at the mean of its sub-centres, under the district's
    culture centre; a city its 200 (SD001 …) under the city's; a subdistrict tier none
    (one level)."""
    s = generate("district", 3, weeks=4)
    assert s.has_levels and s.centre.name == "区文化馆"
    assert [sd.id for sd in s.subdistricts] == [f"SD{k:02d}" for k in range(1, 13)]
    assert [sd.name for sd in s.subdistricts] == list(dict.fromkeys(g.subdistrict for g in s.grids))
    for sd in s.subdistricts:
        grids = [g for g in s.grids if g.subdistrict == sd.name]
        assert all(g.id.startswith(f"{sd.id}-") for g in grids)
        assert sd.centre.id == f"{sd.id}-centre"
        assert sd.centre.name == f"{sd.name}社区文化中心"
        lats = [g.subcentre.location.lat for g in grids]
        assert sd.centre.location.lat == pytest.approx(sum(lats) / len(lats), abs=1e-5)
    city = generate("city", 1, weeks=4)
    assert city.centre.name == "市群众艺术馆"
    assert len(city.subdistricts) == 200 and city.subdistricts[-1].id == "SD200"
    assert not generate("subdistrict", 3).has_levels


def test_unknown_tier_is_named() -> None:
    """An unknown tier raises ValueError naming it and the known tiers."""
    with pytest.raises(ValueError, match=r"unknown tier 'province'.*subdistrict"):
        generate("province", 1)


# -- files --------------------------------------------------------------------------------


@pytest.mark.parametrize(("weeks", "filename"), sorted(REFERENCE_FILES.items()))
def test_committed_reference_file_equals_generator(weeks: int, filename: str) -> None:
    """The committed reference file reads back to exactly what the generator gives now."""
    committed = read_scenario(SCENARIOS / filename)
    assert committed.model_dump() == reference_scenario(weeks).model_dump()


def test_committed_reference_files_are_byte_identical(tmp_path: Path) -> None:
    """Regenerating the reference files reproduces the committed bytes, header included."""
    written = write_reference_scenarios(tmp_path)
    assert sorted(p.name for p in written) == sorted(REFERENCE_FILES.values())
    for path in written:
        assert path.read_bytes() == (SCENARIOS / path.name).read_bytes(), path.name


@pytest.mark.parametrize("filename", sorted(REFERENCE_FILES.values()))
def test_reference_files_are_literal_utf8(filename: str) -> None:
    """Chinese is written as UTF-8 text, not as \\u escapes; the header names facts,
    generated figures and the capacity summary."""
    text = (SCENARIOS / filename).read_bytes().decode("utf-8")
    assert "武东居委会" in text and "创智坊居委会" in text
    assert "\\u" not in text
    assert "PUBLIC FACTS" in text and "GENERATED" in text and "CAPACITY" in text
    assert "142,600" in text


@pytest.mark.parametrize("which", ["reference-26w", "subdistrict"])
def test_utf8_round_trip(tmp_path: Path, which: str) -> None:
    """write_scenario then read_scenario gives an equal scenario."""
    scenario = reference_scenario(26) if which == "reference-26w" else generate("subdistrict", 4)
    path = tmp_path / "s.yaml"
    write_scenario(scenario, path, header="往返测试")
    again = read_scenario(path)
    assert again == scenario
    assert again.model_dump() == scenario.model_dump()


@pytest.mark.parametrize("weeks", [3, 53])
def test_season_length_outside_range_is_refused(weeks: int) -> None:
    """Seasons shorter than a book set stay or longer than a year raise ValueError."""
    with pytest.raises(ValueError, match=f"got {weeks}"):
        generate("subdistrict", 1, weeks=weeks)
    with pytest.raises(ValueError, match=f"got {weeks}"):
        reference_scenario(weeks)
