"""KPIs on tiny hand-written plans: every expected value is worked out by hand."""

from __future__ import annotations

import json
import math

import pytest

from planner.kpis import compute_kpis
from planner.network import Distances
from planner.plan import Delivery, Plan
from planner.scenario import Product, Scenario
from tests.factories import (
    ask,
    base_data,
    board_set,
    book_set,
    build,
    cell,
    cells,
    lecturer,
    show,
    talk,
    trainer,
    troupe,
)

P = Product


# -- coverage and fairness ---------------------------------------------------------------


def weighted_scenario() -> Scenario:
    """Three committees of different populations and priorities (see the test)."""
    data = base_data(weeks=4, committees=3)
    data["committees"][0]["population"] = 1000
    data["committees"][1]["population"] = 3000
    data["committees"][2]["population"] = 500
    data["resources"] = {"troupes": [troupe()], "lecturers": [lecturer()]}
    data["demand"] = [
        ask("C1", "performance", 2, priority=1),
        ask("C1", "lecture", 1, priority=3),
        ask("C2", "lecture", 2, priority=1),
    ]
    return build(data)


def weighted_plan() -> Plan:
    """C1 gets one of two shows and its lecture, C2 one of two lectures."""
    return Plan.of(
        [
            show("C1", 1, "C1/performance/1"),
            talk("C1", 2, "C1/lecture/1"),
            talk("C2", 3, "C2/lecture/1"),
        ]
    )


def test_headline_coverage_weights_population_and_priority() -> None:
    """Headline coverage weighs recipients by population and lines by priority."""
    k = compute_kpis(weighted_scenario(), weighted_plan())
    # C1: (1·min(1,2) + 3·min(1,1)) / (1·2 + 3·1) = 4/5 = 0.8
    # C2: (1·min(1,2)) / (1·2) = 0.5
    # C3: asked for nothing → 1.0
    # headline: (1000·0.8 + 3000·0.5 + 500·1.0) / 4500 = 2800/4500
    cov = k.by_committee.set_index("committee_id")["coverage"]
    assert cov["C1"] == pytest.approx(0.8)
    assert cov["C2"] == pytest.approx(0.5)
    assert cov["C3"] == 1.0
    assert k.coverage == pytest.approx(2800 / 4500)
    # min, mean, Jain and Gini over all recipients: [0.8, 0.5, 1.0]
    assert k.min_coverage == pytest.approx(0.5)
    assert k.worst_committee == "C2"
    assert k.worst_committee_name == "测试2居委会"
    assert k.mean_coverage == pytest.approx(2.3 / 3)
    assert k.jain_index == pytest.approx(2.3**2 / (3 * (0.64 + 0.25 + 1.0)))
    # ΣΣ|xi−xj| = 2·(0.3 + 0.2 + 0.5) = 2.0; 2n²·mean = 2·9·(2.3/3) = 13.8
    assert k.gini == pytest.approx(2.0 / 13.8)


def test_by_committee_counts_requested_and_delivered() -> None:
    """The per-committee table lists requested and delivered units and Chinese names."""
    k = compute_kpis(weighted_scenario(), weighted_plan())
    rows = k.by_committee.set_index("committee_id")
    assert list(k.by_committee.columns) == [
        "committee_id",
        "committee_name",
        "grid_id",
        "population",
        "requested",
        "delivered",
        "coverage",
        "baseline_coverage",
    ]
    assert cells(rows, "C1", "requested", "delivered") == [3, 2]
    assert cells(rows, "C2", "requested", "delivered") == [2, 1]
    assert cells(rows, "C3", "requested", "delivered") == [0, 0]
    assert rows.loc["C3", "committee_name"] == "测试3居委会"
    assert k.by_committee["baseline_coverage"].isna().all()  # no baseline given


def test_by_product_is_priority_weighted() -> None:
    """Product coverage weighs lines by priority and caps delivered per line."""
    k = compute_kpis(weighted_scenario(), weighted_plan())
    rows = k.by_product.set_index("product")
    assert list(rows.index) == ["performance", "lecture"]
    assert rows.loc["performance", "coverage"] == pytest.approx(0.5)
    # lecture: (3·1 + 1·1) / (3·1 + 1·2) = 4/5
    assert rows.loc["lecture", "coverage"] == pytest.approx(0.8)
    assert cells(rows, "lecture", "requested", "delivered") == [3, 2]


