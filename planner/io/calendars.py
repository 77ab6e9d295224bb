"""Committee calendars: what each committee gets, as a CSV file and a printable page.

For each committee, ``<id>-<name>.csv`` and ``<id>-<name>.html`` list its deliveries
(one row per stay, show or lecture, and per session of a fitness course) with their
dates, who brings them and what the venue prepares, together with the season's fixtures
and the committee's closed weeks (:mod:`planner.io.calendar_entries`). Both are in the
current language (:mod:`planner.i18n`, Chinese unless another is chosen); names,
titles and themes are the scenario's own. CSV files are UTF-8 with a BOM so that
spreadsheets open them as such; the page (:mod:`planner.io.calendar_html`) prints on one
A4 sheet and reads on a phone.

:func:`committee_calendar` gives the same entries as a DataFrame with English column
keys, for analysts.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from planner.i18n import _
from planner.io.calendar_entries import (
    CalendarEntry,
    calendar_entries,
    column_names,
    entry_product,
    kind_name,
)
from planner.io.calendar_html import render_calendar_html
from planner.io.columns import neutralise
from planner.plan import Delivery, Plan
from planner.scenario import Committee, Scenario
from planner.wording import product_name, week_span

#: The columns of :func:`committee_calendar` (English keys, for analysts).
CALENDAR_COLUMNS = [
    "kind",
    "first_week",
    "last_week",
    "start_date",
    "end_date",
    "product",
    "product_name",
    "session",
    "sessions",
    "resource_id",
    "resource_name",
    "theme",
    "brought_by",
    "venue_needs",
    "during",
    "delivery_id",
]

#: The columns of a committee's CSV file, by key (their names: ``column_names()``).
CSV_COLUMNS = [
    "kind",
    "weeks",
    "start_date",
    "end_date",
    "when",
    "product",
    "name",
    "theme",
    "brought_by",
    "venue_needs",
    "during",
    "delivery_id",
]

# What Windows or Linux refuses in a file name; control and format characters are
# refused separately (by Unicode category).
_UNSAFE = re.compile(r'[\\/:*?"<>|]')
#: At most this many characters of a committee's name go into its file names (a CJK
#: character is 3 bytes in UTF-8; file systems allow 255 bytes).
NAME_CHARS = 60


def committee_calendar(scenario: Scenario, plan: Plan, committee_id: str) -> pd.DataFrame:
    """Return a committee's calendar, one row per entry, for analysts.

    Parameters
    ----------
    scenario, plan
        The scenario and the plan.
    committee_id
        The committee.

    Returns
    -------
    pandas.DataFrame
        :data:`CALENDAR_COLUMNS`, in date order: ``kind`` (``delivery``, ``fixture`` or
        ``closed``), ``first_week, last_week``, ``start_date, end_date`` (``datetime64``,
        as in :mod:`planner.frames`: a stay's arrival Monday and collection Sunday, an
        event's or session's week, a fixture's or closed run's weeks), ``product`` (its
        key) and ``product_name``, ``session, sessions`` (a fitness course's session and
        count as nullable integers, ``Int64``; missing, ``pd.NA``, for other entries),
        ``resource_id, resource_name, theme, brought_by, venue_needs``, ``during`` (the
        fixtures in its weeks, joined) and ``delivery_id``. Texts are in the current
        language.

    Raises
    ------
    KeyError
        If the committee is unknown.
    """
    entries = calendar_entries(scenario, plan.for_committee(committee_id), committee_id)
    frame = pd.DataFrame([_analyst_row(e) for e in entries], columns=CALENDAR_COLUMNS)
    # Dates as dates, as in planner.frames (also when empty); a session number only for
    # a course's sessions, so that a nullable integer says "not a session" as missing.
    for column in ("start_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    for column in ("session", "sessions"):
        frame[column] = frame[column].astype("Int64")
    return frame


def _analyst_row(e: CalendarEntry) -> dict[str, Any]:
    return {
        "kind": e.kind,
        "first_week": e.first_week,
        "last_week": e.last_week,
        "start_date": e.start,
        "end_date": e.end,
        "product": e.product.value if e.product else "",
        "product_name": product_name(e.product) if e.product else "",
        "session": e.session if e.sessions else pd.NA,
        "sessions": e.sessions if e.sessions else pd.NA,
        "resource_id": e.resource_id,
        "resource_name": e.name,
        "theme": e.theme,
        "brought_by": e.brought_by,
        "venue_needs": e.venue_needs,
        "during": _(", ").join(e.during),
        "delivery_id": e.delivery_id,
    }


def calendar_rows(entries: Iterable[CalendarEntry]) -> list[list[str]]:
    """Return calendar entries as a committee's CSV file holds them, the header first.

    Columns :data:`CSV_COLUMNS`, named in the current language (``column_names``).
    """
    names = column_names()
    rows = [[names[key] for key in CSV_COLUMNS]]
    rows += [
        [
            kind_name(e.kind),
            week_span(e.first_week, e.last_week),
            e.start.isoformat(),
            e.end.isoformat(),
            e.when,
            entry_product(e) if e.product else "",
            # Names and themes come from the scenario: a spreadsheet must never run them.
            neutralise(e.name),
            neutralise(e.theme),
            neutralise(e.brought_by),
            e.venue_needs,
            neutralise(_(", ").join(e.during)),
            e.delivery_id,
        ]
        for e in entries
    ]
    return rows


def safe_file_name(name: str, limit: int = NAME_CHARS) -> str:
    """Return ``name`` fit to be part of a file name on Windows and Linux.

    ``/ \\ : * ? " < > |`` and control or format characters become ``_``, runs of
    white space one space; leading and trailing spaces and dots go (Windows drops
    trailing ones), and the name is cut to ``limit`` characters.
    """
    cleaned = "".join(
        "_" if _UNSAFE.match(ch) or unicodedata.category(ch) in {"Cc", "Cf", "Cs"} else ch
        for ch in name
    )
    cleaned = " ".join(cleaned.split()).strip(" .")
    return cleaned[:limit].rstrip(" .")


def calendar_stem(committee: Committee) -> str:
    """Return the file name of a committee's calendars without extension: ``C02-五一居委会``.

    The id alone when nothing of the name is left (ids are safe in file names already).
    """
    name = safe_file_name(committee.name)
    return f"{committee.id}-{name}" if name else committee.id


def write_calendars(scenario: Scenario, plan: Plan, directory: str | Path) -> list[Path]:
    """Write each committee's calendar as ``<stem>.csv`` and ``<stem>.html``.

    ``<stem>`` is :func:`calendar_stem`. A committee without deliveries still gets both
    files, listing the season's fixtures and its closed weeks. Texts are in the current
    language.

    Returns
    -------
    list of Path
        The files written, CSV then HTML for each committee, in the scenario's
        committee order.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    # Each committee's calendar from its own deliveries: filtering the whole plan once
    # per committee took seconds at district scale (355 committees, 8,867 deliveries).
    own: dict[str, list[Delivery]] = {c.id: [] for c in scenario.committees}
    for d in plan:
        if d.committee_id in own:
            own[d.committee_id].append(d)
    paths = []
    for c in scenario.committees:
        entries = calendar_entries(scenario, own[c.id], c.id)
        stem = calendar_stem(c)
        csv_path, html_path = out / f"{stem}.csv", out / f"{stem}.html"
        # The csv module rather than a DataFrame: a district writes hundreds of files.
        with csv_path.open("w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(calendar_rows(entries))
        html_path.write_text(render_calendar_html(scenario, c.id, entries), encoding="utf-8")
        paths += [csv_path, html_path]
    return paths


__all__: Sequence[str] = [
    "CALENDAR_COLUMNS",
    "CSV_COLUMNS",
    "NAME_CHARS",
    "calendar_rows",
    "calendar_stem",
    "committee_calendar",
    "safe_file_name",
    "write_calendars",
]
