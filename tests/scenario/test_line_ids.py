"""Demand-line ids: explicit ids kept, the others derived from what the line asks for."""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.generate import generate
from planner.io import read_deliveries
from planner.io.deliveries_csv import write_deliveries
from planner.scenario import Demand, Product, Scenario
from planner.scenario.line_ids import content_id, line_ids
from planner.validate import check_plan
from tests.factories import ask, base_data, build, lecturer, solve_valid, troupe


def demand(**fields: Any) -> Demand:
    """A demand record, performance at C1 unless ``fields`` say otherwise."""
    return Demand.model_validate(
        {"committee": "C1", "product": "performance", "count": 1, **fields}
    )


def ids_by_content(lines: list[Demand]) -> dict[tuple[Any, ...], str]:
    """Each line's resolved id, keyed by everything the line holds (lines are distinct)."""
    return {
        (d.committee, d.product, tuple(d.themes), tuple(d.preferred_weeks), d.count): i
        for d, i in zip(lines, line_ids(lines), strict=True)
    }


LINES = [
    demand(themes=["沪剧"], count=2),
    demand(themes=["越剧"], preferred_weeks=[3, 4]),
    demand(),
    demand(committee="C2", themes=["沪剧"]),
    demand(product="lecture", themes=["党史"], excluded_weeks=[2]),
]


def test_derived_id_names_committee_and_product_and_hashes_the_wishes() -> None:
    """A line without id gets ``committee/product/<8 hex>``; the digest follows its
    themes and weeks as sets (order and repeats do not matter), not its count or
    priority."""
    base = content_id(demand(themes=["沪剧", "越剧"], preferred_weeks=[4, 3]))
    prefix, digest = base.rsplit("/", 1)
    assert prefix == "C1/performance"
    assert len(digest) == 8 and int(digest, 16) >= 0
    same = demand(themes=["越剧", "沪剧", "越剧"], preferred_weeks=[3, 4], count=3, priority=2)
    assert content_id(same) == base
    assert content_id(demand(themes=["沪剧"], preferred_weeks=[3, 4])) != base
    assert content_id(demand(themes=["沪剧", "越剧"], preferred_weeks=[3])) != base
    assert content_id(demand(themes=["沪剧", "越剧"], excluded_weeks=[3, 4])) != base
    assert content_id(demand(committee="C2", themes=["沪剧", "越剧"])).startswith("C2/")


def test_explicit_ids_are_kept() -> None:
    """A line that gives ``id`` keeps it; the lines around it are derived."""
    lines = [demand(id="我的演出"), demand(themes=["沪剧"])]
    assert line_ids(lines) == ["我的演出", content_id(lines[1])]


def test_other_lines_added_removed_or_reordered_leave_an_id_alone() -> None:
    """Inserting a line in front, removing one, and reversing the order give every
    remaining line the id it had."""
    before = ids_by_content(LINES)
    inserted = [demand(themes=["越剧"]), *LINES]
    removed = LINES[:2] + LINES[3:]
    for edited in (inserted, removed, LINES[::-1]):
        after = ids_by_content(edited)
        assert {k: v for k, v in after.items() if k in before} == {
            k: v for k, v in before.items() if k in after
        }
    assert len(set(line_ids(inserted))) == len(inserted)


any_line = st.builds(
    demand,
    committee=st.sampled_from(["C1", "C2"]),
    product=st.sampled_from(["performance", "lecture"]),
    themes=st.lists(st.sampled_from(["沪剧", "越剧", "党史"]), max_size=2),
    preferred_weeks=st.lists(st.integers(1, 4), max_size=2),
    excluded_weeks=st.lists(st.integers(1, 4), max_size=1),
    count=st.integers(1, 3),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(any_line, max_size=8), st.lists(any_line, max_size=3), st.data())
def test_any_edit_of_other_lines_keeps_a_line_s_id(
    lines: list[Demand], added: list[Demand], data: st.DataObject
) -> None:
    """Whatever lines are added, removed or shuffled around it, a line whose wishes no
    other line shares, before or after, keeps its id."""
    kept = data.draw(
        st.lists(st.sampled_from(range(len(lines))), unique=True) if lines else st.just([])
    )
    edited = [lines[i] for i in kept] + added
    edited = data.draw(st.permutations(edited))
    before = dict(zip(map(id, lines), line_ids(lines), strict=True))
    after = dict(zip(map(id, edited), line_ids(edited), strict=True))
    shared = Counter(content_id(d) for d in [*lines, *added])
    for d in edited:
        if id(d) in before and shared[content_id(d)] == 1:
            assert after[id(d)] == before[id(d)] == content_id(d)
    assert len(set(after.values())) == len(edited)