def test_committee_without_demand_counts_as_fully_covered() -> None:
    """A committee that asked for nothing has coverage 1 and counts, at 1, in the
    minimum, mean, Jain and Gini too (docs/domain.md: over all recipients)."""
    data = base_data(weeks=2, committees=2)
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("C1", "performance")]
    k = compute_kpis(build(data), Plan())
    # (1000·0 + 1000·1) / 2000
    assert k.coverage == pytest.approx(0.5)
    assert k.min_coverage == 0.0
    assert k.worst_committee == "C1"
    # [0, 1]: Jain 1² / (2·1) = 0.5; Gini 2·1 / (2·4·0.5) = 0.5
    assert k.jain_index == pytest.approx(0.5)
    assert k.gini == pytest.approx(0.5)
    assert k.mean_coverage == pytest.approx(0.5)


def test_nobody_asked_gives_perfect_scores() -> None:
    """Without any demand, coverage is 1 everywhere; the minimum names the first
    committee by id."""
    k = compute_kpis(build(base_data()), Plan())
    assert (k.coverage, k.min_coverage, k.jain_index, k.gini) == (1.0, 1.0, 1.0, 0.0)
    assert k.mean_coverage == 1.0
    assert k.worst_committee == "C1"
    assert k.unmet.empty
    assert k.by_product.empty


def test_worst_committee_ties_go_to_first_id() -> None:
    """Equal lowest coverages name the committee first by id."""
    data = base_data(weeks=2, committees=3)
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask(c, "performance") for c in ("C3", "C2", "C1")]
    k = compute_kpis(build(data), Plan.of([show("C1", 1, "C1/performance/1")]))
    assert k.min_coverage == 0.0
    assert k.worst_committee == "C2"
    # [1, 0, 0]: Jain 1/(3·1); Gini (2·2)/(2·9·1/3) = 4/6
    assert k.jain_index == pytest.approx(1 / 3)
    assert k.gini == pytest.approx(2 / 3)


def test_zero_population_falls_back_to_unweighted_mean() -> None:
    """With nobody living anywhere, the headline is the plain mean of coverages."""
    data = base_data(weeks=2, committees=2)
    for c in data["committees"]:
        c["population"] = 0
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("C1", "performance"), ask("C2", "performance", 2)]
    k = compute_kpis(build(data), Plan.of([show("C2", 1, "C2/performance/1")]))
    # C1: 0, C2: 1/2 → (0 + 0.5) / 2
    assert k.coverage == pytest.approx(0.25)


def test_delivered_is_capped_at_requested() -> None:
    """Deliveries beyond a line's count add no coverage and are not counted as delivered."""
    data = base_data(weeks=2, committees=2)
    data["resources"] = {"troupes": [troupe(shows_per_week=2)]}
    data["demand"] = [ask("C1", "performance", 1), ask("C2", "performance", 1)]
    plan = Plan.of([show("C1", 1, "C1/performance/1"), show("C1", 2, "C1/performance/1")])
    k = compute_kpis(build(data), plan)
    row = k.by_committee.set_index("committee_id").loc["C1"]
    assert (row["requested"], row["delivered"], row["coverage"]) == (1, 1, 1.0)
    assert k.by_product.loc[0, "delivered"] == 1
    assert k.coverage == pytest.approx(0.5)  # C2 got nothing
    assert k.unmet["demand_id"].tolist() == ["C2/performance/1"]


def test_jain_and_gini_from_a_plan() -> None:
    """One recipient fully served and one not give Jain 0.5 and Gini 0.5."""
    data = base_data(weeks=2, committees=2)
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("C1", "performance"), ask("C2", "performance")]
    k = compute_kpis(build(data), Plan.of([show("C2", 1, "C2/performance/1")]))
    assert (k.jain_index, k.gini) == (pytest.approx(0.5), pytest.approx(0.5))
    assert k.worst_committee == "C1"


