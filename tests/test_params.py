"""Solve parameters as plain data (from a file, from a mapping), and the relative gap."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.params import SolveParams, relative_gap


def test_solve_params_from_file(tmp_path: Path) -> None:
    """A YAML file sets the named parameters; the rest keep their defaults."""
    path = tmp_path / "params.yaml"
    path.write_text("time_limit: 12.5\nworkers: 1\nseed: 7\n", encoding="utf-8")
    params = SolveParams.from_file(path)
    assert (params.time_limit, params.workers, params.seed) == (12.5, 1, 7)
    assert params.relative_gap == SolveParams().relative_gap


def test_solve_params_from_file_rejects_unknown_keys(tmp_path: Path) -> None:
    """An unknown key is an error that names the file and the key."""
    path = tmp_path / "params.yaml"
    path.write_text("time_limit: 5\nthreads: 4\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"params\.yaml: unknown solve parameter 'threads'"):
        SolveParams.from_file(path)


def test_relative_gap_is_relative_to_the_objective() -> None:
    """The gap divides by the objective, and by 1 when the objective is smaller."""
    assert relative_gap(200.0, 210.0) == pytest.approx(0.05)
    assert relative_gap(0.0, 0.5) == pytest.approx(0.5)


def test_solve_params_are_plain_data_that_round_trip() -> None:
    """Parameters turn into a plain mapping (YAML, an API body) and back unchanged, and
    hold no callback: progress and stopping are arguments of ``solve``."""
    params = SolveParams(
        time_limit=7.5, seed=3, workers=1, relative_gap=0.01, log=True, decompose="no"
    )
    data = params.to_dict()
    assert data == {
        "time_limit": 7.5,
        "seed": 3,
        "workers": 1,
        "relative_gap": 0.01,
        "log": True,
        "decompose": "no",
    }
    assert SolveParams.from_dict(data) == params


def test_solve_params_from_dict_names_the_source_of_unknown_keys() -> None:
    """An unknown key in a mapping is an error naming the given source and every key."""
    with pytest.raises(
        ValueError,
        match=r"^request body: unknown solve parameter 'a'; unknown solve parameter 'b'$",
    ):
        SolveParams.from_dict({"b": 1, "a": 2, "seed": 1}, "request body")


def test_solve_params_from_dict_lists_every_bad_value() -> None:
    """Values are checked, not converted: text for numbers, no workers, a gap above 1
    and a non-boolean log are all reported at once, naming each key and value."""
    with pytest.raises(ValueError) as caught:
        SolveParams.from_dict(
            {"time_limit": "10", "workers": 0, "relative_gap": 5, "log": "yes", "seed": 1.5}
        )
    assert str(caught.value) == (
        "solve parameters: time_limit: a number of seconds above 0, not '10'; "
        "workers: a whole number of at least 1, not 0; "
        "relative_gap: a number from 0 to 1, not 5; log: true or false, not 'yes'; "
        "seed: a whole number, not 1.5"
    )


def test_solve_params_problems_are_in_chinese_by_default() -> None:
    """In Chinese the problems name the same keys and values, with full-width colons and
    semicolons between them."""
    from planner.i18n import use_language

    with use_language("zh_CN"), pytest.raises(ValueError) as caught:
        SolveParams.from_dict({"workers": 0, "threads": 4})
    assert str(caught.value) == (
        "求解参数：未知的求解参数 'threads'；workers：应为不小于 1 的整数，而不是 0"
    )


def test_default_solve_params_stop_at_a_half_percent_gap() -> None:
    """The defaults are the command line's: 30 s, seed 0, 2 workers, a 0.5 % gap, a
    large scenario of several subdistricts split by subdistrict."""
    assert SolveParams().to_dict() == {
        "time_limit": 30.0,
        "seed": 0,
        "workers": 2,
        "relative_gap": 0.005,
        "log": False,
        "decompose": "auto",
    }
