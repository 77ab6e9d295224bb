"""What a committee's calendar lists: its deliveries, the season's fixtures, its closed weeks.

One entry per delivery (a book or board set's stay, a show, a lecture) and per session of
a fitness course (one a week: a course is one trainer at the committee for consecutive
weeks), one per run of weeks of each fixture of the season (holidays are fixtures in the
scenario model) and one per run of the committee's closed weeks.

The scenario plans in whole weeks and gives no weekday to anything: a stay is at the
committee from the Monday of its first week to the Sunday of its last, so those are its
arrival and collection dates; an event or a course session takes place in its week, on
a day the committee agrees with whoever brings it. Texts are in the current language
(:mod:`planner.i18n`); names, titles and themes are the scenario's own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from babel.dates import format_interval, format_skeleton

from planner.i18n import N_, _, current_language, pgettext
from planner.plan import Delivery
from planner.scenario import STAY_PRODUCTS, Product, ResourceUnit, Scenario
from planner.wording import product_name, week_span

#: The kinds of entries, in the order they are listed within a week, with their names.
ENTRY_KINDS: dict[str, str] = {
    "closed": N_("closed week"),
    "fixture": N_("fixture or holiday"),
    "delivery": N_("delivery"),
}

_PRODUCT_ORDER = {p: k for k, p in enumerate(Product)}


@dataclass(frozen=True)
class CalendarEntry:
    """One line of a committee's calendar.

    Attributes
    ----------
    kind
        ``"delivery"``, ``"fixture"`` or ``"closed"`` (:data:`ENTRY_KINDS`).
    first_week, last_week
        The 1-based weeks it covers, inclusive.
    start, end
        Its first and last day: a stay's arrival and collection dates (the Monday of its
        first week, the Sunday of its last), an event's or session's week, a fixture's or
        closed run's weeks.
    when
        ``start`` and ``end`` in words (in the current language).
    product
        What is delivered (None for a fixture or closed week).
    name
        The book or board set's title, the troupe's, lecturer's or trainer's name, the
        fixture's name, or what a closed week means.
    theme
        The theme, genre, topic or skill delivered; a fixture's themes.
    session, sessions
        A fitness course's session (its week within the course) and how many it has;
        0 for everything else.
    course_first_week, course_last_week
        A fitness course's first and last week, which tell apart two courses of the same
        trainer and theme whose weeks overlap; 0 for everything else.
    brought_by
        Who brings it: the centre (book sets), the centre's van (board sets), the
        troupe, the lecturer (with their institution) or the trainer.
    venue_needs
        What the committee's venue must prepare for it.
    during
        The names of the fixtures that fall in its weeks.
    resource_id, delivery_id
        The resource (a set copy, troupe, lecturer or trainer) and the delivery's id.
    """

    kind: str
    first_week: int
    last_week: int
    start: dt.date
    end: dt.date
    when: str
    product: Product | None = None
    name: str = ""
    theme: str = ""
    session: int = 0
    sessions: int = 0
    course_first_week: int = 0
    course_last_week: int = 0
    brought_by: str = ""
    venue_needs: str = ""
    during: tuple[str, ...] = ()
    resource_id: str = ""
    delivery_id: str = ""

    def sort_key(self) -> tuple[dt.date, int, int, str, int]:
        """Date order; within a day closed weeks, then fixtures, then deliveries by product."""
        product = -1 if self.product is None else _PRODUCT_ORDER[self.product]
        kind = list(ENTRY_KINDS).index(self.kind)
        return (self.start, kind, product, self.resource_id, self.session)


def calendar_entries(
    scenario: Scenario, deliveries: Iterable[Delivery], committee_id: str
) -> list[CalendarEntry]:
    """Return the entries of a committee's calendar, in date order.

    Parameters
    ----------
    scenario
        The scenario.
    deliveries
        The committee's deliveries (others are ignored).
    committee_id
        The committee.

    Raises
    ------
    KeyError
        If the committee is unknown.
    """
    if committee_id not in scenario.committee_by_id:
        raise KeyError(f"unknown committee {committee_id!r}")
    entries = [*_fixture_entries(scenario), *_closed_entries(scenario, committee_id)]
    for d in deliveries:
        if d.committee_id == committee_id:
            entries.extend(delivery_entries(scenario, d))
    return sorted(entries, key=CalendarEntry.sort_key)


def delivery_entries(scenario: Scenario, d: Delivery) -> list[CalendarEntry]:
    """Return one delivery's entries: a stay, a show or a lecture as one entry, a fitness
    course as one per session (its week within the course), in week order."""
    season = scenario.season
    unit = scenario.resource_units.get(d.unit_id(scenario))
    start, end = season.week_start(d.first_week), season.week_end(d.last_week)
    stay = d.product in STAY_PRODUCTS
    # The delivery as a stay is listed; a show, lecture or course session is listed week
    # by week from it, with its week's dates.
    whole = CalendarEntry(
        kind="delivery",
        first_week=d.first_week,
        last_week=d.last_week,
        start=start,
        end=end,
        when=_("arrives {arrival}, collected {collection}").format(
            arrival=day_text(start), collection=day_text(end)
        )
        if stay
        else "",
        product=d.product,
        name=unit.name if unit else "",
        theme=d.theme,
        brought_by=brought_by(scenario, unit) if unit else "",
        venue_needs=venue_needs(unit) if unit else "",
        during=_fixtures_in(scenario, d.weeks),
        resource_id=d.resource_id,
        delivery_id=d.delivery_id(scenario),
    )
    if stay:
        return [whole]
    course = d.product == Product.FITNESS_COURSE
    sessions = d.duration if course else 0
    return [
        replace(
            whole,
            first_week=w,
            last_week=w,
            start=season.week_start(w),
            end=season.week_end(w),
            when=_("during {dates}").format(
                dates=days_text(season.week_start(w), season.week_end(w))
            ),
            session=k if sessions else 0,
            sessions=sessions,
            course_first_week=d.first_week if course else 0,
            course_last_week=d.last_week if course else 0,
            during=_fixtures_in(scenario, [w]),
        )
        for k, w in enumerate(d.weeks, start=1)
    ]


def _fixtures_in(scenario: Scenario, weeks: Iterable[int]) -> tuple[str, ...]:
    wanted = set(weeks)
    return tuple(f.name for f in scenario.season.fixtures if wanted & set(f.weeks))


def _fixture_entries(scenario: Scenario) -> list[CalendarEntry]:
    """Each fixture of the season, one entry per run of consecutive weeks."""
    return [
        _span_entry(scenario, "fixture", first, last, f.name, _(", ").join(f.themes))
        for f in scenario.season.fixtures
        for first, last in week_runs(f.weeks)
    ]


def _closed_entries(scenario: Scenario, committee_id: str) -> list[CalendarEntry]:
    """The committee's closed weeks (its own and the season's), one entry per run."""
    return [
        _span_entry(scenario, "closed", first, last, _("closed: nothing is delivered"), "")
        for first, last in week_runs(scenario.closed_weeks(committee_id))
    ]


def _span_entry(
    scenario: Scenario, kind: str, first: int, last: int, name: str, theme: str
) -> CalendarEntry:
    start, end = scenario.season.week_start(first), scenario.season.week_end(last)
    return CalendarEntry(
        kind=kind,
        first_week=first,
        last_week=last,
        start=start,
        end=end,
        when=days_text(start, end),
        name=name,
        theme=theme,
    )


def week_runs(weeks: Iterable[int]) -> list[tuple[int, int]]:
    """Return runs of consecutive weeks as (first, last): ``[1, 2, 5]`` → ``[(1, 2), (5, 5)]``."""
    runs: list[tuple[int, int]] = []
    for w in sorted(set(weeks)):
        if runs and runs[-1][1] == w - 1:
            runs[-1] = (runs[-1][0], w)
        else:
            runs.append((w, w))
    return runs


def brought_by(scenario: Scenario, unit: ResourceUnit) -> str:
    """Return who brings a unit's deliveries to the committee.

    Book sets come from the centre, board sets with the centre's van (which installs
    them), events with their troupe, lecturer (and the institution they come from) or
    trainer.
    """
    if unit.product == Product.BOOK_SET:
        return scenario.centre.name
    if unit.product == Product.EXHIBITION:
        return _("{centre}'s van").format(centre=scenario.centre.name)
    provider = getattr(unit.data, "provider", "")
    if provider:
        return _("{name} ({provider})").format(name=unit.name, provider=provider)
    return unit.name


def venue_needs(unit: ResourceUnit) -> str:
    """Return what the venue prepares for a unit's delivery, from the unit's requirements.

    A book set takes a shelf slot and a board set board room (``venue.shelf_slots``,
    ``board_slots``); a troupe may need a stage and a minimum audience; a course needs
    the fitness floor. Lecturers state no requirement: a lecture is given the seats the
    venue has.
    """
    needs: list[str] = []
    if unit.product == Product.BOOK_SET:
        needs.append(_("shelf slot"))
    elif unit.product == Product.EXHIBITION:
        needs.append(_("board space"))
    elif unit.needs_fitness_floor:
        needs.append(_("fitness floor"))
    else:
        if unit.needs_stage:
            needs.append(_("stage"))
        if unit.min_audience:
            needs.append(_("{count} seats").format(count=unit.min_audience))
        else:
            needs.append(_("audience seats"))
    return _(", ").join(needs)


def column_names() -> dict[str, str]:
    """Return the names of a calendar's columns in the current language, by key.

    The committee's CSV file and page use them (the page joins title and theme in
    ``content``).
    """
    # A context keeps these short words apart from the same words elsewhere (written
    # out in each call: the catalogue's extractor reads only literal contexts).
    return {
        "kind": pgettext("calendar column", "entry"),
        "weeks": pgettext("calendar column", "weeks"),
        "start_date": pgettext("calendar column", "from"),
        "end_date": pgettext("calendar column", "until"),
        "when": pgettext("calendar column", "when"),
        "product": pgettext("calendar column", "what"),
        "name": pgettext("calendar column", "name"),
        "theme": pgettext("calendar column", "theme"),
        "content": pgettext("calendar column", "title or theme"),
        "brought_by": pgettext("calendar column", "brought by"),
        "venue_needs": pgettext("calendar column", "venue prepares"),
        "during": pgettext("calendar column", "during"),
        "delivery_id": pgettext("calendar column", "delivery id"),
    }


def kind_name(kind: str) -> str:
    """Return the name of an entry kind in the current language."""
    return _(ENTRY_KINDS[kind])


def session_text(entry: CalendarEntry) -> str:
    """Return which session of which course an entry is (``第8–11周第2/4次``), or ``""``.

    The course is named by its weeks: a committee may have two courses of the same
    trainer and theme whose weeks overlap, and the session alone (``第1/4次`` twice in
    one week) would not tell them apart. English reads ``weeks 8–11, 2/4``.
    """
    if not entry.sessions:
        return ""
    # TRANSLATORS: a course session by its course's weeks and its number: "weeks 8–11, 2/4".
    # Short: it shares a narrow column of the one-page calendar with the theme.
    return _("{weeks}, {session}/{sessions}").format(
        session=entry.session,
        sessions=entry.sessions,
        weeks=week_span(entry.course_first_week, entry.course_last_week),
    )


def entry_product(entry: CalendarEntry) -> str:
    """Return an entry's product as committees read it (the kind for a fixture or closed
    week), with the session of a fitness course: ``健身课程（第8–11周第2/4次）``."""
    if entry.product is None:
        return kind_name(entry.kind)
    if entry.sessions:
        return _("{product}, {session}").format(
            product=product_name(entry.product), session=session_text(entry)
        )
    return product_name(entry.product)


def day_text(day: dt.date) -> str:
    """Return a day as the reader writes it: ``3月8日``, ``Mar 8``."""
    return _day_text(day, current_language())


def days_text(start: dt.date, end: dt.date) -> str:
    """Return a span of days: ``3月8日至14日``, ``Mar 8 – 14``."""
    return _days_text(start, end, current_language())


# Babel reads its locale data on each call; a season has few distinct days and weeks, so
# every committee's calendar reuses the same texts.
@lru_cache(maxsize=4096)
def _day_text(day: dt.date, language: str) -> str:
    return format_skeleton("MMMd", day, locale=language)


@lru_cache(maxsize=4096)
def _days_text(start: dt.date, end: dt.date, language: str) -> str:
    return format_interval(start, end, "MMMd", locale=language)


__all__: Sequence[str] = [
    "ENTRY_KINDS",
    "CalendarEntry",
    "brought_by",
    "calendar_entries",
    "column_names",
    "day_text",
    "days_text",
    "delivery_entries",
    "entry_product",
    "kind_name",
    "session_text",
    "venue_needs",
    "week_runs",
]