def test_by_grid_is_population_weighted() -> None:
    """Grid coverage weighs its committees by population; min is the grid's lowest."""
    data = base_data(weeks=2, committees=3)
    data["grids"].append(
        {
            "id": "G2",
            "name": "第二网格",
            "subcentre": {
                "id": "S2",
                "name": "第二分中心",
                "location": {"lat": 31.31, "lon": 121.52},
            },
        }
    )
    data["committees"][0]["population"] = 3000
    data["committees"][2]["grid"] = "G2"
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask(c, "performance") for c in ("C1", "C2", "C3")]
    k = compute_kpis(build(data), Plan.of([show("C1", 1, "C1/performance/1")]))
    grids = k.by_grid.set_index("grid_id")
    # G1: (3000·1 + 1000·0) / 4000
    assert grids.loc["G1", "coverage"] == pytest.approx(0.75)
    assert grids.loc["G1", "min_coverage"] == 0.0
    assert grids.loc["G1", "population"] == 4000
    assert grids.loc["G2", "coverage"] == 0.0
    assert grids.loc["G2", "grid_name"] == "第二网格"


def test_fairness_is_taken_over_every_recipient_partners_included() -> None:
    """Minimum, mean, Jain and Gini count each recipient once: committees with and
    without demand, and a partner site with population 0 that weighs nothing in the
    headline coverage."""
    data = base_data(weeks=2, committees=4)
    data["committees"][3]["kind"] = "partner"
    data["committees"][3]["population"] = 0
    data["resources"] = {"troupes": [troupe(shows_per_week=2)]}
    data["demand"] = [
        ask("C1", "performance", 2),
        ask("C2", "performance"),
        ask("C4", "performance"),
    ]
    plan = Plan.of([show("C1", 1, "C1/performance/1"), show("C4", 1, "C4/performance/1")])
    k = compute_kpis(build(data), plan)
    # C1 1/2, C2 0, C3 asked for nothing → 1, C4 (partner) 1
    assert k.by_committee["coverage"].tolist() == [0.5, 0.0, 1.0, 1.0]
    # headline: (1000·0.5 + 1000·0 + 1000·1 + 0·1) / 3000
    assert k.coverage == pytest.approx(0.5)
    assert (k.min_coverage, k.worst_committee) == (0.0, "C2")
    assert k.mean_coverage == pytest.approx(2.5 / 4)
    # Jain: 2.5² / (4 · (0.25 + 0 + 1 + 1)) = 6.25 / 9
    assert k.jain_index == pytest.approx(6.25 / 9)
    # ΣΣ|xi−xj| = 2·(0.5 + 0.5 + 0.5 + 1 + 1 + 0) = 7; 2n²·mean = 2·16·0.625 = 20
    assert k.gini == pytest.approx(7 / 20)


# -- what counts for a line --------------------------------------------------------------


def themed_scenario() -> Scenario:
    """C1 asks for two 沪剧 shows, C2 for one show of any genre; T1 plays 越剧, T2 沪剧;
    C1 also asks for a lecture (L1 speaks on 党史)."""
    data = base_data(weeks=3, committees=2)
    data["resources"] = {
        "troupes": [troupe("T1", "越剧"), troupe("T2", "沪剧")],
        "lecturers": [lecturer()],
    }
    data["demand"] = [
        ask("C1", "performance", 2, themes=["沪剧"]),
        ask("C2", "performance"),
        ask("C1", "lecture"),
    ]
    return build(data)


def test_a_delivery_of_a_theme_the_line_did_not_ask_for_is_not_counted() -> None:
    """A 越剧 show on C1's 沪剧 line counts for nothing: the line has 1 of 2 (the 沪剧
    show), coverage 1/2, and is unmet with 1 delivered."""
    plan = Plan.of(
        [
            show("C1", 1, "C1/performance/1", "T1"),  # 越剧: not wished
            Delivery("C1", P.PERFORMANCE, "T2", 2, 2, "C1/performance/1", "沪剧"),
            talk("C1", 1, "C1/lecture/1"),
            show("C2", 2, "C2/performance/1", "T1"),
        ]
    )
    k = compute_kpis(themed_scenario(), plan)
    rows = k.by_committee.set_index("committee_id")
    # C1: (1·1 + 1·1) / (1·2 + 1·1) = 2/3; C2 fully served
    assert cells(rows, "C1", "requested", "delivered") == [3, 2]
    assert rows.loc["C1", "coverage"] == pytest.approx(2 / 3)
    assert rows.loc["C2", "coverage"] == 1.0
    assert k.unmet["demand_id"].tolist() == ["C1/performance/1"]
    assert k.unmet.loc[0, "delivered"] == 1
    assert k.by_product.set_index("product").loc["performance", "delivered"] == 2


