"""Reading and writing scenario files (YAML, UTF-8)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from planner.scenario import Loc, Problem, Scenario, ScenarioError, scenario_problems

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
        document = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(source, [Problem((), f"malformed YAML: {problem}", line)]) from None
    if not isinstance(document, dict):
        found = type(document).__name__
        raise ScenarioError(source, [Problem((), f"expected a mapping at the top, found {found}")])
    try:
        return scenario_from_dict(document, source)
    except ScenarioError as exc:
        # Only a bad file pays for a second parse, which gives each problem its line.
        node = yaml.compose(text, Loader=_LOADER)
        problems = [Problem(p.loc, p.message, _line(node, p.loc)) for p in exc.problems]
        problems.sort(key=lambda p: p.line or 0)
        raise ScenarioError(source, problems) from None


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
        field_problems = [Problem(tuple(e["loc"]), _message(e)) for e in exc.errors()]
        seen = {p.loc for p in field_problems}
        problems = field_problems + [p for p in raw_reference_problems(data) if p.loc not in seen]
        raise ScenarioError(
            source, [Problem(p.loc, p.message, _line(node, p.loc)) for p in problems]
        ) from None
    problems = scenario_problems(scenario)
    if problems:
        raise ScenarioError(
            source, [Problem(p.loc, p.message, _line(node, p.loc)) for p in problems]
        )
    return scenario


def raw_reference_problems(data: dict[str, Any]) -> list[Problem]:
    """Unknown grid and committee references, read from raw data.

    Used when the field checks fail (so no :class:`Scenario` can be built), so that a
    planner sees the reference problems in the same report as the field problems.
    """

    def items(*path: str) -> list[Any]:
        node: Any = data
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        return node if isinstance(node, list) else []

    def ids(*path: str) -> set[str]:
        return {str(x.get("id")) for x in items(*path) if isinstance(x, dict) and "id" in x}

    grids, committees = ids("grids"), ids("committees")
    checks = [
        (("committees",), "grid", grids, "grid"),
        (("resources", "troupes"), "home_grid", grids, "grid"),
        (("resources", "trainers"), "home_grid", grids, "grid"),
        (("demand",), "committee", committees, "committee"),
        (("pins",), "committee", committees, "committee"),
    ]
    out = []
    for path, key, known, noun in checks:
        for i, item in enumerate(items(*path)):
            if isinstance(item, dict) and key in item and str(item[key]) not in known:
                out.append(Problem((*path, i, key), f"unknown {noun} {item[key]!r}"))
    return out


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
