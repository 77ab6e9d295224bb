"""The rules page, read as data: the hard rules and the goals that docs/rules.md names.

Every layer that names a rule (the model, the validator, the ledger, the unmet reasons)
is checked against this page by the contract tests, so the page stays the contract.
"""

from __future__ import annotations

import re
from pathlib import Path

RULES_PAGE = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def _rows(section: str) -> list[tuple[str, list[str]]]:
    """(group heading, cells) of every table row under ``## section`` whose first cell is
    a backticked name, in page order, before the next ``##`` heading."""
    rows: list[tuple[str, list[str]]] = []
    current = group = ""
    for line in RULES_PAGE.read_text("utf-8").splitlines():
        if line.startswith("## "):
            current, group = line[3:].strip(), ""
        elif line.startswith("### "):
            group = line[4:].strip()
        elif current.startswith(section) and line.startswith("|"):
            cells = [c.strip() for c in line.split("|")[1:-1]]
            if cells and (m := re.fullmatch(r"`([a-z_]+)`", cells[0])):
                rows.append((group, [m.group(1), *cells[1:]]))
    return rows


def documented_rules() -> list[tuple[str, str]]:
    """(group heading, rule name) of every row of the hard rules tables, in page order."""
    return [(group, cells[0]) for group, cells in _rows("Hard rules")]


def documented_goals() -> list[tuple[str, str]]:
    """(goal term, level) of every row of the goals table, in page order."""
    return [(cells[0], cells[1]) for _, cells in _rows("Goals")]
