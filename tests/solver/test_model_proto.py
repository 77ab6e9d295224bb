"""The model a scenario makes, byte for byte: faster building must not change it.

Each scenario's CP-SAT model is exported and hashed. The hashes are those of the model
as built before building was made faster (options listed and indexed line by line,
distances from networkx); a change here is a change of the model itself, which must
then be deliberate: rerun the tests and take the new hashes only once the new model is
meant.
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
    "reference13": "fb074808e560f93b8c7060ce9da417ccb20ad0eaa34fb0a5a9fed0da11da0bac",
    "subdistrict1": "29fb59295095841e4db8bad36c6560d0313e568b25d0f858dabe6be0729f4090",
    "district1": "82ed0bffadd3cb721ea8f196dadf18360f6fe701c5ac018bbd2ed49db784084d",
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
