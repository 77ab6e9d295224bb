"""``deliveries.csv``: a plan as a table, written for planners and read back after edits.

The file is the exchange format of a plan: its header holds the stable column keys of
:data:`DELIVERY_COLUMNS` in every language. A plan read back may come from Excel or WPS:
its encoding is found (:mod:`planner.io.csv_text`), its header may be the keys or their
Chinese labels (:mod:`planner.io.columns`), and every row keeps its line number so that
a broken rule can name the rows a planner must change (:class:`PlanFile`).

The weeks are the plan. The date columns are written from the weeks for people to read;
a row whose dates say something else (a planner moved a delivery by its dates only) is
an input problem that names the row and both values, never silently read by its weeks.
Date cells left empty are read as agreeing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from planner.frames import DELIVERY_FRAME_COLUMNS, deliveries_frame
from planner.i18n import _
from planner.io.columns import header_keys, keyed, neutralise, product_of
from planner.io.csv_text import read_csv_text
from planner.io.plan_cells import DateCheck, Mangled, UnknownIds
from planner.options import delivered_theme
from planner.plan import Delivery, Plan
from planner.scenario import Problem, Product, ResourceUnit, Scenario, ScenarioError

#: Columns of ``deliveries.csv``, in order: the stable keys of the exchange format.
DELIVERY_COLUMNS = list(DELIVERY_FRAME_COLUMNS)
#: The columns a plan read back must have.
REQUIRED_COLUMNS = ("committee_id", "product", "resource_id", "first_week", "last_week")
#: Free-text columns (names and themes from the scenario): neutralised when written.
TEXT_COLUMNS = ("committee_name", "resource_name", "theme")


@dataclass(frozen=True)
class PlanFile:
    """A plan read from a CSV file, with where each delivery came from.

    Attributes
    ----------
    plan
        The plan.
    source
        The file's name.
    encoding
        The encoding the file was read in (``UTF-8``, ``GB18030``, ``UTF-16LE`` ...).
    rows
        The file's row numbers (lines, the header is row 1) of each delivery id
        (:meth:`planner.plan.Delivery.delivery_id`); one id has several rows when
        deliveries look alike (two copies of one book set in the same week).
    """

    plan: Plan
    source: str
    encoding: str = "UTF-8"
    rows: Mapping[str, tuple[int, ...]] = field(default_factory=dict)

    def rows_of(self, delivery_ids: Iterable[str]) -> list[int]:
        """The rows of the deliveries named, in order, each once."""
        return sorted({row for did in delivery_ids for row in self.rows.get(did, ())})


def plan_frame(plan: Plan, scenario: Scenario) -> pd.DataFrame:
    """Return the plan as a DataFrame with the columns of ``deliveries.csv``, dates as
    ISO text as the file writes them (:func:`planner.frames.deliveries_frame` gives the
    same rows with dates as dates)."""
    frame = deliveries_frame(plan, scenario)
    for column in ("first_date", "last_date"):
        frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    return frame[DELIVERY_COLUMNS]


def write_deliveries(plan: Plan, scenario: Scenario, path: str | Path) -> None:
    """Write ``deliveries.csv`` (UTF-8 with BOM so that Excel shows Chinese names).

    The header is the stable column keys; names and themes that a spreadsheet would
    read as a formula are written behind an apostrophe
    (:func:`planner.io.columns.neutralise`), which reading takes off again.
    """
    frame = plan_frame(plan, scenario)
    for column in TEXT_COLUMNS:
        frame[column] = frame[column].map(neutralise)
    frame.to_csv(path, index=False, encoding="utf-8-sig")


def read_deliveries(path: str | Path, scenario: Scenario) -> Plan:
    """Read a plan back from ``deliveries.csv`` (possibly edited by hand).

    See :func:`read_plan_file`, which also gives each delivery's rows.

    Raises
    ------
    ScenarioError
        Listing every problem, each bad cell as ``row N.column``.
    """
    return read_plan_file(path, scenario).plan


def read_plan_file(path: str | Path, scenario: Scenario) -> PlanFile:
    """Read a plan from a CSV file in any encoding planners save (see the module).

    Raises
    ------
    ScenarioError
        When the file cannot be read or decoded, or has bad rows (every one listed).
    """
    source = str(path)
    decoded = read_csv_text(path)
    return parse_plan(decoded.text, scenario, source, decoded.encoding)


def parse_deliveries(text: str, scenario: Scenario, source: str = "<deliveries>") -> Plan:
    """Parse deliveries CSV text; see :func:`parse_plan`."""
    return parse_plan(text, scenario, source).plan


def parse_plan(
    text: str, scenario: Scenario, source: str = "<deliveries>", encoding: str = "UTF-8"
) -> PlanFile:
    """Parse the text of a plan file.

    The header names the columns by their keys or their Chinese labels, in any order;
    other columns are ignored. Cells are separated by commas, or by tabs when the
    header has tabs and no commas (Excel's "Unicode text"). A product is its key
    (``book_set``) or its name in English or Chinese (``图书``). Only ``committee_id,
    product, resource_id, first_week, last_week`` are required; an empty ``demand_id``
    is the committee's first line for that product whose wished themes the resource
    offers and that has room left (else its first line for that product), and an empty
    ``theme`` the one the resource delivers for that line. Names are not read (they
    follow from the ids); dates must agree with the weeks (or be empty). Text turned
    into ``?`` by a save in an encoding without Chinese characters is one problem
    naming its rows and columns; so is an unknown id named in several rows. Every
    problem is reported at once.

    Raises
    ------
    ScenarioError
        Listing each bad cell as ``row N.column``.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ScenarioError(source, [_csv_problem(exc, 1)]) from None
    if header is None:
        raise ScenarioError(source, [Problem((), _("the file is empty"))])
    keys = header_keys(header, DELIVERY_COLUMNS)
    mangled = Mangled(scenario)
    mangled.check_header(header)
    problems = _header_problems(header, keys)
    if mangled.cells:
        # A header turned into '?' misses its columns only because of that.
        raise ScenarioError(source, [mangled.problem()])
    if problems:
        raise ScenarioError(source, problems)
    reading = _Reading(scenario, mangled)
    try:
        for values in reader:
            if any(v.strip() for v in values):
                row = {key: value for key, value in zip(keys, values, strict=False) if key}
                reading.row(row, reader.line_num)
    except csv.Error as exc:
        reading.problems.append(_csv_problem(exc, reader.line_num))
    problems = reading.unknown.collapse(reading.problems, reading.count)
    if mangled.cells:
        problems = [mangled.problem(), *problems]
    if problems:
        raise ScenarioError(source, problems)
    return PlanFile(Plan.of(reading.deliveries), source, encoding, reading.row_numbers())


def _delimiter(text: str) -> str:
    """A tab when the header has tabs and no commas (Excel's "Unicode text"), else a comma."""
    header = text.split("\n", 1)[0]
    return "\t" if "\t" in header and "," not in header else ","


def _header_problems(header: list[str], keys: list[str | None]) -> list[Problem]:
    """Required columns the header lacks, and columns it names twice."""
    problems = [
        Problem((), _("missing column {column!r}").format(column=c))
        for c in REQUIRED_COLUMNS
        if c not in keys
    ]
    seen: set[str] = set()
    for cell, key in zip(header, keys, strict=True):
        if key is not None and key in seen:
            text = _("column {column!r} is given twice (as {cell!r})")
            problems.append(Problem((), text.format(column=key, cell=cell.strip()), 1))
        if key is not None:
            seen.add(key)
    return problems


def _csv_problem(exc: csv.Error, line: int) -> Problem:
    """A row the CSV reader could not split (a field over the size limit, a stray quote)."""
    text = _("the row cannot be read as CSV: {reason}").format(reason=exc)
    return Problem((_("row {row}").format(row=line),), text, line)


class _Reading:
    """The deliveries, problems and row numbers of the rows read so far."""

    def __init__(self, scenario: Scenario, mangled: Mangled) -> None:
        self.scenario = scenario
        self.mangled = mangled
        self.dates = DateCheck(scenario)
        self.unknown = UnknownIds()
        self.count = 0
        self.problems: list[Problem] = []
        self.deliveries: list[Delivery] = []
        self.lines: list[int] = []
        self.taken: dict[str, int] = {}

    def row(self, row: dict[str, str], line: int) -> None:
        """Read one row (``line`` is its line in the file), or note its problems."""
        self.count += 1
        s = self.scenario
        problems = self.problems
        bad = len(problems)
        loc = _("row {row}").format(row=line)
        committee = keyed(row, "committee_id")
        known = s.committee_by_id
        if committee not in known and not self.mangled.check_id(
            line, "committee_id", committee, known
        ):
            problems.append(self.unknown.problem(loc, line, "committee_id", committee))
        product_text = keyed(row, "product")
        product = product_of(product_text)  # its key, or its name as cultplan prints it
        if product is None:
            text = _("unknown product {product!r}").format(product=product_text)
            problems.append(Problem((loc, "product"), text))
            product = None
        resource = keyed(row, "resource_id")
        unit_id = s.unit_of_copy.get(resource)
        if unit_id is None and not self.mangled.check_id(
            line, "resource_id", resource, s.unit_of_copy
        ):
            problems.append(self.unknown.problem(loc, line, "resource_id", resource))
        weeks = []
        for col in ("first_week", "last_week"):
            value = keyed(row, col)
            try:
                weeks.append(int(value))
            except ValueError:
                text = _("not a week number: {value!r}").format(value=value)
                problems.append(Problem((loc, col), text))
        self.mangled.check_names(line, row, committee, unit_id)
        if len(problems) > bad or product is None or unit_id is None or len(weeks) < 2:
            return
        first, last = weeks
        if not 1 <= first <= last:
            text = _("weeks {first}..{last} are not a span").format(first=first, last=last)
            problems.append(Problem((loc, "last_week"), text))
            return
        problems.extend(self.dates.check(loc, row, first, last))
        unit = s.resource_units[unit_id]
        demand_id = keyed(row, "demand_id")
        self.mangled.check_id(line, "demand_id", demand_id, s.demand_by_id)
        if not demand_id:
            demand_id = _fitting_line(s, committee, product, unit, self.taken)
        self.taken[demand_id] = self.taken.get(demand_id, 0) + 1
        theme = keyed(row, "theme")
        self.mangled.check_theme(line, theme, unit)
        if not theme:
            asked = s.demand_by_id.get(demand_id)
            theme = (delivered_theme(asked, unit) if asked else None) or unit.themes[0]
        if len(problems) == bad:
            self.deliveries.append(
                Delivery(committee, product, resource, first, last, demand_id, theme)
            )
            self.lines.append(line)

    def row_numbers(self) -> dict[str, tuple[int, ...]]:
        """Each delivery id's rows, in file order."""
        out: dict[str, list[int]] = {}
        for delivery, line in zip(self.deliveries, self.lines, strict=True):
            out.setdefault(delivery.delivery_id(self.scenario), []).append(line)
        return {did: tuple(lines) for did, lines in out.items()}


def _fitting_line(
    scenario: Scenario, committee: str, product: Product, unit: ResourceUnit, taken: dict[str, int]
) -> str:
    """The demand line a delivery without ``demand_id`` most plausibly serves."""
    lines = [
        line
        for line in scenario.demand_lines
        if line.committee == committee and line.product == product
    ]
    for line in lines:
        if delivered_theme(line, unit) is not None and taken.get(line.id, 0) < line.demand.count:
            return line.id
    return lines[0].id if lines else ""


__all__ = [
    "DELIVERY_COLUMNS",
    "PlanFile",
    "parse_deliveries",
    "parse_plan",
    "plan_frame",
    "read_deliveries",
    "read_plan_file",
    "write_deliveries",
]