@pytest.mark.parametrize(
    ("delivery", "why"),
    [
        (Delivery("C1", P.PERFORMANCE, "T1", 1, 1, "C2/performance/1", "越剧"), "committee"),
        (Delivery("C2", P.LECTURE, "L1", 1, 1, "C2/performance/1", "党史"), "product"),
        (Delivery("C2", P.PERFORMANCE, "T1", 1, 1, "C2/performance/1", "沪剧"), "unit theme"),
        (Delivery("C2", P.PERFORMANCE, "L1", 1, 1, "C2/performance/1", "党史"), "unit product"),
        (Delivery("C2", P.PERFORMANCE, "T9", 1, 1, "C2/performance/1", "越剧"), "unknown unit"),
        (Delivery("C2", P.PERFORMANCE, "T1", 1, 1, "C9/performance/1", "越剧"), "unknown line"),
    ],
)
def test_a_delivery_that_does_not_fit_its_line_counts_for_no_line(
    delivery: Delivery, why: str
) -> None:
    """A delivery for another committee or product than its line, of a theme its unit
    does not offer, from a unit of another product or none, or naming no line, counts
    for nothing: every coverage stays 0 and no line has a delivery."""
    k = compute_kpis(themed_scenario(), Plan.of([delivery]))
    assert k.by_committee["delivered"].tolist() == [0, 0], why
    assert k.by_committee["coverage"].tolist() == [0.0, 0.0], why


def test_a_set_copy_counts_for_its_kind() -> None:
    """A stay of copy ``BK1-2`` fits a line its set kind fits, and counts."""
    data = base_data(weeks=4, committees=1)
    data["resources"] = {"book_sets": [book_set("BK1", "红色经典", "党史", copies=2)]}
    data["demand"] = [ask("C1", "book_set", themes=["党史"])]
    plan = Plan.of([Delivery("C1", P.BOOK_SET, "BK1-2", 1, 4, "C1/book_set/1", "党史")])
    assert compute_kpis(build(data), plan).coverage == 1.0


def test_baseline_coverage_sits_beside_each_committee() -> None:
    """Given the baseline plan's KPIs, ``by_committee`` shows each committee's coverage
    under it beside its own."""
    scenario = themed_scenario()
    base = compute_kpis(scenario, Plan.of([show("C2", 1, "C2/performance/1")]))
    plan = Plan.of([talk("C1", 1, "C1/lecture/1")])
    k = compute_kpis(scenario, plan, baseline=base)
    rows = k.by_committee.set_index("committee_id")
    # C1: lecture only, 1/3 (baseline 0); C2: nothing (baseline 1)
    assert cells(rows, "C1", "coverage", "baseline_coverage") == [pytest.approx(1 / 3), 0.0]
    assert cells(rows, "C2", "coverage", "baseline_coverage") == [0.0, 1.0]


# -- utilisation and travel --------------------------------------------------------------


def test_utilisation_per_unit() -> None:
    """Utilisation divides copy-weeks, shows, sessions and course-weeks by what is available."""
    data = base_data(weeks=4, committees=2)
    data["season"]["fixtures"] = [{"id": "F1", "name": "读书月", "weeks": [1], "reserves": ["L2"]}]
    data["resources"] = {
        "book_sets": [book_set("BK1", "红色经典", "党史", copies=2, stay_weeks=2)],
        "troupes": [troupe(shows_per_week=2, max_shows=3, unavailable_weeks=[4])],
        "lecturers": [lecturer("L1", available_weeks=[1, 2]), lecturer("L2")],
        "trainers": [
            trainer("TR1", ["健身舞"], name="王教练", sessions_per_week=2, course_weeks=2)
        ],
    }
    data["demand"] = [
        ask("C1", "book_set"),
        ask("C1", "performance", 2),
        ask("C1", "lecture", 2),
        ask("C1", "fitness_course"),
    ]
    plan = Plan.of(
        [
            Delivery("C1", P.BOOK_SET, "BK1-1", 1, 2, "C1/book_set/1", "党史"),
            show("C1", 1, "C1/performance/1"),
            show("C1", 2, "C1/performance/1"),
            talk("C1", 2, "C1/lecture/1", "L2"),
            Delivery("C1", P.FITNESS_COURSE, "TR1", 3, 4, "C1/fitness_course/1", "健身舞"),
        ]
    )
    k = compute_kpis(build(data), plan)
    u = k.utilisation.set_index("unit_id")
    # BK1: 2 copy-weeks / (2 copies · 4 weeks)
    assert cells(u, "BK1", "used", "available") == [2, 8]
    assert u.loc["BK1", "utilisation"] == pytest.approx(0.25)
    # T1: 2 shows / min(2 shows · 3 weeks, max 3)
    assert cells(u, "T1", "used", "available") == [2, 3]
    # L1: 0 sessions / (1 · 2 available weeks); L2: 1 / (1 · 3 weeks not reserved)
    assert cells(u, "L1", "used", "available", "utilisation") == [0, 2, 0.0]
    assert u.loc["L2", "utilisation"] == pytest.approx(1 / 3)
    # TR1: 2 course-weeks / (2 · 4)
    assert u.loc["TR1", "utilisation"] == pytest.approx(0.25)
    assert u.loc["TR1", "name"] == "王教练"
    summary = k.to_dict()["utilisation_by_product"]
    assert summary["lecture"] == pytest.approx((0 + 1 / 3) / 2, abs=1e-4)


