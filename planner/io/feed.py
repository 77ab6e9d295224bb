"""A committee's calendar feed over its published versions: the events, their history.

The iCalendar feed (:mod:`planner.io.ical`) and its JSON form (:func:`feed_json`) are two
writings of one :class:`CommitteeFeed`, built here from the committee's published
versions in number order.

**Events.** One per entry of :func:`planner.io.calendar_entries.calendar_entries`, with
one exception, a stay:

- a book or board set's stay is *two* one-day events, its arrival (the Monday of its
  first week) and its collection (the Sunday of its last). A stay spans two to six
  weeks; one spanning all-day event is drawn by phone calendars as a bar on every day of
  those weeks (and listed on every day of the agenda view), which reads as "something
  happens every day" and buries the days that matter. What the committee acts on is the
  day the set comes (clear the shelf) and the day it goes (have it packed); those are
  the two events, and each says the whole stay in its description;
- a show, a lecture or a course session is one all-day event spanning its week (Monday
  to Sunday): the plan fixes the week, not the day, which is agreed with whoever brings
  it. A one-day event on the Monday would state a date nobody agreed; the week-long
  event says exactly what is known, and its description says the day is still to agree;
- a fixture (holidays are fixtures) and a run of closed weeks are one all-day event over
  their weeks, so that the committee sees why nothing comes then.

All events are all-day (dates, ``VALUE=DATE``): a week-granular plan has no times, and a
date needs no time zone, so an event never shifts a day for a reader abroad.

**Identity and history.** An event's UID is the identity of its delivery across versions
(:mod:`planner.publish.identity`), with ``/arrival``, ``/collection`` or ``/s<k>`` (the
k-th session of a course) where a delivery has several events; a fixture's or closed
run's UID names the committee, the kind and the first week (and the fixture by a digest
of its name). Walking the versions in order, a *group* (a delivery, a fixture run, a
closed run) whose events differ from the previous version's (dates or any text), or that
disappears or comes back, counts one change: its events' SEQUENCE is that count, their
LAST-MODIFIED the publish time of the version of the last change, CREATED that of the
first version that had it. A group gone from the latest version keeps its last events,
marked cancelled; so does an event a group no longer has (a course made shorter).

Texts are in the current language (:mod:`planner.i18n`), so a feed built twice in one
language from the same versions is the same, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, MutableMapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from planner.i18n import _, current_language, use_language
from planner.io.calendar_entries import (
    CalendarEntry,
    calendar_entries,
    column_names,
    delivery_entries,
    entry_product,
)
from planner.publish.identity import delivery_identities
from planner.publish.versions import PublishedVersion
from planner.scenario import STAY_PRODUCTS
from planner.wording import product_name

#: The time zone of every scenario's season (the plans are for Shanghai's committees).
TIMEZONE = "Asia/Shanghai"
#: The right-hand side of UIDs unless the caller gives its own (the service adds its
#: scenario, so that two seasons' feeds on one phone never share a UID).
UID_DOMAIN = "cultplan"
#: The roles of events: a stay's two days, a show or lecture, a course session, the
#: season's fixtures and the committee's closed weeks.
ROLES = ("arrival", "collection", "event", "session", "fixture", "closed")
#: An event's status in the feed.
CONFIRMED, CANCELLED = "confirmed", "cancelled"


@dataclass(frozen=True)
class FeedEvent:
    """One event as one version shows it.

    Attributes
    ----------
    uid
        Its UID (stable across versions).
    group
        What it belongs to: a delivery's identity key, or the fixture or closed run.
    role
        One of :data:`ROLES`.
    start, end
        Its first and last day (inclusive; iCalendar's ``DTEND`` is the day after).
    summary, description, location
        Its texts, in the current language.
    entry
        The calendar entry it was made from (dates, names, who brings it, ...).
    """

    uid: str
    group: str
    role: str
    start: dt.date
    end: dt.date
    summary: str
    description: str
    location: str
    entry: CalendarEntry = field(compare=False)

    def content(self) -> tuple[object, ...]:
        """What a reader sees of the event: a change of any of it raises SEQUENCE."""
        return (self.role, self.start, self.end, self.summary, self.description, self.location)


@dataclass(frozen=True)
class FeedItem:
    """An event of the feed with its history.

    Attributes
    ----------
    event
        The event as the latest version that had it shows it.
    status
        :data:`CONFIRMED`, or :data:`CANCELLED` when the latest version no longer has it.
    sequence
        How many times its group changed (moved, changed, cancelled, restored) after the
        version that first had it.
    created, last_modified
        Publish times (UTC) of the first version that had it and of its last change.
    """

    event: FeedEvent
    status: str
    sequence: int
    created: dt.datetime
    last_modified: dt.datetime

    @property
    def summary(self) -> str:
        """The summary as shown: a cancelled event's starts with ``已取消：``."""
        if self.status == CANCELLED:
            return _("Cancelled: {summary}").format(summary=self.event.summary)
        return self.event.summary


@dataclass(frozen=True)
class CommitteeFeed:
    """A committee's calendar over its published versions, ready to be written.

    Attributes
    ----------
    committee_id, committee_name
        The committee (its name as the latest version's scenario gives it).
    name, description
        The calendar's name (``<居委名> 文化配送``) and description.
    version
        The latest version's number.
    published_at
        Its publish time (UTC).
    changed_at
        When the committee's calendar last changed (UTC): the latest LAST-MODIFIED of
        its events, or the publish time of the first version naming it when it has
        none. Unlike :attr:`version` and :attr:`published_at` it stays the same when a
        publish changes nothing of the committee's, and so do the written forms
        (:func:`feed_json`, :func:`planner.io.ical.feed_ics`) and their ETags.
    first_day, last_day
        The first and last day any version's season covers (the span the time zone
        must describe).
    items
        Every event, in date order (then UID).
    """

    committee_id: str
    committee_name: str
    name: str
    description: str
    version: int
    published_at: dt.datetime
    changed_at: dt.datetime
    first_day: dt.date
    last_day: dt.date
    items: tuple[FeedItem, ...]


@dataclass
class _Group:
    """What the walk over versions keeps of one group."""

    sequence: int
    created: dt.datetime
    modified: dt.datetime
    current: dict[str, FeedEvent] | None  # None: gone from the latest version walked
    known: dict[str, FeedEvent]  # every event it ever had, as last seen


#: A memo of one version's events of a committee, by ``(version key, committee, language,
#: UID domain)``; see :func:`build_feed`.
EventMemo = MutableMapping[tuple[str, str, str, str], dict[str, dict[str, FeedEvent]]]


def build_feed(
    versions: Iterable[PublishedVersion],
    committee_id: str,
    *,
    uid_domain: str = UID_DOMAIN,
    memo: EventMemo | None = None,
) -> CommitteeFeed:
    """Return a committee's calendar over its published versions.

    Parameters
    ----------
    versions
        The season's published versions (any order; they are walked by number).
    committee_id
        The committee.
    uid_domain
        The right-hand side of every UID (``<identity>@<uid_domain>``).
    memo
        Where to keep and find each version's events of the committee, for versions
        with a :attr:`~planner.publish.versions.PublishedVersion.key`: a service that
        builds the feed again at every publish then makes only the new version's
        events (the walk over the versions is cheap; making events is not).

    Raises
    ------
    ValueError
        If there is no version, or two share a number.
    KeyError
        If no version's scenario has such a committee (one that only earlier versions
        know gets its feed, its deliveries cancelled).
    """
    ordered = sorted(versions, key=lambda v: v.number)
    if not ordered:
        raise ValueError("a calendar needs at least one published version")
    if len({v.number for v in ordered}) != len(ordered):
        raise ValueError("two published versions share a number")
    latest = ordered[-1]
    # A committee a later version's scenario dropped keeps its feed (every delivery
    # cancelled), named as the last version that knew it named it.
    knowing = [v for v in ordered if committee_id in v.scenario.committee_by_id]
    if not knowing:
        raise KeyError(committee_id)
    committee = knowing[-1].scenario.committee_by_id[committee_id]
    groups: dict[str, _Group] = {}
    for version in ordered:
        _walk(groups, _memo_events(memo, version, committee_id, uid_domain), version.published_utc)
    items = [
        FeedItem(
            event=event,
            status=CONFIRMED if g.current is not None and uid in g.current else CANCELLED,
            sequence=g.sequence,
            created=g.created,
            last_modified=g.modified,
        )
        for g in groups.values()
        for uid, event in g.known.items()
    ]
    items.sort(key=lambda i: (i.event.start, i.event.end, i.event.uid))
    seasons = [v.scenario.season for v in ordered]
    return CommitteeFeed(
        committee_id=committee_id,
        committee_name=committee.name,
        # TRANSLATORS: a committee's calendar name in a phone's calendar list.
        name=_("{committee} culture deliveries").format(committee=committee.name),
        description=_("Deliveries of {centre} to {committee}: {scenario}").format(
            centre=latest.scenario.centre.name,
            committee=committee.name,
            scenario=latest.scenario.name,
        ),
        version=latest.number,
        published_at=latest.published_utc,
        changed_at=max((i.last_modified for i in items), default=knowing[0].published_utc),
        first_day=min(s.week_start(1) for s in seasons),
        last_day=max(s.week_end(s.weeks) for s in seasons),
        items=tuple(items),
    )


def _memo_events(
    memo: EventMemo | None, version: PublishedVersion, committee_id: str, uid_domain: str
) -> dict[str, dict[str, FeedEvent]]:
    if memo is None or not version.key:
        return _version_events(version, committee_id, uid_domain)
    key = (version.key, committee_id, current_language(), uid_domain)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _version_events(version, committee_id, uid_domain)
    return found


def _walk(
    groups: dict[str, _Group], events: dict[str, dict[str, FeedEvent]], when: dt.datetime
) -> None:
    """Advance every group's history by one version's events."""
    for key in sorted(set(groups) | set(events)):
        now = events.get(key)
        g = groups.get(key)
        if g is None:
            if now is not None:
                groups[key] = _Group(0, when, when, now, dict(now))
            continue
        if now is None:
            if g.current is not None:  # cancelled in this version
                g.sequence, g.modified, g.current = g.sequence + 1, when, None
            continue
        if g.current is None or _content(now) != _content(g.current):
            g.sequence, g.modified = g.sequence + 1, when
        g.current = now
        g.known.update(now)


def _content(events: dict[str, FeedEvent]) -> dict[str, tuple[object, ...]]:
    return {uid: e.content() for uid, e in events.items()}


def _version_events(
    version: PublishedVersion, committee_id: str, uid_domain: str
) -> dict[str, dict[str, FeedEvent]]:
    """One version's events of a committee, by group then UID (none when the version's
    scenario does not know the committee)."""
    scenario = version.scenario
    if committee_id not in scenario.committee_by_id:
        return {}
    location = scenario.committee_by_id[committee_id].name
    groups: dict[str, dict[str, FeedEvent]] = {}
    mine = [d for d in version.plan if d.committee_id == committee_id]
    for identity, d in delivery_identities(mine).items():
        key = identity.key
        events = [
            event
            for entry in delivery_entries(scenario, d)
            for event in _delivery_events(key, entry, location, uid_domain)
        ]
        groups[key] = {e.uid: e for e in events}
    runs: dict[str, int] = {}
    for entry in calendar_entries(scenario, [], committee_id):
        if entry.kind == "fixture":
            digest = hashlib.sha256(entry.name.encode("utf-8")).hexdigest()[:8]
            key = f"{committee_id}:fixture:{digest}:w{entry.first_week:02d}"
        else:
            key = f"{committee_id}:closed:w{entry.first_week:02d}"
        runs[key] = runs.get(key, 0) + 1  # two fixtures of one name from one week
        if runs[key] > 1:
            key = f"{key}:{runs[key]}"
        event = _event(key, "", entry.kind, entry, entry.name, location, uid_domain)
        groups[key] = {event.uid: event}
    return groups


def _delivery_events(
    key: str, entry: CalendarEntry, location: str, uid_domain: str
) -> list[FeedEvent]:
    """A delivery entry's events: a stay's arrival and collection, or one event."""
    assert entry.product is not None
    if entry.product in STAY_PRODUCTS:
        product = product_name(entry.product)
        # Each day keeps the whole stay's facts (its ``when`` says both days).
        arrival = replace(entry, end=entry.start)
        collection = replace(entry, start=entry.end)
        return [
            _event(
                key,
                "/arrival",
                "arrival",
                arrival,
                _("{product} arrives: {name}").format(product=product, name=entry.name),
                location,
                uid_domain,
            ),
            _event(
                key,
                "/collection",
                "collection",
                collection,
                _("{product} collected: {name}").format(product=product, name=entry.name),
                location,
                uid_domain,
            ),
        ]
    what = entry_product(entry)
    if entry.theme and entry.name:
        summary = _("{product}: {theme} ({name})").format(
            product=what, theme=entry.theme, name=entry.name
        )
    else:
        summary = _("{product}: {name}").format(product=what, name=entry.theme or entry.name)
    if entry.sessions:
        return [_event(key, f"/s{entry.session}", "session", entry, summary, location, uid_domain)]
    return [_event(key, "", "event", entry, summary, location, uid_domain)]


def _event(
    key: str,
    suffix: str,
    role: str,
    entry: CalendarEntry,
    summary: str,
    location: str,
    uid_domain: str,
) -> FeedEvent:
    return FeedEvent(
        uid=f"{key}{suffix}@{uid_domain}",
        group=key,
        role=role,
        start=entry.start,
        end=entry.end,
        summary=summary,
        description=_description(entry),
        location=location,
        entry=entry,
    )


@lru_cache(maxsize=8)
def _column_names(language: str) -> dict[str, str]:
    """The calendar's column names in ``language`` (asked once per language: every
    event's description names its facts with them)."""
    with use_language(language):
        return column_names()


def _description(entry: CalendarEntry) -> str:
    """An event's description: when, what, who brings it, what the venue prepares, and
    what is still to agree; one fact a line."""
    names = _column_names(current_language())
    facts: list[tuple[str, str]] = [(names["when"], entry.when)]
    if entry.kind == "delivery" and entry.product is not None:
        facts.append((names["product"], entry_product(entry)))
        if entry.product in STAY_PRODUCTS:  # an event's name is who brings it, below
            facts.append((names["name"], entry.name))
        facts.append((names["theme"], entry.theme))
        facts.append((names["brought_by"], entry.brought_by))
        facts.append((names["venue_needs"], entry.venue_needs))
        facts.append((names["during"], _(", ").join(entry.during)))
    elif entry.kind == "fixture":
        facts.append((names["theme"], entry.theme))
    lines = [_("{label}: {value}").format(label=k, value=v) for k, v in facts if v]
    if entry.kind == "delivery" and entry.product in STAY_PRODUCTS:
        lines.append(
            _(
                "Book and board sets stay from the Monday of their first week to the "
                "Sunday of their last; the centre confirms the days it brings and "
                "collects them."
            )
        )
    elif entry.kind == "delivery":
        lines.append(
            _(
                "Shows, lectures and fitness sessions are planned by the week; the day "
                "and time are agreed with whoever brings them."
            )
        )
    return "\n".join(lines)


def feed_json(feed: CommitteeFeed) -> dict[str, Any]:
    """Return the feed as JSON-ready data: the calendar and its events with their history.

    Dates are ISO days (``end`` inclusive), times ISO UTC with ``Z``; each event keeps its
    calendar entry's facts (weeks, product, name, theme, who brings it, ...). The
    calendar's time is ``changed_at`` (:attr:`CommitteeFeed.changed_at`), not the latest
    version's number or publish time, so that a publish that leaves the committee's
    deliveries alone leaves these bytes (and their ETag) alone too.
    """
    return {
        "committee_id": feed.committee_id,
        "committee_name": feed.committee_name,
        "name": feed.name,
        "description": feed.description,
        "timezone": TIMEZONE,
        "changed_at": _utc_text(feed.changed_at),
        "events": [_item_json(i) for i in feed.items],
    }


def _item_json(item: FeedItem) -> dict[str, Any]:
    e, entry = item.event, item.event.entry
    return {
        "uid": e.uid,
        "group": e.group,
        "role": e.role,
        "status": item.status,
        "sequence": item.sequence,
        "start": e.start.isoformat(),
        "end": e.end.isoformat(),
        "summary": item.summary,
        "description": e.description,
        "location": e.location,
        "created": _utc_text(item.created),
        "last_modified": _utc_text(item.last_modified),
        "kind": entry.kind,
        "first_week": entry.first_week,
        "last_week": entry.last_week,
        "product": entry.product.value if entry.product else None,
        "name": entry.name,
        "theme": entry.theme,
        "session": entry.session or None,
        "sessions": entry.sessions or None,
        "brought_by": entry.brought_by,
        "venue_needs": entry.venue_needs,
        "during": list(entry.during),
    }


def _utc_text(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def committee_calendar_json(
    versions: Iterable[PublishedVersion], committee_id: str, *, uid_domain: str = UID_DOMAIN
) -> dict[str, Any]:
    """Return a committee's calendar over its published versions as JSON-ready data.

    The same events, UIDs, sequences and statuses as :func:`planner.io.ical.committee_feed`
    (see :func:`build_feed` for the parameters and errors, :func:`feed_json` for the form).
    """
    return feed_json(build_feed(versions, committee_id, uid_domain=uid_domain))


__all__: Sequence[str] = [
    "CANCELLED",
    "CONFIRMED",
    "ROLES",
    "TIMEZONE",
    "UID_DOMAIN",
    "CommitteeFeed",
    "EventMemo",
    "FeedEvent",
    "FeedItem",
    "build_feed",
    "committee_calendar_json",
    "feed_json",
]
