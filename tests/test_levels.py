"""The two levels of a plan: the allocation of shared units to subdistricts, and each
level's KPIs (planner.levels, planner.frames.allocation_frame, the report)."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from planner.baseline import plan_baseline
from planner.frames import ALLOCATION_FRAME_COLUMNS, allocation_frame, committees_frame
from planner.generate import generate
from planner.io import read_scenario
from planner.kpis import committee_coverage, compute_kpis, utilisation_frame
from planner.levels import Handover, allocation, level_kpis, shared_units
from planner.plan import Delivery, Plan
from planner.report import levels_report
from planner.scenario import Product, Scenario
from planner.validate import check_plan
from tests.factories import REFERENCE, build, show, two_level_data


@pytest.fixture(scope="module")
def two_levels() -> Scenario:
    """The district of two subdistricts of the factories (甲街道 SA, 乙街道 SB)."""
    return build(two_level_data())


def hand_plan() -> Plan:
    """A plan made by hand for :func:`two_levels`: the shared troupe T0 plays at A1
    (week 1), B1 (week 2) and B2 (week 3); 甲街道's own troupe TA at A1 (week 2) and A2
    (week 3); the shared book set BK stays at B2 in weeks 1–2.

    Coverage by hand: A1 2/2 = 1, A2 1/2, B1 1/2, B2 (1 + 1)/(1 + 1) = 1.
    """
    return Plan.of(
        [
            show("A1", 1, "A1/performance/1", "T0"),
            show("A1", 2, "A1/performance/1", "TA"),
            show("A2", 3, "A2/performance/1", "TA"),
            show("B1", 2, "B1/performance/1", "T0"),
            show("B2", 3, "B2/performance/1", "T0"),
            Delivery("B2", Product.BOOK_SET, "BK", 1, 2, "B2/book_set/1", "文学"),
        ]
    )


def test_the_hand_plan_keeps_every_rule(two_levels: Scenario) -> None:
    """The hand-made plan is one a planner could publish: the validator finds nothing."""
    assert check_plan(two_levels, hand_plan()) == []


# -- the upper level's allocation --------------------------------------------------------


def test_allocation_of_the_hand_plan(two_levels: Scenario) -> None:
    """Only the shared units are allocated (TA serves its own subdistrict): per unit,
    week and subdistrict, the deliveries handed over and what is in use; a two-week
    stay holds its copy in its second week too, with nothing handed over then."""
    assert [u.id for u in shared_units(two_levels)] == ["BK", "T0"]
    assert allocation(two_levels, hand_plan()) == [
        Handover("BK", 1, "SB", handed_over=1, in_use=1),
        Handover("BK", 2, "SB", handed_over=0, in_use=1),
        Handover("T0", 1, "SA", handed_over=1, in_use=1),
        Handover("T0", 2, "SB", handed_over=1, in_use=1),
        Handover("T0", 3, "SB", handed_over=1, in_use=1),
    ]


def test_allocation_frame_names_units_subdistricts_and_their_centres(
    two_levels: Scenario,
) -> None:
    """The frame for analysts: the unit's name and product, the week's Monday as a date,
    the subdistrict and the centre that takes the unit over."""
    frame = allocation_frame(two_levels, hand_plan())
    assert list(frame.columns) == ALLOCATION_FRAME_COLUMNS
    assert frame["week_start"].dtype == "datetime64[ns]"
    first = frame.iloc[0]
    assert (first["unit_id"], first["name"], first["product"]) == ("BK", "书", "book_set")
    assert first["week_start"] == pd.Timestamp("2027-03-01")
    assert (first["subdistrict_name"], first["centre_name"]) == ("乙街道", "乙街道社区文化中心")
    assert frame["handed_over"].tolist() == [1, 0, 1, 1, 1]


def test_allocation_sums_equal_the_plans_shared_deliveries() -> None:
    """On a generated district's baseline plan, each shared unit's handovers sum to its
    deliveries in the plan and its use to its utilisation's ``used``; every handover
    goes to the subdistrict of the committee delivered to; own units are not in it."""
    s = generate("district", 2, weeks=4)
    plan = plan_baseline(s)
    rows = allocation(s, plan)
    shared = {u.id for u in shared_units(s)}
    assert shared and rows
    assert {r.unit_id for r in rows} <= shared
    delivered = Counter(d.unit_id(s) for d in plan if d.unit_id(s) in shared)
    handed = Counter[str]()
    used = Counter[str]()
    for r in rows:
        handed[r.unit_id] += r.handed_over
        used[r.unit_id] += r.in_use
    assert handed == delivered
    utilisation = utilisation_frame(s, plan).set_index("unit_id")["used"]
    assert {u: int(utilisation[u]) for u in used} == dict(used)
    starts = Counter(
        (d.unit_id(s), d.first_week, sd.id)
        for d in plan
        if d.unit_id(s) in shared and (sd := s.subdistrict_of(d.committee_id)) is not None
    )
    assert starts == Counter({(r.unit_id, r.week, r.subdistrict_id): r.handed_over for r in rows})


# -- each level's KPIs -------------------------------------------------------------------


def test_level_kpis_of_the_hand_plan_checked_by_hand(two_levels: Scenario) -> None:
    """甲街道: A1 at 1 (3000 residents), A2 at 0.5 (1000): coverage 3500/4000 = 0.875,
    minimum 0.5 at A2, Jain 1.5²/(2·1.25) = 0.9, Gini 0.5·2/(2·4·0.75) = 1/6; one of the
    four shared deliveries for half the residents. 乙街道: B1 at 0.5, B2 at 1 (2000
    each): 0.75, minimum 0.5 at B1, Jain 0.9, Gini 1/6; three of four. Between them:
    Jain 1.625²/(2·(0.875² + 0.75²)), Gini 0.125·2/(2·4·0.8125), lowest 乙街道, highest
    甲街道."""
    levels = level_kpis(two_levels, hand_plan())
    assert levels is not None
    rows = levels.by_subdistrict.set_index("subdistrict_id")
    assert rows.loc["SA", "coverage"] == pytest.approx(0.875)
    assert rows.loc["SB", "coverage"] == pytest.approx(0.75)
    assert rows["min_coverage"].tolist() == [0.5, 0.5]
    assert rows["worst_committee"].tolist() == ["A2", "B1"]
    assert rows["worst_committee_name"].tolist() == ["A2居委会", "B1居委会"]
    assert rows["jain_index"].tolist() == pytest.approx([0.9, 0.9])
    assert rows["gini"].tolist() == pytest.approx([1 / 6, 1 / 6])
    assert rows["committees"].tolist() == [2, 2]
    assert rows["population"].tolist() == [4000, 4000]
    assert rows["population_share"].tolist() == pytest.approx([0.5, 0.5])
    assert rows["shared_deliveries"].tolist() == [1, 3]
    assert rows["shared_share"].tolist() == pytest.approx([0.25, 0.75])
    assert rows["centre_name"].tolist() == ["甲街道社区文化中心", "乙街道社区文化中心"]
    assert levels.jain_index == pytest.approx(1.625**2 / (2 * (0.875**2 + 0.75**2)))
    assert levels.gini == pytest.approx(0.25 / 6.5)
    assert (levels.min_subdistrict, levels.min_subdistrict_name) == ("SB", "乙街道")
    assert (levels.max_subdistrict, levels.max_subdistrict_name) == ("SA", "甲街道")
    assert (levels.min_coverage, levels.max_coverage) == pytest.approx((0.75, 0.875))
    assert (levels.shared_units, levels.shared_deliveries) == (2, 4)
    assert (levels.centre_id, levels.centre_name) == ("centre", "区文化馆")


def test_level_kpis_as_json(two_levels: Scenario) -> None:
    """The report's form: the upper level's spread, then one mapping per subdistrict,
    floats rounded to 4 decimals, plain ints; a share with nothing shared is None."""
    levels = level_kpis(two_levels, hand_plan())
    assert levels is not None
    out = levels.to_dict()
    assert out["upper"] == {
        "centre": "centre",
        "centre_name": "区文化馆",
        "subdistricts": 2,
        "jain_index": 0.9941,
        "gini": 0.0385,
        "min_coverage": 0.75,
        "min_subdistrict": "SB",
        "min_subdistrict_name": "乙街道",
        "max_coverage": 0.875,
        "max_subdistrict": "SA",
        "max_subdistrict_name": "甲街道",
        "shared_units": 2,
        "shared_deliveries": 4,
    }
    assert out["subdistricts"][0]["gini"] == 0.1667
    assert type(out["subdistricts"][0]["population"]) is int
    only_own = Plan.of(d for d in hand_plan() if d.resource_id == "TA")
    nothing_shared = level_kpis(two_levels, only_own)
    assert nothing_shared is not None
    assert [r["shared_share"] for r in nothing_shared.to_dict()["subdistricts"]] == [None, None]


def test_the_levels_agree_with_the_plans_kpis() -> None:
    """On a generated district's baseline plan: the subdistricts' coverages weighted by
    their residents give the headline coverage, the lowest of their minimum coverages
    is the plan's, the shares sum to 1; coverages given from the KPIs give the same
    levels as computed afresh."""
    s = generate("district", 2, weeks=4)
    plan = plan_baseline(s)
    kpis = compute_kpis(s, plan, reasons=False)
    levels = level_kpis(s, plan)
    assert levels is not None
    rows = levels.by_subdistrict
    assert len(rows) == len(s.subdistricts) == 12
    weighted = (rows["coverage"] * rows["population"]).sum() / rows["population"].sum()
    assert weighted == pytest.approx(kpis.coverage)
    assert rows["min_coverage"].min() == pytest.approx(kpis.min_coverage)
    assert rows["population_share"].sum() == pytest.approx(1.0)
    assert rows["shared_share"].sum() == pytest.approx(1.0)
    assert rows["committees"].sum() == len(s.committees)
    assert levels.min_coverage == rows["coverage"].min()
    assert levels.max_coverage == rows["coverage"].max()
    frame = kpis.by_committee
    given = dict(zip(frame["committee_id"], frame["coverage"], strict=True))
    assert given == pytest.approx(committee_coverage(s, plan))
    again = level_kpis(s, plan, given)
    assert again is not None and again.to_dict() == levels.to_dict()
    assert levels_report(s, plan, kpis) == levels.to_dict()


def test_a_one_level_scenario_has_no_levels() -> None:
    """Without ``subdistricts`` there is no upper level: no allocation (an empty frame
    with its columns), no level KPIs, and ``levels_report`` refuses."""
    s = build(two_level_data())
    one = Scenario.model_validate({**s.model_dump(), "subdistricts": []})
    assert allocation(one, hand_plan()) == []
    assert level_kpis(one, hand_plan()) is None
    frame = allocation_frame(one, hand_plan())
    assert frame.empty and list(frame.columns) == ALLOCATION_FRAME_COLUMNS
    with pytest.raises(ValueError, match="lists no subdistricts"):
        levels_report(one, hand_plan())


def test_committees_frame_names_each_committees_subdistrict(two_levels: Scenario) -> None:
    """The committees' frame carries the subdistrict's name (as the grid writes it) and,
    with the subdistricts listed, its id; empty ids for a one-level scenario."""
    frame = committees_frame(two_levels).set_index("committee_id")
    assert frame.loc["A2", "subdistrict"] == "甲街道"
    assert frame["subdistrict_id"].tolist() == ["SA", "SA", "SB", "SB"]
    reference = committees_frame(read_scenario(REFERENCE))
    assert set(reference["subdistrict_id"]) == {""}
