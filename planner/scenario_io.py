"""Reading and writing scenario files (YAML, UTF-8)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from planner.problems import Loc, Problem, ScenarioError, scenario_problems
from planner.scenario import Scenario


def read_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Parameters
    ----------
    path
        A YAML file in UTF-8.

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    ScenarioError
        With every problem found, each with its place and line in the file.
    """
    path = Path(path)
    source = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(source, [Problem((), f"cannot read file: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            source,
            [Problem((), f"not UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start}")],
        ) from None
    return parse_scenario(text, source)


def parse_scenario(text: str, source: str = "<scenario>") -> Scenario:
    """Parse and validate scenario YAML text; see :func:`read_scenario`."""
    if not text.strip():
        raise ScenarioError(source, [Problem((), "the file is empty")])
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(source, [Problem((), f"malformed YAML: {problem}", line)]) from None
    if not isinstance(data, dict):
        raise ScenarioError(
            source, [Problem((), f"expected a mapping at the top, found {type(data).__name__}")]
        )
    return scenario_from_dict(data, source, node)


def scenario_from_dict(
    data: dict[str, Any], source: str = "<scenario>", node: yaml.Node | None = None
) -> Scenario:
    """Validate a scenario given as plain data (as loaded from YAML or JSON).

    Raises
    ------
    ScenarioError
        With every problem found.
    """
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(tuple(e["loc"]), _message(e), _line(node, tuple(e["loc"])))
            for e in exc.errors()
        ]
        raise ScenarioError(source, problems) from None
    problems = scenario_problems(scenario)
    if problems:
        raise ScenarioError(
            source, [Problem(p.loc, p.message, _line(node, p.loc)) for p in problems]
        )
    return scenario


def write_scenario(scenario: Scenario, path: str | Path, header: str = "") -> None:
    """Write a scenario as YAML (UTF-8, Chinese kept as is).

    Parameters
    ----------
    scenario
        The scenario.
    path
        Destination file.
    header
        Comment lines written first (without ``#``).
    """
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    lines = "".join(f"# {h}".rstrip() + "\n" for h in header.splitlines()) if header else ""
    Path(path).write_text(lines + text, encoding="utf-8")


def scenario_schema() -> str:
    """Return the JSON Schema of the scenario format, as indented JSON."""
    return json.dumps(Scenario.model_json_schema(), ensure_ascii=False, indent=2)


def _message(error: Any) -> str:
    msg = str(error["msg"])
    if error["type"] == "missing":
        return "required field is missing"
    if error["type"] == "extra_forbidden":
        return "unknown field"
    value = error.get("input")
    if error["type"] not in {"model_type", "dict_type", "list_type"} and not isinstance(
        value, dict | list
    ):
        return f"{msg} (got {value!r})"
    return msg


def _line(node: yaml.Node | None, loc: Loc) -> int | None:
    """Return the 1-based line of the deepest node that ``loc`` reaches."""
    if node is None:
        return None
    best = node
    for part in loc:
        nxt: yaml.Node | None = None
        if isinstance(best, yaml.MappingNode) and isinstance(part, str):
            for key, value in best.value:
                if getattr(key, "value", None) == part:
                    nxt = value
                    break
        elif (
            isinstance(best, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(best.value)
        ):
            nxt = best.value[part]
        if nxt is None:
            break
        best = nxt
    return best.start_mark.line + 1
