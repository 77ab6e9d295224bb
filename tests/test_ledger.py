"""The ledger: one tiny exact case per coupling rule, and its agreement with real plans."""

from __future__ import annotations

from planner.baseline import plan_baseline
from planner.ledger import LEDGER_RULES, Ledger
from planner.options import Option, line_options
from planner.plan import Delivery, Plan
from planner.scenario import Product, Scenario
from tests.factories import ask, base_data, board_set, book_set, build, lecturer, troupe
from tests.rules_page import documented_rules

P = Product


def obstacles(scenario: Scenario, plan: list[Delivery], option: Option) -> dict[str, list[int]]:
    """The obstacles the ledger of ``plan`` reports for ``option`` of its own line."""
    ledger = Ledger.of(scenario, plan)
    found = ledger.obstacles(scenario.demand_by_id[option.line_id], option)
    assert ledger.fits(scenario.demand_by_id[option.line_id], option) == (not found)
    return found


def show(committee: str, week: int, tid: str = "T1") -> Delivery:
    """A performance of ``tid`` at ``committee`` in ``week`` for its first line."""
    return Delivery(committee, P.PERFORMANCE, tid, week, week, f"{committee}/performance/1", "越剧")


def own_option(scenario: Scenario, d: Delivery) -> Option:
    """The option a delivery takes up."""
    return Option(d.demand_id, d.unit_id(scenario), d.first_week, d.duration, d.theme)


def test_rules_are_named_in_the_order_of_the_rules_page() -> None:
    """LEDGER_RULES are rule names of docs/rules.md, listed in the page's order."""
    names = [rule for _, rule in documented_rules()]
    assert set(LEDGER_RULES) <= set(names)
    assert sorted(LEDGER_RULES, key=names.index) == list(LEDGER_RULES)


def test_an_option_fits_an_empty_plan() -> None:
    """With nothing planned, a troupe's option for a line breaks no rule."""
    data = base_data(weeks=2)
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("C1", "performance")]
    s = build(data)
    option = Option("C1/performance/1", "T1", 1, 1, "越剧")
    assert obstacles(s, [], option) == {}


def test_demand_limit() -> None:
    """A line that has all it asked for is at its limit; the rule names no week."""
    data = base_data(weeks=2)
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("C1", "performance")]
    s = build(data)
    option = Option("C1/performance/1", "T1", 2, 1, "越剧")
    assert obstacles(s, [show("C1", 1)], option) == {"demand_limit": []}


def test_resource_capacity_in_a_full_week() -> None:
    """A troupe giving its one show a week elsewhere is full in that week."""
    data = base_data(weeks=2)
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("C1", "performance"), ask("C2", "performance")]
    s = build(data)
    option = Option("C2/performance/1", "T1", 1, 1, "越剧")
    assert obstacles(s, [show("C1", 1)], option) == {"resource_capacity": [1]}


def test_resource_capacity_at_the_season_maximum() -> None:
    """A troupe that gave its max_shows is at capacity for the season, in no week."""
    data = base_data(weeks=2)
    data["resources"] = {"troupes": [troupe(max_shows=1)]}
    data["demand"] = [ask("C1", "performance"), ask("C2", "performance")]
    s = build(data)
    option = Option("C2/performance/1", "T1", 2, 1, "越剧")
    assert obstacles(s, [show("C1", 1)], option) == {"resource_capacity": []}


def test_copy_overlap() -> None:
    """Two copies out in turn leave one free each week but none for a whole stay."""
    data = base_data(weeks=6, committees=3)
    data["resources"] = {"book_sets": [book_set("BK", copies=2, stay_weeks=2)]}
    data["demand"] = [ask(f"C{i}", "book_set") for i in (1, 2, 3)]
    s = build(data)
    plan = [
        Delivery("C1", P.BOOK_SET, "BK-1", 2, 3, "C1/book_set/1", "文学"),
        Delivery("C2", P.BOOK_SET, "BK-2", 4, 5, "C2/book_set/1", "文学"),
    ]
    option = Option("C3/book_set/1", "BK", 3, 2, "文学")
    assert obstacles(s, plan, option) == {"copy_overlap": [3, 4]}
    ledger = Ledger.of(s, plan)
    assert ledger.free_copy("BK", range(3, 5)) is None
    assert ledger.free_copy("BK", range(1, 3)) == "BK-2"
    assert ledger.free_copy("BK", range(4, 6)) == "BK-1"


def test_venue_shelf_slots() -> None:
    """A committee with one shelf slot taken has no room for a second book set."""
    data = base_data(weeks=2)
    data["committees"][0]["venue"]["shelf_slots"] = 1
    data["resources"] = {
        "book_sets": [book_set("BK1", stay_weeks=2), book_set("BK2", stay_weeks=2)]
    }
    data["demand"] = [ask("C1", "book_set", 2)]
    s = build(data)
    plan = [Delivery("C1", P.BOOK_SET, "BK1", 1, 2, "C1/book_set/1", "文学")]
    option = Option("C1/book_set/1", "BK2", 1, 2, "文学")
    assert obstacles(s, plan, option) == {"venue": [1, 2]}


