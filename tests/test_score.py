"""The solver-free score of a plan: hand-computed figures and agreement with the model."""

from __future__ import annotations

import pytest

from planner import score
from planner.plan import Delivery, Plan
from planner.scenario import Product
from planner.score import Guarantees, Scorer, guarantee_problems, meets_guarantees, score_plan
from tests.factories import (
    ask,
    base_data,
    book_set,
    build,
    lecturer,
    only,
    show,
    talk,
    troupe,
)


def test_constants_and_terms_are_the_models() -> None:
    """SCALE, BASIS and the named terms with their levels are those of the model."""
    from planner.solver import context, objective
    from planner.solver.model import build_model

    assert score.SCALE == context.SCALE
    assert score.BASIS == objective.BASIS
    built = build_model(build(base_data()))
    assert [(t.name, t.level) for t in built.terms] == list(score.TERMS)


def _two_committees() -> dict:
    """C1 asks 2 shows, C2 asks 1 show and 1 lecture; one troupe, one lecturer."""
    d = base_data(weeks=4)
    d["resources"] = {"troupes": [troupe("T1", "越剧")], "lecturers": [lecturer("L1")]}
    d["demand"] = [
        ask("C1", "performance", 2, preferred_weeks=[2]),
        ask("C2", "performance", 1),
        ask("C2", "lecture", 1, priority=3),
    ]
    return d


def test_coverage_fairness_and_shortfall_by_hand() -> None:
    """Two shows to C1 and a show to C2: coverage 50 + 50 × 1/4 = 62.5 %, lowest 25 %,
    C2 short of the 50 % target by 25 points; a preferred-week show earns its point."""
    d = _two_committees()
    d["objective"] = only(coverage=100, fairness=10, shortfall=20, shortfall_target=0.5)
    d["objective"]["preference"] = 1
    s = build(d)
    plan = Plan.of(
        [
            show("C1", 1, "C1/performance/1"),
            show("C1", 2, "C1/performance/1"),
            show("C2", 3, "C2/performance/1"),
        ]
    )
    got = score_plan(s, plan)
    assert got.term_points() == pytest.approx(
        {
            "coverage": 62.5 * 100,
            "fairness": 25 * 10,
            "shortfall": -25 * 20,
            "travel": 0,
            "spread": 0,
            "variety": 0,
            "preference": 1,
            "fixtures": 0,
        }
    )
    assert got.min_coverage_bp == 2500
    assert got.total == pytest.approx(6250 + 250 - 500 + 1)
    assert got.stages == pytest.approx({"primary": 6001, "secondary": 0})


def test_committee_coverage_is_whole_basis_points_as_in_the_model() -> None:
    """A committee at 1/3 counts 3333 basis points for fairness (rounded down) and
    1667 short of 50 % (rounded up), as the model's integer variables hold them."""
    d = base_data(weeks=4, committees=1)
    d["resources"] = {"troupes": [troupe("T1", "越剧")]}
    d["demand"] = [ask("C1", "performance", 3)]
    d["objective"] = only(fairness=1, shortfall=1, shortfall_target=0.5)
    got = score_plan(build(d), [show("C1", 1, "C1/performance/1")])
    assert got.min_coverage_bp == 3333
    assert got.term_points()["fairness"] == pytest.approx(33.33)
    assert got.term_points()["shortfall"] == pytest.approx(-16.67)


def test_model_points_round_each_coefficient_to_a_thousandth() -> None:
    """Travel of 0.0123 points per km over a short trip: the exact points keep every
    digit, the model points round the coefficient to 1/1000 point, as the model does."""
    d = _two_committees()
    d["objective"] = only(travel=0.0123)
    s = build(d)
    got = score_plan(s, [show("C1", 1, "C1/performance/1")])
    (travel,) = (t for t in got.terms if t.name == "travel")
    assert travel.points != 0
    assert travel.model_points == round(travel.points * score.SCALE) / score.SCALE
    assert abs(travel.points - travel.model_points) <= 0.0005


def test_spread_variety_and_the_fairness_stage() -> None:
    """Two events in one week cost one spread unit; a show and a lecture are two
    (product, theme) pairs; fairness_first adds a stage valued in percent."""
    d = _two_committees()
    d["objective"] = only(spread=2, variety=3, fairness=1, fairness_first=True)
    s = build(d)
    plan = [show("C2", 1, "C2/performance/1"), talk("C2", 1, "C2/lecture/1")]
    got = score_plan(s, plan)
    assert got.term_points()["spread"] == pytest.approx(-2)
    assert got.term_points()["variety"] == pytest.approx(2 * 3)
    assert list(got.stages) == ["fairness", "primary", "secondary"]
    assert got.stages["fairness"] == 0  # C1 got nothing
    assert got.stages["secondary"] == pytest.approx(4)


