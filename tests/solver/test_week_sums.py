"""The week rows written with sums of starts say the same as the plain sums of options."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from planner.scenario import Scenario
from planner.solver.model import BuiltModel, build_model


@pytest.fixture(scope="module")
def built(reference: Scenario) -> BuiltModel:
    """The 13-week reference model, built once for these tests."""
    return build_model(reference)


@pytest.mark.parametrize("family", ["unit", "stay", "event"])
def test_each_week_sum_counts_exactly_the_options_of_its_row(
    built: BuiltModel, family: str
) -> None:
    """With every sum of starts replaced by its options, each week row's sum is the sum of
    the options occupying that week, each once; and the family does use sums of starts."""
    ctx = built.ctx
    families: dict[str, dict[Any, list[int]]] = {
        "unit": ctx.by_unit_week,
        "stay": ctx.stays,
        "event": ctx.events,
    }
    rows = families[family]
    option_of = {x.index: i for i, x in enumerate(ctx.x)}
    terms = ctx.week_terms(family)
    assert set(terms) == set(rows)
    used = 0
    for key, variables in terms.items():
        counted: Counter[int] = Counter()
        for var in variables:
            if var.index in ctx.start_sums:
                used += 1
                counted.update(ctx.start_sums[var.index])
            else:
                counted[option_of[var.index]] += 1
        assert counted == Counter(rows[key]), key
    assert used


def test_each_sum_of_starts_equals_its_options(built: BuiltModel) -> None:
    """Each sum of starts has its equality y = Σ x over options of one start and duration,
    and a range no wider than its number of options."""
    ctx = built.ctx
    proto = ctx.model.proto
    equalities: dict[int, tuple[int, dict[int, int]]] = {}
    for ct in proto.constraints:
        if ct.has_linear() and list(ct.linear.domain) == [0, 0]:
            for var, coeff in zip(ct.linear.vars, ct.linear.coeffs, strict=True):
                if var in ctx.start_sums:
                    equalities[var] = (
                        coeff,
                        dict(zip(ct.linear.vars, ct.linear.coeffs, strict=True)),
                    )
    assert set(equalities) == set(ctx.start_sums)
    for y, idx in ctx.start_sums.items():
        coeff, terms = equalities[y]
        assert terms == {y: coeff, **{ctx.x[i].index: -coeff for i in idx}}
        assert len({(ctx.options[i].first_week, ctx.options[i].duration) for i in idx}) == 1
        assert 0 == proto.variables[y].domain[0] <= proto.variables[y].domain[-1] <= len(idx)
