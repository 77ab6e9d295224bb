"""KPIs on tiny hand-written plans: every expected value is worked out by hand."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from planner.fairness import gini, jain_index
from planner.io.calendars import CALENDAR_COLUMNS, committee_calendar, write_calendars
from planner.kpis import compute_kpis
from planner.network import Distances
from planner.plan import Delivery, Plan
from planner.scenario import Product, Scenario
from planner.wording import BLOCKERS, weeks_text
from tests.factories import ask, base_data, board_set, book_set, build, lecturer, trainer, troupe

P = Product


def show(committee: str, week: int, line: str, tid: str = "T1") -> Delivery:
    """A performance of ``tid`` in ``week``."""
    return Delivery(committee, P.PERFORMANCE, tid, week, week, line, "越剧")


def talk(committee: str, week: int, line: str, lid: str = "L1") -> Delivery:
    """A lecture of ``lid`` in ``week``."""
    return Delivery(committee, P.LECTURE, lid, week, week, line, "党史")


def unmet_row(scenario: Scenario, plan: Plan, line_id: str) -> pd.Series:
    """The unmet-demand row of one line."""
    unmet = compute_kpis(scenario, plan).unmet.set_index("demand_id")
    row = unmet.loc[line_id]
    assert isinstance(row, pd.Series)  # line ids are unique, so one row
    return row


def cells(frame: pd.DataFrame, label: str, *columns: str) -> list[Any]:
    """The values of ``columns`` in row ``label`` of a frame whose index is unique.

    pandas cannot tell statically that ``frame.loc[label, columns]`` is one row (with
    a repeated label it is a frame), so the row is taken and checked first.
    """
    row = frame.loc[label]
    assert isinstance(row, pd.Series)
    return row[list(columns)].tolist()


def cell(frame: pd.DataFrame, label: object, column: str) -> Any:
    """The value in row ``label``, column ``column`` of a frame (any scalar type)."""
    return frame.at[label, column]


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
    # min, mean, Jain and Gini over the recipients that asked: [0.8, 0.5]
    assert k.min_coverage == pytest.approx(0.5)
    assert k.worst_committee == "C2"
    assert k.worst_committee_name == "测试2居委会"
    assert k.mean_coverage == pytest.approx(0.65)
    assert k.jain_index == pytest.approx(1.3**2 / (2 * (0.64 + 0.25)))
    # ΣΣ|xi−xj| = 2·0.3 = 0.6; 2n²·mean = 2·4·0.65 = 5.2
    assert k.gini == pytest.approx(0.6 / 5.2)


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
    ]
    assert cells(rows, "C1", "requested", "delivered") == [3, 2]
    assert cells(rows, "C2", "requested", "delivered") == [2, 1]
    assert cells(rows, "C3", "requested", "delivered") == [0, 0]
    assert rows.loc["C3", "committee_name"] == "测试3居委会"


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
    """A committee that asked for nothing has coverage 1 and is left out of min/Jain."""
    data = base_data(weeks=2, committees=2)
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("C1", "performance")]
    k = compute_kpis(build(data), Plan())
    # (1000·0 + 1000·1) / 2000
    assert k.coverage == pytest.approx(0.5)
    assert k.min_coverage == 0.0
    assert k.worst_committee == "C1"
    assert k.jain_index == 1.0  # one recipient asked, and all its coverages are 0
    assert k.gini == 0.0
    assert k.mean_coverage == 0.0


def test_nobody_asked_gives_perfect_scores() -> None:
    """Without any demand, coverage is 1 everywhere and no worst committee is named."""
    k = compute_kpis(build(base_data()), Plan())
    assert (k.coverage, k.min_coverage, k.jain_index, k.gini) == (1.0, 1.0, 1.0, 0.0)
    assert k.worst_committee == ""
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


@pytest.mark.parametrize(
    ("values", "jain", "gini_value"),
    [
        ([1.0, 0.0], 0.5, 0.5),
        ([0.5, 0.5], 1.0, 0.0),
        ([0.0, 0.0], 1.0, 0.0),
        ([], 1.0, 0.0),
        ([1.0, 1.0, 1.0, 0.0], 0.75, 0.25),
    ],
)
def test_jain_and_gini_on_known_vectors(
    values: list[float], jain: float, gini_value: float
) -> None:
    """Jain's index and Gini match hand-computed values, including degenerate cases."""
    assert jain_index(values) == pytest.approx(jain)
    assert gini(values) == pytest.approx(gini_value)


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


# -- unmet demand and its reasons --------------------------------------------------------


def test_blocker_theme() -> None:
    """A wished genre no troupe plays is reported as 'theme_fit' with the BLOCKERS text."""
    data = base_data(weeks=2)
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("C1", "performance", themes=["评弹"])]
    row = unmet_row(build(data), Plan(), "C1/performance/1")
    assert row["reason"] == "theme_fit"
    assert BLOCKERS["theme"] in row["explanation"]
    assert "评弹" in row["explanation"]
    assert (row["requested"], row["delivered"]) == (1, 0)
    assert row["committee_name"] == "测试1居委会"


