"""Checks of a plan file's cells that a planner's spreadsheet can get wrong.

* Dates: Excel rewrites ``2027-03-01`` as ``2027/3/1`` when it saves; both are read, and
  so is ``2027年3月1日``. The weeks are the plan, so a date that disagrees with its
  week is a problem naming both (:class:`DateCheck`).
* Text turned into ``?``: saving Chinese text in an encoding without Chinese characters
  (an "ANSI" code page of a Western Windows, a terminal set to Latin-1) replaces each
  character by ``?``. Such a cell is ASCII with a ``?`` where the scenario's value has
  other characters; all of them together are one problem (:class:`Mangled`), not one
  per row and rule.
* Ids the scenario does not have: one unknown id in many rows is one problem naming
  them, and a plan whose rows mostly name unknown ids is said to belong perhaps to
  another scenario (:class:`UnknownIds`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Container, Iterable, Mapping, Sequence

from planner.i18n import _, ngettext
from planner.io.columns import keyed
from planner.scenario import Loc, Problem, ResourceUnit, Scenario

#: A date as Excel, WPS or a planner writes it: year first, ``-``, ``/``, ``.`` or
#: ``年月日`` between the parts, and perhaps a time of day that Excel adds.
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
)
#: At most this many runs of rows are listed in one message.
ROWS_SHOWN = 8
#: A plan with at least this many rows of unknown ids, over half its rows, is said to
#: belong perhaps to another scenario (fewer are typos).
OTHER_SCENARIO_MIN_ROWS = 3


def parse_date(text: str) -> dt.date | None:
    """The date a cell gives (``2027-03-01``, ``2027/3/1``, ``2027年3月1日``), or None."""
    match = _DATE.match(text.strip())
    if match is None:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def format_rows(rows: Sequence[int]) -> str:
    """Rows as runs: ``2–5, 7, 9``; beyond :data:`ROWS_SHOWN` runs, the count of all."""
    runs: list[str] = []
    ordered = sorted(set(rows))
    start = previous = ordered[0] if ordered else 0
    for row in [*ordered[1:], None]:
        if row is not None and row == previous + 1:
            previous = row
            continue
        runs.append(str(start) if start == previous else f"{start}–{previous}")
        if row is not None:
            start = previous = row
    if len(runs) <= ROWS_SHOWN:
        return ", ".join(runs)
    shown = ", ".join(runs[:ROWS_SHOWN])
    return _("{rows} … ({count} rows in all)").format(rows=shown, count=len(ordered))


class DateCheck:
    """Whether a row's date cells agree with its weeks."""

    def __init__(self, scenario: Scenario) -> None:
        self.season = scenario.season

    def check(self, loc: str, row: Mapping[str, str], first: int, last: int) -> list[Problem]:
        """The problems of the row's dates, given its weeks ``first..last``.

        An empty date cell agrees with any week.
        """
        out: list[Problem] = []
        expected = (
            ("first_date", "first_week", first, self.season.week_start(first)),
            ("last_date", "last_week", last, self.season.week_end(last)),
        )
        for column, week_column, week, day in expected:
            value = keyed(row, column)
            if not value:
                continue
            date = parse_date(value)
            where: Loc = (loc, column)
            if date is None:
                text = _("not a date: {value!r}; write it as {example}").format(
                    value=value, example=day.isoformat()
                )
                out.append(Problem(where, text))
            elif date != day:
                text = _(
                    "{column} {date} does not agree with {week_column} {week} ({day}): the "
                    "weeks are the plan; change the weeks (the dates follow them) or empty "
                    "the date cells"
                )
                out.append(
                    Problem(
                        where,
                        text.format(
                            column=column,
                            date=date.isoformat(),
                            week_column=week_column,
                            week=week,
                            day=day.isoformat(),
                        ),
                    )
                )
        return out


def looks_mangled(text: str) -> bool:
    """Whether ``text`` may be non-ASCII text saved as ``?``: ASCII with a ``?`` in it."""
    return "?" in text and text.isascii()


