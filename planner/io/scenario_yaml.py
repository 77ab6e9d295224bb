"""Reading and writing scenario files (YAML, UTF-8)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from planner.i18n import _
from planner.io.safe_yaml import decode, fullwidth_colons, load, read_text
from planner.io.slips import explained
from planner.network import network_problems
from planner.scenario import Loc, Problem, Scenario, ScenarioError, scenario_problems
from planner.scenario.field_errors import check_fields
from planner.scenario.messages import message
from planner.scenario.name_lists import name_list_problems
from planner.scenario.repeats import collapse_repeats
from planner.scenario.salvage import salvage


def read_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Parameters
    ----------
    path
        A YAML file in UTF-8 (a byte-order mark is allowed), within the limits of
        :mod:`planner.io.safe_yaml`.

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
    return parse_scenario(read_text(path), str(path))


def parse_scenario(text: str | bytes, source: str = "<scenario>") -> Scenario:
    """Parse and validate scenario YAML text (or UTF-8 bytes); see :func:`read_scenario`."""
    if isinstance(text, bytes):
        text = decode(text, source)
    document, node, duplicates = load(text, source)
    if not isinstance(document, dict):
        found = type(document).__name__
        problems = [Problem((), message("not_a_mapping", found=found)), *fullwidth_colons(text)]
        raise ScenarioError(source, problems)
    try:
        scenario = scenario_from_dict(document, source, node)
    except ScenarioError as exc:
        # A full-width colon makes a key and its value one string: it explains the
        # problems that follow, so it is named with them.
        problems = [*duplicates, *explained(exc.problems, text), *fullwidth_colons(text)]
        problems.sort(key=lambda p: p.line or 0)
        raise ScenarioError(source, problems) from None
    if duplicates:
        raise ScenarioError(source, duplicates)
    return scenario


def scenario_from_dict(
    data: dict[str, Any], source: str = "<scenario>", node: yaml.Node | None = None
) -> Scenario:
    """Validate a scenario given as plain data (as loaded from YAML or JSON).

    Every problem is collected: the field problems, and the cross-reference and network
    checks of every part whose fields are sound (:mod:`planner.scenario.salvage`).

    Raises
    ------
    ScenarioError
        With every problem found, in the order of the file.
    """
    check = check_fields(data)
    if check.scenario is not None:
        checked = collapse_repeats(_all_checks(check.scenario), check.scenario)
    else:
        part = salvage(check.data, check.errors)
        if part.scenario is not None:
            checked = collapse_repeats(part.keep(_all_checks(part.scenario)), part.scenario)
        else:
            checked = []
    problems = check.problems + [
        Problem(check.in_file(p.loc), p.message, p.line, p.ref) for p in checked
    ]
    if problems:
        raise ScenarioError(source, _located(problems, node))
    assert check.scenario is not None  # no problem: the fields were read
    return check.scenario


def _all_checks(scenario: Scenario) -> list[Problem]:
    """The cross-reference problems, the lists of names written with a Chinese comma
    and the road network's problems of a built scenario."""
    problems = scenario_problems(scenario) + name_list_problems(scenario)
    return problems + network_problems(scenario)


def _located(problems: list[Problem], node: yaml.Node | None) -> list[Problem]:
    """The problems with their lines (when the node tree is known), in file order."""
    if node is None:
        return problems
    keys: dict[int, dict[Any, tuple[yaml.Node, int]]] = {}
    located = [Problem(p.loc, p.message, _line(node, p.loc, keys), p.ref) for p in problems]
    located.sort(key=lambda p: p.line or 0)
    return located


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
    """Return the JSON Schema of the scenario format, as indented JSON.

    Every record and field has a description (:mod:`planner.scenario.field_docs`), given
    in the current language.
    """
    return json.dumps(_translated(Scenario.model_json_schema()), ensure_ascii=False, indent=2)


def _translated(node: Any) -> Any:
    """A JSON Schema with each ``description`` in the current language."""
    if isinstance(node, dict):
        return {
            k: _(v) if k == "description" and isinstance(v, str) else _translated(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_translated(v) for v in node]
    return node


def _line(
    node: yaml.Node | None,
    loc: Loc,
    keys: dict[int, dict[Any, tuple[yaml.Node, int]]] | None = None,
) -> int | None:
    """Return the 1-based line of the deepest key or item that ``loc`` reaches.

    A field's line is its key's (a list written under its key starts a line later).
    A top-level key that is not in the file has no line (``None``). ``keys`` keeps each
    mapping's keys once looked up (by the node's id), so that locating many problems
    in a large mapping takes time in proportion to their number, not its square.
    """
    keys = {} if keys is None else keys
    if node is None:
        return None
    best = node
    line = node.start_mark.line
    for part in loc:
        nxt: yaml.Node | None = None
        if isinstance(best, yaml.MappingNode) and isinstance(part, str):
            index = keys.get(id(best))
            if index is None:
                index = {}
                for key, value in best.value:
                    if isinstance(key, yaml.ScalarNode):  # the first of duplicated keys
                        index.setdefault(key.value, (value, key.start_mark.line))
                keys[id(best)] = index
            if part in index:
                nxt, line = index[part]
        elif (
            isinstance(best, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(best.value)
        ):
            nxt = best.value[part]
            line = nxt.start_mark.line
        if nxt is None:
            if best is node:
                # A missing top-level section has no line of its own; the line of the
                # first key would point at an unrelated field.
                return None
            break
        best = nxt
    return line + 1