def test_blocker_venue_stage() -> None:
    """A troupe that needs a stage and a venue without one give 'venue', with the
    stage's BLOCKERS text."""
    data = base_data(weeks=2)
    data["committees"][0]["venue"]["stage"] = False
    data["resources"] = {"troupes": [troupe(needs_stage=True)]}
    data["demand"] = [ask("C1", "performance")]
    row = unmet_row(build(data), Plan(), "C1/performance/1")
    assert row["reason"] == "venue"
    assert BLOCKERS["venue_stage"] in row["explanation"]


def test_blocker_weeks() -> None:
    """A lecturer available only in a week the line excludes gives the week rule that
    blocks the most starts: unavailable in weeks 1 and 3, excluded only in week 2."""
    data = base_data(weeks=3)
    data["resources"] = {"lecturers": [lecturer(available_weeks=[2])]}
    data["demand"] = [ask("C1", "lecture", excluded_weeks=[2])]
    row = unmet_row(build(data), Plan(), "C1/lecture/1")
    assert row["reason"] == "resource_unavailable"
    assert BLOCKERS["weeks"] in row["explanation"]


def test_capacity_names_the_busy_unit() -> None:
    """When the only troupe is fully booked in every open week, the reason is
    'resource_capacity'."""
    data = base_data(weeks=2, committees=2)
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("C1", "performance", 2), ask("C2", "performance")]
    plan = Plan.of([show("C1", 1, "C1/performance/1"), show("C1", 2, "C1/performance/1")])
    row = unmet_row(build(data), plan, "C2/performance/1")
    assert row["reason"] == "resource_capacity"
    assert "troupe 'T1' (T1越剧团) full in weeks 1–2" in row["explanation"]


def test_capacity_when_troupe_reached_max_shows() -> None:
    """A troupe that has given its season's maximum of shows blocks with
    'resource_capacity'."""
    data = base_data(weeks=3, committees=2)
    data["resources"] = {"troupes": [troupe(max_shows=1)]}
    data["demand"] = [ask("C1", "performance"), ask("C2", "performance")]
    row = unmet_row(build(data), Plan.of([show("C1", 1, "C1/performance/1")]), "C2/performance/1")
    assert row["reason"] == "resource_capacity"
    expected = "troupe 'T1' (T1越剧团) has reached its season maximum of 1 show(s)"
    assert expected in row["explanation"]


def test_events_full() -> None:
    """A committee at its weekly event limit in every open week gives 'events_per_week'."""
    data = base_data(weeks=2, committees=1)
    data["committees"][0]["max_events_per_week"] = 1
    data["resources"] = {"troupes": [troupe()], "lecturers": [lecturer()]}
    data["demand"] = [ask("C1", "lecture", 2), ask("C1", "performance")]
    plan = Plan.of([talk("C1", 1, "C1/lecture/1"), talk("C1", 2, "C1/lecture/1")])
    row = unmet_row(build(data), plan, "C1/performance/1")
    assert row["reason"] == "events_per_week"
    assert "C1 already has its limit of 1 event(s) a week in weeks 1–2" in row["explanation"]


def test_traded_off_when_an_option_still_fits() -> None:
    """An unmet line that a free troupe could still serve is 'traded_off', honestly said."""
    data = base_data(weeks=2)
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("C1", "performance", 2)]
    row = unmet_row(build(data), Plan.of([show("C1", 1, "C1/performance/1")]), "C1/performance/1")
    assert row["reason"] == "traded_off"
    assert (row["requested"], row["delivered"]) == (2, 1)
    assert "troupe 'T1' (T1越剧团) could serve C1 in week 2" in row["explanation"]
    assert "optimiser chose not to" in row["explanation"]


def test_already_received_set_kind() -> None:
    """When the only fitting book set kind was already delivered, the reason is no-repeat."""
    data = base_data(weeks=4)
    data["resources"] = {"book_sets": [book_set("BK1", "红色经典", "党史", copies=2, stay_weeks=2)]}
    data["demand"] = [ask("C1", "book_set", 2)]
    plan = Plan.of([Delivery("C1", P.BOOK_SET, "BK1-1", 1, 2, "C1/book_set/1", "党史")])
    row = unmet_row(build(data), plan, "C1/book_set/1")
    assert row["reason"] == "no_repeat_set"
    assert "BK1" in row["explanation"]


def test_shelf_full() -> None:
    """A free set kind that finds the committee's only shelf slot taken gives 'venue'."""
    data = base_data(weeks=2)
    data["committees"][0]["venue"]["shelf_slots"] = 1
    data["resources"] = {
        "book_sets": [
            book_set("BK1", "红色经典", "党史", stay_weeks=2),
            book_set("BK2", "上海故事", "乡土", stay_weeks=2),
        ]
    }
    data["demand"] = [ask("C1", "book_set", 2)]
    plan = Plan.of([Delivery("C1", P.BOOK_SET, "BK1", 1, 2, "C1/book_set/1", "党史")])
    assert unmet_row(build(data), plan, "C1/book_set/1")["reason"] == "venue"


