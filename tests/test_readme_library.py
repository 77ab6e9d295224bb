"""The README's library example runs as written and ends as ``cultplan solve`` does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from planner import Result, Scenario, SolveParams
from planner.validate import check_plan
from tests.factories import REFERENCE

ROOT = Path(__file__).resolve().parent.parent
CULTPLAN = Path(sys.executable).parent / "cultplan"
#: The comment that marks the example in README.md; the code block after it is run.
MARKER = "<!-- tests/test_readme_library.py runs this example"


def library_example() -> str:
    """The Python code block that follows the marker in README.md."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.count(MARKER) == 1, "the README's library example lost its marker"
    after = text.split(MARKER, 1)[1]
    start = after.index("```python\n") + len("```python\n")
    return after[start : after.index("```", start)]


def test_readme_library_example_ends_as_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from the repository root, the README's library example (default parameters)
    ends with the same status and stop reason as ``cultplan solve`` without options on
    the same scenario, and the command line records the settings of ``SolveParams()``."""
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {"__name__": "__readme__"}
    exec(compile(library_example(), "README.md[library]", "exec"), namespace)
    result, scenario = namespace["result"], namespace["scenario"]
    assert isinstance(result, Result) and isinstance(scenario, Scenario)
    assert result.plan is not None and result.stop_reason is not None
    assert check_plan(scenario, result.plan) == []

    out = tmp_path / "out"
    proc = subprocess.run(
        [str(CULTPLAN), "solve", str(REFERENCE), "--quiet", "--out", str(out)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert (report["status"], report["stop_reason"]) == (
        result.status.value,
        result.stop_reason.value,
    )
    defaults = SolveParams().to_dict()
    run = report["run"]
    assert {key: run[key] for key in ("time_limit", "seed", "workers", "relative_gap")} == {
        key: defaults[key] for key in ("time_limit", "seed", "workers", "relative_gap")
    }