class Mangled:
    """The cells of a plan file whose Chinese text became ``?``.

    Attributes
    ----------
    cells
        ``(row, column)`` of each such cell, in file order.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.cells: list[tuple[int, str]] = []
        # Ids may be Chinese too; only then can an id cell have lost its characters.
        self._wide_ids = {
            "committee_id": any(not c.id.isascii() for c in scenario.committees),
            "resource_id": any(not r.isascii() for r in scenario.unit_of_copy),
            "demand_id": any(not line.id.isascii() for line in scenario.demand_lines),
        }

    def check_header(self, header: Sequence[str]) -> None:
        """Note the header cells (row 1) that became ``?``."""
        for cell in header:
            if looks_mangled(cell.strip()):
                self.cells.append((1, _("the header")))

    def check_id(self, line: int, column: str, value: str, known: Container[str]) -> bool:
        """Note an unknown id that became ``?``; return whether it did."""
        if value and value not in known and self._wide_ids[column] and looks_mangled(value):
            self.cells.append((line, column))
            return True
        return False

    def check_names(
        self, line: int, row: Mapping[str, str], committee: str, unit_id: str | None
    ) -> None:
        """Note the committee and resource names of a row that became ``?``."""
        c = self.scenario.committee_by_id.get(committee)
        unit = self.scenario.resource_units.get(unit_id) if unit_id else None
        for column, name in (
            ("committee_name", c.name if c else None),
            ("resource_name", unit.name if unit else None),
        ):
            value = keyed(row, column)
            if name and value != name and not name.isascii() and looks_mangled(value):
                self.cells.append((line, column))

    def check_theme(self, line: int, theme: str, unit: ResourceUnit) -> None:
        """Note a theme that became ``?`` (the resource's themes are not ASCII)."""
        wide = any(not t.isascii() for t in unit.themes)
        if theme and theme not in unit.themes and wide and looks_mangled(theme):
            self.cells.append((line, "theme"))

    def problem(self) -> Problem:
        """The one problem that names every such cell's row and column."""
        rows = [row for row, _column in self.cells]
        columns = list(dict.fromkeys(column for _row, column in self.cells))
        count = len(self.cells)
        text = ngettext(
            "{count} cell holds '?' where the scenario has Chinese text (rows {rows}; "
            "columns {columns}): the file was saved in an encoding without Chinese "
            "characters; save it again as CSV UTF-8 from a copy that still shows the "
            "Chinese text",
            "{count} cells hold '?' where the scenario has Chinese text (rows {rows}; "
            "columns {columns}): the file was saved in an encoding without Chinese "
            "characters; save it again as CSV UTF-8 from a copy that still shows the "
            "Chinese text",
            count,
        ).format(count=count, rows=format_rows(rows), columns=", ".join(columns))
        return Problem((), text, min(rows))


class UnknownIds:
    """The committee and resource ids of a plan file that the scenario does not have.

    A plan checked against the wrong scenario names unknown ids in every row; one
    problem per id (with its rows), not per row, and a hint that the plan may belong to
    another scenario, say it better than hundreds of lines.
    """

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], list[int]] = {}
        self._keys: dict[int, tuple[str, str]] = {}

    def problem(self, loc: str, line: int, column: str, value: str) -> Problem:
        """The problem of one unknown ``committee_id`` or ``resource_id`` cell."""
        if column == "committee_id":
            text = _("unknown committee {committee!r}").format(committee=value)
        else:
            text = _("unknown resource {resource!r}").format(resource=value)
        problem = Problem((loc, column), text)
        self.rows.setdefault((column, value), []).append(line)
        self._keys[id(problem)] = (column, value)
        return problem

    def collapse(self, problems: Iterable[Problem], total_rows: int) -> list[Problem]:
        """``problems`` with each id named in several rows as one problem, in the place
        of its first, and the other-scenario hint first when it applies."""
        out: list[Problem] = []
        done: set[tuple[str, str]] = set()
        for problem in problems:
            key = self._keys.get(id(problem))
            if key is None or len(self.rows[key]) == 1:
                out.append(problem)
            elif key not in done:
                done.add(key)
                out.append(self._repeated(*key))
        unknown_rows = len({row for rows in self.rows.values() for row in rows})
        if unknown_rows >= OTHER_SCENARIO_MIN_ROWS and 2 * unknown_rows > total_rows:
            text = _(
                "{count} of {total} rows name committees or resources the scenario does not "
                "have: the plan may belong to another scenario"
            ).format(count=unknown_rows, total=total_rows)
            out.insert(0, Problem((), text))
        return out

    def _repeated(self, column: str, value: str) -> Problem:
        """One problem for an unknown id in several rows."""
        rows = self.rows[(column, value)]
        if column == "committee_id":
            text = ngettext(
                "unknown committee {value!r} in {count} row ({rows})",
                "unknown committee {value!r} in {count} rows ({rows})",
                len(rows),
            )
        else:
            text = ngettext(
                "unknown resource {value!r} in {count} row ({rows})",
                "unknown resource {value!r} in {count} rows ({rows})",
                len(rows),
            )
        message = text.format(value=value, count=len(rows), rows=format_rows(rows))
        return Problem((column,), message, rows[0])