def test_events_per_week() -> None:
    """A committee at its one event a week takes no show in that week."""
    data = base_data(weeks=2)
    data["committees"][0]["max_events_per_week"] = 1
    data["resources"] = {"troupes": [troupe()], "lecturers": [lecturer()]}
    data["demand"] = [ask("C1", "lecture"), ask("C1", "performance")]
    s = build(data)
    plan = [Delivery("C1", P.LECTURE, "L1", 1, 1, "C1/lecture/1", "党史")]
    option = Option("C1/performance/1", "T1", 1, 1, "越剧")
    assert obstacles(s, plan, option) == {"events_per_week": [1]}


def test_van_moves() -> None:
    """The van's one move a week, used at one committee, installs nothing elsewhere."""
    data = base_data(weeks=2)
    data["resources"] = {
        "van": {"moves_per_week": 1},
        "board_sets": [board_set("E1", stay_weeks=1), board_set("E2", stay_weeks=1)],
    }
    data["demand"] = [ask("C1", "exhibition"), ask("C2", "exhibition")]
    s = build(data)
    plan = [Delivery("C1", P.EXHIBITION, "E1", 1, 1, "C1/exhibition/1", "党史")]
    option = Option("C2/exhibition/1", "E2", 1, 1, "党史")
    assert obstacles(s, plan, option) == {"van_moves": [1]}


def test_no_repeat_set() -> None:
    """A committee that had a set kind gets no copy of it again, whatever the weeks."""
    data = base_data(weeks=4)
    data["resources"] = {"book_sets": [book_set("BK", copies=2, stay_weeks=2)]}
    data["demand"] = [ask("C1", "book_set", 2)]
    s = build(data)
    plan = [Delivery("C1", P.BOOK_SET, "BK-1", 1, 2, "C1/book_set/1", "文学")]
    option = Option("C1/book_set/1", "BK", 3, 2, "文学")
    assert obstacles(s, plan, option) == {"no_repeat_set": []}


def test_duplicate_delivery() -> None:
    """A second show of the same troupe at the same committee in the same week has the
    same delivery id, though the troupe could give two shows that week."""
    data = base_data(weeks=2)
    data["resources"] = {"troupes": [troupe(shows_per_week=2)]}
    data["demand"] = [ask("C1", "performance", 2)]
    s = build(data)
    option = Option("C1/performance/1", "T1", 1, 1, "越剧")
    assert obstacles(s, [show("C1", 1)], option) == {"duplicate_delivery": [1]}


def test_deliveries_breaking_rules_are_recorded_without_crashing() -> None:
    """Unknown resources and committees and weeks outside the season are taken as given."""
    data = base_data(weeks=2)
    data["resources"] = {
        "troupes": [troupe()],
        "book_sets": [book_set("BK", copies=2, stay_weeks=2)],
    }
    data["demand"] = [ask("C1", "performance", 4)]
    s = build(data)
    plan = [
        show("C1", 1, tid="T9"),
        show("C9", 1),
        show("C1", 7),
        Delivery("C1", P.BOOK_SET, "BK", 2, 5, "", "文学"),
        Delivery("C1", P.PERFORMANCE, "T1", 2, 1, "C1/performance/1", "越剧"),
    ]
    ledger = Ledger.of(s, plan)
    assert ledger.line_use("C1/performance/1") == 3
    assert ledger.season_use("T1") == 3
    assert ledger.delivered("C1", P.PERFORMANCE) == 3
    assert ledger.free_copy("BK", range(2, 9)) == "BK-1"
    line = s.demand_by_id["C1/performance/1"]
    assert ledger.obstacles(line, Option(line.id, "T1", 1, 1, "越剧")) == {"resource_capacity": [1]}
    assert ledger.obstacles(line, Option(line.id, "T1", 2, 1, "越剧")) == {
        "duplicate_delivery": [2]
    }
    assert len(ledger.plan()) == len(plan)


def test_the_reference_baseline_replays_and_repeats(reference: Scenario) -> None:
    """Replayed delivery by delivery, each of the reference baseline's deliveries fits the
    plan so far; in the whole plan each one is a duplicate of itself, and fits agrees
    with the obstacles on every option of every line."""
    plan = plan_baseline(reference)
    growing = Ledger(reference)
    for d in plan:
        line = reference.demand_by_id[d.demand_id]
        assert growing.obstacles(line, own_option(reference, d)) == {}
        growing.add(d)
    whole = Ledger.of(reference, plan)
    assert whole.plan() == plan == growing.plan()
    for d in plan:
        line = reference.demand_by_id[d.demand_id]
        assert "duplicate_delivery" in whole.obstacles(line, own_option(reference, d))
    for line in reference.demand_lines:
        for option in line_options(reference, line):
            assert whole.fits(line, option) == (not whole.obstacles(line, option))


def test_a_plan_and_its_ledger_are_the_same_deliveries() -> None:
    """Ledger.plan() gives back the deliveries recorded, sorted as a Plan."""
    data = base_data(weeks=2)
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("C1", "performance", 2)]
    s = build(data)
    plan = Plan.of([show("C1", 2), show("C1", 1)])
    assert Ledger.of(s, reversed(plan.deliveries)).plan() == plan