def test_boards_full_and_van_full() -> None:
    """A taken board slot gives 'venue'; the van's moves used up give 'van_moves'."""
    data = base_data(weeks=1, committees=2)
    data["resources"] = {
        "van": {"moves_per_week": 1},
        "board_sets": [
            board_set("BD1", "党史展", "党史", stay_weeks=1),
            board_set("BD2", "科普展", "科普", stay_weeks=1),
        ],
    }
    data["demand"] = [ask("C1", "exhibition", 2), ask("C2", "exhibition")]
    plan = Plan.of([Delivery("C1", P.EXHIBITION, "BD1", 1, 1, "C1/exhibition/1", "党史")])
    k = compute_kpis(build(data), plan)
    reasons = dict(zip(k.unmet["demand_id"], k.unmet["reason"], strict=True))
    # C1: both options are blocked by several rules at once (BD1: received, booked, slot,
    # van; BD2: slot, van); slot and van block the most options, the slot wins the tie.
    assert reasons["C1/exhibition/1"] == "venue"
    # C2: BD2 is free, C2's slot is free, but the van's single move is used.
    assert reasons["C2/exhibition/1"] == "van_moves"
    text = cell(k.unmet.set_index("demand_id"), "C2/exhibition/1", "explanation")
    assert "the van's 1 move(s) a week are used up in week 1" in text


def test_boards_full_alone() -> None:
    """With the van free, a second board kind blocked by the taken slot gives 'venue'."""
    data = base_data(weeks=1, committees=1)
    data["resources"] = {
        "board_sets": [
            board_set("BD1", "党史展", "党史", stay_weeks=1),
            board_set("BD2", "科普展", "科普", stay_weeks=1),
        ],
    }
    data["demand"] = [ask("C1", "exhibition", 2)]
    plan = Plan.of([Delivery("C1", P.EXHIBITION, "BD1", 1, 1, "C1/exhibition/1", "党史")])
    assert unmet_row(build(data), plan, "C1/exhibition/1")["reason"] == "venue"


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


def test_weeks_text_compacts_runs() -> None:
    """Week lists are written as runs."""
    assert weeks_text([5, 1, 2, 3]) == "1–3, 5"
    assert weeks_text([]) == ""


def calendar_scenario() -> tuple[Scenario, Plan]:
    """C1 gets a two-week book stay and a show; C2 gets nothing."""
    data = base_data(weeks=4)
    data["resources"] = {
        "book_sets": [book_set("BK1", "红色经典", "党史", stay_weeks=2)],
        "troupes": [troupe()],
    }
    data["demand"] = [ask("C1", "book_set"), ask("C1", "performance")]
    plan = Plan.of(
        [
            Delivery("C1", P.BOOK_SET, "BK1", 2, 3, "C1/book_set/1", "党史"),
            show("C1", 3, "C1/performance/1"),
        ]
    )
    return build(data), plan


def test_committee_calendar_has_one_row_per_week() -> None:
    """A stay appears in each of its weeks with dates and Chinese product names."""
    scenario, plan = calendar_scenario()
    cal = committee_calendar(scenario, plan, "C1")
    assert list(cal.columns) == CALENDAR_COLUMNS
    assert cal["week"].tolist() == [2, 3, 3]
    assert cal["product_name"].tolist() == ["图书", "图书", "文艺演出"]
    first = cal.iloc[0]
    assert (first["week_start"], first["week_end"]) == ("2027-03-08", "2027-03-14")
    assert (first["first_week"], first["last_week"]) == (2, 3)
    assert first["resource_name"] == "红色经典"
    assert first["delivery_id"] == "C1:book_set:BK1:w02"
    assert committee_calendar(scenario, plan, "C2").empty
    with pytest.raises(KeyError):
        committee_calendar(scenario, plan, "C9")


def test_write_calendars_round_trips_chinese(tmp_path: Path) -> None:
    """Calendars are written per committee as UTF-8 CSV and read back with names intact."""
    scenario, plan = calendar_scenario()
    paths = write_calendars(scenario, plan, tmp_path / "cal")
    assert [p.name for p in paths] == ["calendar-C1.csv", "calendar-C2.csv"]
    assert paths[0].read_bytes().startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(paths[0], encoding="utf-8-sig")
    assert back["resource_name"].tolist() == ["红色经典", "红色经典", "T1越剧团"]
    assert back["theme"].tolist() == ["党史", "党史", "越剧"]
    assert back["product_name"].tolist() == ["图书", "图书", "文艺演出"]
    empty = pd.read_csv(paths[1], encoding="utf-8-sig")
    assert list(empty.columns) == CALENDAR_COLUMNS
    assert empty.empty
