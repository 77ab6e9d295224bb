"""The model a scenario makes, byte for byte: faster building must not change it.

Each scenario's CP-SAT model is exported and hashed. The hashes were first those of the model
as built before building was made faster (options listed and indexed line by line,
distances from networkx), then taken anew when the shortfall rows gained their rounding
cuts (``objective.rounding_cuts``); a change here is a change of the model itself, which
must then be deliberate: rerun the tests and take the new hashes only once the new model
is meant.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from planner.generate import generate
from planner.io import read_scenario
from planner.scenario import Scenario
from planner.solver.model import build_model
from tests.factories import REFERENCE

#: sha256 of each model's exported proto (ortools 9.15).
EXPECTED = {
    "reference13": "bf600af45b706b3237b2a2a36c00c7fd2e76117bb7713669c38ad491a7f24a12",
    "subdistrict1": "272b96832819c2ee50fb57a677d54f9b7295d97cdd9b03ea01fae6fba3b8d7ac",
    "district1": "b70918466c1b0b4f39a6314fcb8593a19859119d1d89e73bdecd9eba8037bc92",
}


def model_hash(scenario: Scenario, tmp_path: Path) -> str:
    """sha256 of the scenario's model, exported as a binary proto."""
    path = tmp_path / "model.pb"
    assert build_model(scenario).ctx.model.export_to_file(str(path))
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_reference_model_is_the_same_byte_for_byte(tmp_path: Path) -> None:
    """The 13-week reference scenario's model (11,626 options) hashes as before."""
    assert model_hash(read_scenario(REFERENCE), tmp_path) == EXPECTED["reference13"]


def test_a_generated_subdistrict_model_is_the_same_byte_for_byte(tmp_path: Path) -> None:
    """Subdistrict seed 1 (generated: service areas, several units per product, closed and
    excluded weeks) hashes as before."""
    assert model_hash(generate("subdistrict", 1), tmp_path) == EXPECTED["subdistrict1"]


@pytest.mark.slow
def test_the_district_model_is_the_same_byte_for_byte(tmp_path: Path) -> None:
    """District seed 1 (408,365 options, shared troupes) hashes as before."""
    assert model_hash(generate("district", 1), tmp_path) == EXPECTED["district1"]