def test_lines_asking_for_the_same_get_a_tiebreak_by_position() -> None:
    """Lines with the same committee, product and wishes: the first in the file keeps
    the plain id, the next ``-2`` and so on, whatever their counts and priorities (so a
    changed count moves no id); lines of other content do not take part."""
    same = [demand(count=3), demand(count=1), demand(count=1, priority=2), demand(count=1)]
    base = content_id(same[0])
    assert line_ids(same) == [base, f"{base}-2", f"{base}-3", f"{base}-4"]
    # A changed count or priority moves none of them.
    edited = [demand(count=1), demand(count=5), demand(count=1), demand(count=1, priority=3)]
    assert line_ids(edited) == line_ids(same)
    # Another line, added in front, changes none of them.
    other = demand(themes=["沪剧"])
    assert line_ids([other, *same])[1:] == line_ids(same)


def test_duplicated_explicit_ids_stay_an_input_error() -> None:
    """Two lines giving the same id, or an id that another line derives, are reported."""
    data = base_data()
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("C1", "performance", id="x"), ask("C2", "performance", id="x")]
    with pytest.raises(ValueError, match=r"demand\[1\]\.id: duplicated demand id 'x'"):
        build(data)
    derived = content_id(demand())
    data["demand"] = [ask("C1", "performance"), ask("C2", "performance", id=derived)]
    with pytest.raises(ValueError, match=r"demand\[1\]\.id: duplicated demand id"):
        build(data, number_lines=False)


def test_generated_scenarios_give_every_line_an_explicit_id(reference: Scenario) -> None:
    """``generate`` and the reference scenario write ``committee/product/n`` on every
    line, numbering each committee's lines of a product from 1."""
    for scenario in (reference, generate("subdistrict", seed=2)):
        assert all(d.id for d in scenario.demand)
        seen: dict[tuple[str, Product], int] = {}
        for d in scenario.demand:
            n = seen[(d.committee, d.product)] = seen.get((d.committee, d.product), 0) + 1
            assert d.id == f"{d.committee}/{d.product.value}/{n}"


# -- a published plan survives edits of other lines -------------------------------------


def hand_written() -> dict[str, Any]:
    """Three committees, two troupes (越剧, 沪剧) and a lecturer; lines without ids.

    C1 asks for two 沪剧 shows and one 越剧 show, C2 for a show of any genre, C3 for
    a lecture, and C2 for an exhibition that nothing delivers (so no plan serves it).
    """
    data = base_data(weeks=4, committees=3)
    data["resources"] = {
        "troupes": [troupe("T1", "越剧"), troupe("T2", "沪剧")],
        "lecturers": [lecturer()],
    }
    data["demand"] = [
        ask("C1", "performance", 2, themes=["沪剧"]),
        ask("C1", "performance", 1, themes=["越剧"]),
        ask("C2", "performance"),
        ask("C2", "exhibition"),
        ask("C3", "lecture"),
    ]
    return data


def test_published_plan_stays_valid_after_other_lines_are_edited(tmp_path: Path) -> None:
    """Solve, write deliveries.csv, then insert a 越剧 line in front of C1's others,
    remove the exhibition line nothing serves, and reverse the lines: the unchanged
    file still reads back and keeps every hard rule, each delivery on its old line."""
    data = hand_written()
    scenario = build(data, number_lines=False)
    plan = solve_valid(scenario).plan
    assert plan is not None
    served = {d.demand_id for d in plan}
    # The plan serves both of C1's lines, so a re-pointed id would break theme_fit.
    c1 = [line.id for line in scenario.demand_lines if line.committee == "C1"]
    assert set(c1) <= served
    published = tmp_path / "deliveries.csv"
    write_deliveries(plan, scenario, published)

    edited = copy.deepcopy(data)
    edited["demand"].insert(0, ask("C1", "performance", 1, themes=["越剧"], preferred_weeks=[2]))
    exhibition = next(i for i, d in enumerate(edited["demand"]) if d["product"] == "exhibition")
    removed = edited["demand"].pop(exhibition)
    assert removed["committee"] == "C2"
    edited["demand"].reverse()
    later = build(edited, number_lines=False)

    again = read_deliveries(published, later)
    assert [d.demand_id for d in again] == [d.demand_id for d in plan]
    assert check_plan(later, again) == []
    kept = {line.id for line in later.demand_lines}
    assert served <= kept