def test_unit_with_nothing_available_has_nan_utilisation() -> None:
    """A unit unavailable all season has NaN utilisation, shown as None in the summary."""
    data = base_data(weeks=2)
    data["resources"] = {"troupes": [troupe(unavailable_weeks=[1, 2])]}
    k = compute_kpis(build(data), Plan())
    assert math.isnan(cell(k.utilisation, 0, "utilisation"))
    assert k.to_dict()["utilisation_by_product"] == {"performance": None}


def test_travel_km_follows_distances() -> None:
    """Travel sums Distances.delivery_km per delivery: shows once, courses per week, books free."""
    data = base_data(weeks=4, committees=2)
    data["resources"] = {
        "book_sets": [book_set("BK1", "红色经典", "党史", stay_weeks=2)],
        "board_sets": [board_set("BD1", "党史展", "党史", stay_weeks=1)],
        "troupes": [troupe()],
        "trainers": [trainer("TR1", ["健身舞"], name="王教练")],
    }
    data["demand"] = [
        ask("C1", "book_set"),
        ask("C2", "exhibition"),
        ask("C2", "performance"),
        ask("C1", "fitness_course"),
    ]
    scenario = build(data)
    plan = Plan.of(
        [
            Delivery("C1", P.BOOK_SET, "BK1", 1, 2, "C1/book_set/1", "党史"),
            Delivery("C2", P.EXHIBITION, "BD1", 1, 1, "C2/exhibition/1", "党史"),
            show("C2", 2, "C2/performance/1"),
            Delivery("C1", P.FITNESS_COURSE, "TR1", 1, 4, "C1/fitness_course/1", "健身舞"),
        ]
    )
    dist = Distances(scenario)
    k = compute_kpis(scenario, plan, dist)
    show_km = 2 * dist.km("S1", "C2")
    course_km = 2 * 4 * dist.km("S1", "C1")
    van_km = 2 * dist.km("centre", "C2")
    assert show_km > 0 and course_km > 0 and van_km > 0
    assert k.travel_km_by_product["book_set"] == 0.0
    assert k.travel_km_by_product["performance"] == pytest.approx(show_km)
    assert k.travel_km_by_product["fitness_course"] == pytest.approx(course_km)
    assert k.travel_km_by_product["exhibition"] == pytest.approx(van_km)
    assert k.travel_km == pytest.approx(show_km + course_km + van_km)
    # Without distances given, the same network is built.
    assert compute_kpis(scenario, plan).travel_km == pytest.approx(k.travel_km)


# -- summary and calendars ---------------------------------------------------------------


def test_to_dict_is_json_and_rounded() -> None:
    """The summary survives json.dumps, rounds to 4 decimals and keeps Chinese names."""
    k = compute_kpis(weighted_scenario(), weighted_plan())
    d = k.to_dict()
    text = json.dumps(d, ensure_ascii=False, allow_nan=False)
    assert "测试2居委会" in text
    assert d["coverage"] == 0.6222
    assert d["worst_committee"] == "C2"
    assert d["num_deliveries"] == 3
    assert d["num_unmet_lines"] == 2
    assert d["coverage_by_product"] == {"performance": 0.5, "lecture": 0.8}
    assert d["coverage_by_grid"] == {"G1": 0.6222}
    assert set(d) >= {
        "min_coverage",
        "worst_committee_name",
        "jain_index",
        "gini",
        "mean_coverage",
        "travel_km",
        "utilisation_by_product",
    }
