"""The README's scenario-format example is a valid scenario as written."""

from __future__ import annotations

import textwrap
from pathlib import Path

from planner.io import parse_scenario

README = Path(__file__).resolve().parents[2] / "README.md"
MARK = "<!-- scenario-format-example -->"


def readme_example() -> str:
    """The first ```yaml block after the example's mark in README.md."""
    text = README.read_text(encoding="utf-8")
    start = text.index("```yaml\n", text.index(MARK)) + len("```yaml\n")
    return text[start : text.index("```", start)]


def test_readme_scenario_example_validates() -> None:
    """Copied as it stands, the format example reads as a valid scenario."""
    s = parse_scenario(readme_example(), "README.md")
    assert s.committees[0].id == "C01"
    assert set(s.resource_units) == {"B01", "E01", "T01", "L01", "R01"}


def test_readme_two_levels_example_validates() -> None:
    """The two-level example of the scenario format reads as a valid scenario with two
    subdistricts, the district troupe shared and 五角场's own troupe serving only it."""
    text = README.read_text(encoding="utf-8")
    mark = "<!-- two-levels-example -->"
    start = text.index("```yaml\n", text.index(mark)) + len("```yaml\n")
    block = text[start : text.index("```", start)]
    s = parse_scenario(textwrap.dedent(block), "README.md")
    assert s.has_levels and [sd.id for sd in s.subdistricts] == ["WJC", "YX"]
    assert getattr(s.subdistrict_of("YX-C01"), "name", None) == "殷行街道"
    assert s.serves("DT01", "YX-C01") and not s.serves("T01", "YX-C01")
