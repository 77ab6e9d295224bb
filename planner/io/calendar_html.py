"""A committee's calendar as a printable page: one A4 sheet, readable on a phone.

The page is rendered from the Jinja2 template ``templates/calendar.html`` (autoescaped:
names come from the scenario). The template holds no words of its own: every text is
translated here (:mod:`planner.i18n`) and handed to it, so that the message catalogue is
extracted from Python alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_interval

from planner.i18n import _, current_language, ngettext
from planner.io.calendar_entries import CalendarEntry, column_names, kind_name, session_text
from planner.scenario import STAY_PRODUCTS, Scenario
from planner.wording import product_name, week_span

#: The folder of the page templates.
TEMPLATES = Path(__file__).parent / "templates"

#: The page's columns, by key (:func:`planner.io.calendar_entries.column_names`).
_COLUMNS = ("weeks", "when", "product", "content", "brought_by", "venue_needs")

#: The ``lang`` attribute of the page, by catalogue language.
_HTML_LANG = {"zh_CN": "zh-CN", "en": "en"}


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_calendar_html(
    scenario: Scenario, committee_id: str, entries: Sequence[CalendarEntry]
) -> str:
    """Return a committee's calendar page as HTML, in the current language.

    Parameters
    ----------
    scenario
        The scenario (the committee, its grid, the season, the centre).
    committee_id
        The committee.
    entries
        Its calendar (:func:`planner.io.calendar_entries.calendar_entries`).
    """
    committee = scenario.committee_by_id[committee_id]
    grid = scenario.grid_by_id.get(committee.grid)
    season = scenario.season
    language = current_language()
    names = column_names()
    deliveries = len({e.delivery_id for e in entries if e.kind == "delivery"})
    page = {
        "lang": _HTML_LANG.get(language, language),
        "title": _("{committee}: deliveries this season").format(committee=committee.name),
        "facts": [
            committee.id,
            grid.name if grid else committee.grid,
            format_interval(
                season.week_start(1), season.week_end(season.weeks), "yMMMd", locale=language
            ),
            week_span(1, season.weeks),
            ngettext("{count} delivery", "{count} deliveries", deliveries).format(count=deliveries),
        ],
        "headers": {key: names[key] for key in _COLUMNS},
        "rows": [_row(e) for e in entries],
        "deliveries": deliveries,
        "empty": _("Nothing is delivered to this committee this season."),
        "notes": [
            _(
                "Book and board sets stay from the Monday of their first week to the "
                "Sunday of their last; the centre confirms the days it brings and "
                "collects them."
            ),
            _(
                "Shows, lectures and fitness sessions are planned by the week; the day "
                "and time are agreed with whoever brings them."
            ),
            _("Plan of “{scenario}”, by {centre}.").format(
                scenario=scenario.name, centre=scenario.centre.name
            ),
        ],
    }
    return _environment().get_template("calendar.html").render(page=page)


def _row(e: CalendarEntry) -> dict[str, Any]:
    """An entry as the template shows it."""
    row: dict[str, Any] = {
        "kind": e.kind,
        "weeks": week_span(e.first_week, e.last_week),
        "when": e.when,
    }
    if e.kind != "delivery":
        # A fixture or closed week spans the columns of a delivery's details.
        row.update(label=kind_name(e.kind), detail=e.name)
        return row
    stay = e.product in STAY_PRODUCTS
    row.update(
        product=product_name(e.product) if e.product else "",
        session=session_text(e),
        product_key=e.product.value if e.product else "",
        # A set shows its title and theme; an event its theme (its troupe, lecturer or
        # trainer is who brings it).
        content=e.name if stay else e.theme,
        theme=e.theme if stay else "",
        brought_by=e.brought_by,
        venue_needs=e.venue_needs,
    )
    return row


__all__: Sequence[str] = ["TEMPLATES", "render_calendar_html"]
