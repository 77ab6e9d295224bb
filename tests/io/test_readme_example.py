"""The README's scenario-format example is a valid scenario as written."""

from __future__ import annotations

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