def test_lines_no_option_can_serve_are_left_out_of_committee_coverage() -> None:
    """A book set line no set can serve (no book sets at all) does not pin C1's
    coverage at 0: with its show delivered C1 counts as fully served."""
    d = base_data(weeks=2, committees=1)
    d["resources"] = {"troupes": [troupe("T1", "越剧")]}
    d["demand"] = [ask("C1", "performance", 1), ask("C1", "book_set", 1)]
    d["objective"] = only(fairness=1)
    got = score_plan(build(d), [show("C1", 1, "C1/performance/1")])
    assert got.min_coverage_bp == 10_000


def test_unknown_references_are_refused() -> None:
    """A delivery naming a demand line the scenario lacks cannot be scored."""
    s = build(_two_committees())
    with pytest.raises(ValueError, match="known_reference"):
        score_plan(s, [show("C1", 1, "C9/performance/1")])


def test_guarantee_keeps_the_baseline_minimum() -> None:
    """With keep_baseline_minimum the baseline serves both committees, so an empty plan
    breaks the guarantee and the baseline's own plan meets it; off, nothing is asked."""
    from planner.baseline import plan_baseline

    d = base_data(weeks=4)
    d["resources"] = {"book_sets": [book_set("B1", copies=2, stay_weeks=2)]}
    d["demand"] = [ask("C1", "book_set", 1), ask("C2", "book_set", 1)]
    d["objective"] = {"keep_baseline_coverage": False}
    s = build(d)
    assert s.objective.keep_baseline_minimum
    baseline = plan_baseline(s)
    assert Guarantees(Scorer(s)).baseline_floor == 10_000
    assert meets_guarantees(s, baseline)
    (problem,) = guarantee_problems(s, [])
    assert problem.startswith("keep_baseline_minimum")
    # The same, as the reason a baseline's plan is passed over.
    assert Guarantees(Scorer(s)).broken([]) == ["minimum"]
    assert Guarantees(Scorer(s)).broken(baseline) == []
    d["objective"] = {"keep_baseline_minimum": False, "keep_baseline_coverage": False}
    assert guarantee_problems(build(d), []) == []
    assert Guarantees(Scorer(build(d))).broken([]) == []


def test_guarantee_keeps_each_committee_at_its_baseline_coverage() -> None:
    """With keep_baseline_coverage (the default) a plan that serves C1 but not C2 breaks
    the guarantee for C2 only; the baseline's own plan meets it."""
    from planner.baseline import plan_baseline

    d = base_data(weeks=4)
    d["resources"] = {"book_sets": [book_set("B1", copies=2, stay_weeks=2)]}
    d["demand"] = [ask("C1", "book_set", 1), ask("C2", "book_set", 1)]
    d["objective"] = {"keep_baseline_minimum": False}
    s = build(d)
    baseline = plan_baseline(s)
    assert meets_guarantees(s, baseline)
    only_c1 = [x for x in baseline if x.committee_id == "C1"]
    assert len(only_c1) == 1
    (problem,) = guarantee_problems(s, only_c1)
    assert problem.startswith("keep_baseline_coverage: committee C2 has coverage 0.00 %")
    assert Guarantees(Scorer(s)).broken(only_c1) == ["coverage"]
    assert Guarantees(Scorer(s)).broken(baseline) == []


def test_fixture_bonus_counts_for_matching_deliveries_only() -> None:
    """A reading-month fixture favouring 文学 book sets in week 1 gives its bonus × weight
    to a 文学 stay starting in week 1 and nothing to one starting in week 3."""
    d = base_data(weeks=4, committees=2)
    d["season"]["fixtures"] = [
        {
            "id": "F1",
            "name": "读书月",
            "weeks": [1],
            "product": "book_set",
            "themes": ["文学"],
            "bonus": 1.5,
        }
    ]
    d["resources"] = {"book_sets": [book_set("B1", copies=2, stay_weeks=2)]}
    d["demand"] = [ask("C1", "book_set", 1), ask("C2", "book_set", 1)]
    d["objective"] = only(fixtures=2)
    s = build(d)
    stays = [
        Delivery("C1", Product.BOOK_SET, "B1-1", 1, 2, "C1/book_set/1", "文学"),
        Delivery("C2", Product.BOOK_SET, "B1-2", 3, 4, "C2/book_set/1", "文学"),
    ]
    assert score_plan(s, stays).term_points()["fixtures"] == pytest.approx(3.0)
