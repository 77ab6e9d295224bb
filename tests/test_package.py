"""What ``import planner`` offers: the public names, listed by ``dir``, loaded on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest

import planner

#: What a notebook user reaches for first; each must be listed and usable.
NEEDED = {
    "read_scenario",
    "reference_scenario",
    "solve",
    "SolveParams",
    "check_plan",
    "compute_kpis",
    "plan_baseline",
    "deliveries_frame",
    "committees_frame",
    "demand_frame",
    "resources_frame",
    "weeks_frame",
    "plan_frame",
    "use_language",
}


def test_dir_and_all_list_the_public_names() -> None:
    """``dir(planner)`` (what tab completion shows) lists ``solve`` and every other public
    name, also those not loaded yet; ``__all__`` names the same."""
    assert set(planner.__all__) >= NEEDED | set(planner._LAZY)
    assert set(planner.__all__) <= set(dir(planner))
    # Only the public names: not this module's helpers nor its submodules.
    assert set(dir(planner)) == set(planner.__all__)
    assert not {"Any", "TYPE_CHECKING", "importlib"} & set(dir(planner))


@pytest.mark.parametrize("name", sorted(planner.__all__))
def test_every_public_name_can_be_used(name: str) -> None:
    """Each exported name resolves to the object of the module that defines it."""
    value = getattr(planner, name)
    assert value is not None
    assert getattr(value, "__name__", name) == name


def test_an_unknown_name_is_an_attribute_error() -> None:
    """A name that is not exported raises AttributeError, as for any module."""
    with pytest.raises(AttributeError, match="has no attribute 'solv'"):
        planner.solv  # noqa: B018


def test_importing_and_listing_planner_loads_no_solver() -> None:
    """``import planner``, ``dir(planner)`` and the solver-free names do not import
    OR-Tools or the solver; ``planner.solve`` does."""
    code = (
        "import sys, planner\n"
        "names = dir(planner)\n"
        "planner.check_plan, planner.compute_kpis, planner.deliveries_frame\n"
        "print('solve' in names, 'ortools' in sys.modules, 'planner.solver' in sys.modules)\n"
        "planner.solve\n"
        "print('ortools' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    assert out == ["True", "False", "False", "True"]
