"""A committee's calendar as an iCalendar feed (RFC 5545) that phones and Outlook subscribe to.

Written with the ``icalendar`` library (the only module of the project that imports it)
from a :class:`planner.io.feed.CommitteeFeed`: which events there are, their UIDs,
SEQUENCE, statuses and stamps are decided there (see its module text for why a stay is
its arrival and its collection and why events are all-day); this module only writes them.

The calendar carries:

- ``X-WR-CALNAME`` and ``NAME`` (RFC 7986): ``<居委名> 文化配送``; ``X-WR-CALDESC`` and
  ``DESCRIPTION``; ``X-WR-TIMEZONE`` and a ``VTIMEZONE`` for ``Asia/Shanghai``, generated
  from the system's zoneinfo for the years the seasons cover (the events are dates, which
  need no zone; the zone tells a client how to show the calendar);
- ``REFRESH-INTERVAL`` (RFC 7986) and ``X-PUBLISHED-TTL``: how often a subscriber should
  ask again;
- one ``VEVENT`` per event: ``UID``, ``DTSTAMP`` (the event's own LAST-MODIFIED, so that
  a publish that does not touch a committee leaves its feed's bytes alone),
  ``DTSTART``/``DTEND`` as dates (``DTEND`` the day after the last), ``SUMMARY``,
  ``DESCRIPTION``, ``LOCATION``, ``STATUS`` (``CONFIRMED`` or ``CANCELLED``, a cancelled
  summary starting ``已取消：``), ``SEQUENCE``, ``CREATED``, ``LAST-MODIFIED``,
  ``TRANSP:TRANSPARENT`` (a delivery does not make the committee busy), ``CATEGORIES``.

The same versions give the same bytes (no clock, no random UID, events in date order),
so a hash of the bytes is a fine ETag.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import lru_cache

import icalendar

from planner.io.feed import (
    CANCELLED,
    TIMEZONE,
    UID_DOMAIN,
    CommitteeFeed,
    FeedItem,
    build_feed,
)
from planner.publish.versions import PublishedVersion
from planner.wording import product_name

#: The product identifier of the feed (RFC 5545 ``PRODID``).
PRODID = "-//cultplan//committee calendar//ZH"
#: How often a subscriber should fetch the feed again.
REFRESH = dt.timedelta(hours=6)
#: The feed's media type.
MEDIA_TYPE = "text/calendar; charset=utf-8"


def committee_feed(
    versions: Iterable[PublishedVersion], committee_id: str, *, uid_domain: str = UID_DOMAIN
) -> bytes:
    """Return a committee's iCalendar feed over its published versions.

    Parameters
    ----------
    versions
        The season's published versions (any order).
    committee_id
        The committee.
    uid_domain
        The right-hand side of every UID (``<identity>@<uid_domain>``).

    Raises
    ------
    ValueError
        If there is no version, or two share a number.
    KeyError
        If the latest version's scenario has no such committee.
    """
    return feed_ics(build_feed(versions, committee_id, uid_domain=uid_domain))


def feed_ics(feed: CommitteeFeed) -> bytes:
    """Return a built feed as iCalendar bytes (UTF-8, CRLF lines folded at 75 octets)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", feed.name)
    cal.add("x-wr-calname", feed.name)
    cal.add("description", feed.description)
    cal.add("x-wr-caldesc", feed.description)
    cal.add("x-wr-timezone", TIMEZONE)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(REFRESH))
    cal.add_component(_timezone(feed.first_day.year, feed.last_day.year + 1))
    for item in feed.items:
        cal.add_component(_vevent(item))
    return cal.to_ical()


@lru_cache(maxsize=16)
def _timezone(first_year: int, end_year: int) -> icalendar.Timezone:
    """The VTIMEZONE of :data:`TIMEZONE` from January 1 of ``first_year`` to that of
    ``end_year``. Generating it scans the zone's transitions (tens of milliseconds), and
    every committee of a season has the same, so it is made once and only ever read."""
    return icalendar.Timezone.from_tzid(
        TIMEZONE, first_date=dt.date(first_year, 1, 1), last_date=dt.date(end_year, 1, 1)
    )


def _vevent(item: FeedItem) -> icalendar.Event:
    e = item.event
    event = icalendar.Event()
    event.add("uid", e.uid)
    event.add("dtstamp", item.last_modified)
    event.add("dtstart", e.start)
    event.add("dtend", e.end + dt.timedelta(days=1))
    event.add("summary", item.summary)
    if e.description:
        event.add("description", e.description)
    event.add("location", e.location)
    event.add("status", "CANCELLED" if item.status == CANCELLED else "CONFIRMED")
    event.add("sequence", item.sequence)
    event.add("created", item.created)
    event.add("last-modified", item.last_modified)
    event.add("transp", "TRANSPARENT")
    if e.entry.product is not None:
        event.add("categories", [product_name(e.entry.product)])
    return event


__all__: Sequence[str] = ["MEDIA_TYPE", "PRODID", "REFRESH", "committee_feed", "feed_ics"]
