"""Committee calendars of published versions: built at publish, stored, served from memory.

A committee's calendar of a scenario (:mod:`planner.io.feed`) depends on every published
version of the scenario, so it changes exactly when a version is published. It is
stored in ``committee_calendars``, one row per (scenario, committee), in three forms:

- the JSON form, built by :func:`on_publish` *inside* the publish transaction (an
  :data:`api.db.versions.ON_PUBLISH` hook), so that no version is ever committed
  without its calendars' content;
- the iCalendar feed and the printable page, written right after the commit by
  :func:`complete` (an :data:`api.db.versions.AFTER_PUBLISH` step the publish route runs
  once its answer is sent). Writing the feed is most of the cost (the ``icalendar``
  library writes the reference's 32 feeds in about 0.7 s), and a publish must stay
  under a second. A form still ``NULL`` (a crash between the two, a request that comes
  first) is built on demand by :func:`document` from the stored versions.

Every form carries its ETag, the SHA-256 of its bytes (the same versions give the same
bytes). Texts are in the service's language (``CULTPLAN_LANGUAGE``), not the request's:
a subscribed phone must see the same bytes whatever it sends, or its ETag would flap.

Serving (:func:`document`) reads one small row (no blob) per request: the calendar's
version, language and ETags beside the scenario's newest version number. When the
in-memory cache (:class:`DocumentCache`) holds bytes of that ETag, nothing else is
read; a publish changes the ETag, so a stale entry is never served. A row behind the
scenario's newest version (a version published by a process without the hooks) or in
another language is rebuilt before it is served; :func:`backfill` does the same for
every scenario when the service starts.

A committee a later version's scenario drops keeps its row: its deliveries are
cancelled in its feed, never vanished.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from api.db import scenarios as scenario_store
from api.db import versions as version_store
from api.db.engine import writing
from api.db.plans import plan_of
from api.db.tables import committee_calendars, plans, scenario_revisions, versions
from api.documents import ScenarioCache
from planner.i18n import use_language
from planner.io.calendar_entries import calendar_entries
from planner.io.calendar_html import render_calendar_html
from planner.io.feed import CommitteeFeed, build_feed, feed_json
from planner.io.ical import feed_ics
from planner.publish.versions import PublishedVersion

#: The forms of a calendar: the JSON form, the iCalendar feed, the printable page.
FORMATS: tuple[str, ...] = ("json", "ics", "html")

#: Each form's media type.
MEDIA_TYPES = {
    "json": "application/json",
    "ics": "text/calendar; charset=utf-8",
    "html": "text/html; charset=utf-8",
}

_SCENARIOS = ScenarioCache()
_LOCK = threading.Lock()
#: The language calendars are built in (:func:`install` sets the service's).
_language = ["zh_CN"]


def uid_domain(scenario_id: int) -> str:
    """The right-hand side of a scenario's UIDs: two seasons on one phone never share
    a UID."""
    return f"scenario-{scenario_id}.cultplan"


def etag_of(data: bytes) -> str:
    """The ETag of a form's bytes: their SHA-256 (hex)."""
    return hashlib.sha256(data).hexdigest()


def _aware(when: dt.datetime) -> dt.datetime:
    """A stored time as UTC (SQLite gives back naive times, in UTC)."""
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def stored_versions(conn: sa.Connection, scenario_id: int) -> list[PublishedVersion]:
    """Every published version of a scenario with its scenario revision and plan, oldest
    first (revision texts read through :mod:`planner.io`, once per text)."""
    rows = conn.execute(
        sa.select(
            versions.c.number,
            versions.c.published_at,
            plans.c.id.label("plan_id"),
            plans.c.revision,
            plans.c.deliveries,
            scenario_revisions.c.source,
            scenario_revisions.c.media_type,
            scenario_revisions.c.sha256,
        )
        .join(plans, plans.c.id == versions.c.plan_id)
        .join(
            scenario_revisions,
            sa.and_(
                scenario_revisions.c.scenario_id == plans.c.scenario_id,
                scenario_revisions.c.revision == plans.c.revision,
            ),
        )
        .where(versions.c.scenario_id == scenario_id)
        .order_by(versions.c.number)
    )
    return [
        PublishedVersion(
            number=int(r.number),
            published_at=_aware(r.published_at),
            scenario=_SCENARIOS.get(
                r.sha256 + r.media_type, r.source, r.media_type, f"scenario {scenario_id}"
            ),
            plan=plan_of(r.deliveries),
            key=f"{scenario_id}/{r.revision}/{r.plan_id}",
        )
        for r in rows
    ]


def committees_of(season: Sequence[PublishedVersion]) -> list[str]:
    """Every committee any version's scenario names, in id order."""
    return sorted({c for v in season for c in v.scenario.committee_by_id})


@dataclass(frozen=True)
class Built:
    """A committee's calendar as built for one state of its scenario.

    Attributes
    ----------
    feed
        The feed (events and their history).
    json
        Its JSON form's bytes (UTF-8).
    """

    feed: CommitteeFeed
    json: bytes


class EventMemo(dict[tuple[str, str, str, str], Any]):
    """Each stored version's events by committee (:func:`planner.io.feed.build_feed`'s
    ``memo``): a revision and a plan never change, so neither do their events. Bounded:
    emptied when it holds more than :attr:`size` entries."""

    size = 20_000

    def __setitem__(self, key: tuple[str, str, str, str], value: Any) -> None:
        with _LOCK:
            if len(self) >= self.size:
                self.clear()
            super().__setitem__(key, value)


_EVENTS = EventMemo()

#: The feeds :func:`on_publish` built, by (scenario, language), so that
#: :func:`complete` writes the feeds without walking the versions again.
_BUILT: dict[tuple[int, str], dict[str, Built]] = {}


def build(season: Sequence[PublishedVersion], scenario_id: int) -> dict[str, Built]:
    """Every committee's calendar of a scenario's versions, in the current language."""
    out: dict[str, Built] = {}
    for committee_id in committees_of(season):
        feed = build_feed(season, committee_id, uid_domain=uid_domain(scenario_id), memo=_EVENTS)
        data = json.dumps(feed_json(feed), ensure_ascii=False).encode("utf-8")
        out[committee_id] = Built(feed, data)
    return out


def write_rows(conn: sa.Connection, scenario_id: int, language: str) -> int:
    """(Re)build every committee's JSON calendar of a scenario in ``conn``'s transaction;
    the feed and page columns are left ``NULL`` for :func:`complete`. Return how many."""
    season = stored_versions(conn, scenario_id)
    conn.execute(
        committee_calendars.delete().where(committee_calendars.c.scenario_id == scenario_id)
    )
    if not season:
        return 0
    with use_language(language):
        built = build(season, scenario_id)
    latest = season[-1]
    if built:
        conn.execute(
            committee_calendars.insert(),
            [
                {
                    "scenario_id": scenario_id,
                    "committee_id": committee_id,
                    "version": latest.number,
                    "published_at": latest.published_utc,
                    "language": language,
                    "json": b.json,
                    "json_etag": etag_of(b.json),
                }
                for committee_id, b in built.items()
            ],
        )
    with _LOCK:
        _BUILT[(scenario_id, language)] = built
    return len(built)


def on_publish(conn: sa.Connection, version: sa.Row[Any]) -> None:
    """The :data:`api.db.versions.ON_PUBLISH` hook: the scenario's calendars as of the
    new version, in the publish transaction."""
    write_rows(conn, int(version.scenario_id), _language[0])


def after_publish(engine: sa.Engine, version: sa.Row[Any]) -> None:
    """The :data:`api.db.versions.AFTER_PUBLISH` step: the feeds and pages of the new
    version, after its commit (and this process's cached bytes of the scenario dropped)."""
    CACHE.forget(int(version.scenario_id))
    complete(engine, int(version.scenario_id))


def _html(season: Sequence[PublishedVersion], committee_id: str) -> bytes:
    """The printable page of a committee: the latest version's plan, or (a committee the
    latest scenario dropped) its grid and season as the last version that knew it, with
    nothing delivered."""
    latest = season[-1]
    if committee_id in latest.scenario.committee_by_id:
        scenario, deliveries = latest.scenario, list(latest.plan)
    else:
        scenario = next(
            v.scenario for v in reversed(season) if committee_id in v.scenario.committee_by_id
        )
        deliveries = []
    entries = calendar_entries(scenario, deliveries, committee_id)
    return render_calendar_html(scenario, committee_id, entries).encode("utf-8")


def complete(engine: sa.Engine, scenario_id: int, committee_id: str | None = None) -> int:
    """Write the feed and page of every calendar row of a scenario (or of one committee)
    that lacks them; return how many rows were written.

    A row is written only if it still holds the JSON the feed was built beside (a
    publish in between leaves it to the next call).
    """
    query = sa.select(
        committee_calendars.c.committee_id,
        committee_calendars.c.version,
        committee_calendars.c.language,
        committee_calendars.c.json_etag,
    ).where(
        committee_calendars.c.scenario_id == scenario_id,
        sa.or_(committee_calendars.c.ics.is_(None), committee_calendars.c.html.is_(None)),
    )
    if committee_id is not None:
        query = query.where(committee_calendars.c.committee_id == committee_id)
    with engine.connect() as conn:
        todo = list(conn.execute(query))
        if not todo:
            return 0
        season = stored_versions(conn, scenario_id)
    written = 0
    for row in todo:
        language = row.language
        with _LOCK:
            cached = _BUILT.get((scenario_id, language), {}).get(row.committee_id)
        with use_language(language):
            if cached is None or etag_of(cached.json) != row.json_etag:
                feed = build_feed(
                    season, row.committee_id, uid_domain=uid_domain(scenario_id), memo=_EVENTS
                )
                data = json.dumps(feed_json(feed), ensure_ascii=False).encode("utf-8")
                if etag_of(data) != row.json_etag:
                    continue  # the versions moved on since the row was written
                cached = Built(feed, data)
            ics = feed_ics(cached.feed)
            html = _html(season, row.committee_id)
        with writing(engine) as conn:
            done = conn.execute(
                committee_calendars.update()
                .where(
                    committee_calendars.c.scenario_id == scenario_id,
                    committee_calendars.c.committee_id == row.committee_id,
                    committee_calendars.c.json_etag == row.json_etag,
                )
                .values(ics=ics, ics_etag=etag_of(ics), html=html, html_etag=etag_of(html))
            ).rowcount
        written += int(done or 0)
    with _LOCK:
        if committee_id is None:
            _BUILT.pop((scenario_id, _language[0]), None)
    return written


def rebuild(engine: sa.Engine, scenario_id: int, language: str) -> bool:
    """Rebuild a scenario's JSON calendars in a write transaction that first locks the
    scenario's row (as a publish does), so that a publish and a rebuild never write the
    calendars at once: the rebuild waits for the publish and then reads its version, or
    the publish waits for the rebuild. Return ``False`` when the scenario is gone."""
    with writing(engine) as conn:
        if scenario_store.lock(conn, scenario_id) is None:
            return False
        write_rows(conn, scenario_id, language)
    return True


def refresh(engine: sa.Engine, scenario_id: int, language: str) -> None:
    """Rebuild a scenario's calendars (all forms) from its stored versions
    (:func:`rebuild`, then :func:`complete`)."""
    if rebuild(engine, scenario_id, language):
        complete(engine, scenario_id)


def backfill(engine: sa.Engine, language: str | None = None) -> list[int]:
    """Give every scenario whose calendars are missing, behind its newest version or in
    another language its calendars, and complete the rest; return the scenarios rebuilt.

    Run when the service starts: versions published before the calendars' table existed,
    or by a process without the hooks, get their calendars.
    """
    language = language or _language[0]
    newest = (
        sa.select(versions.c.scenario_id, sa.func.max(versions.c.number).label("latest"))
        .group_by(versions.c.scenario_id)
        .subquery()
    )
    state = (
        sa.select(
            newest.c.scenario_id,
            newest.c.latest,
            sa.func.min(committee_calendars.c.version).label("oldest"),
            sa.func.count(committee_calendars.c.committee_id).label("rows"),
            sa.func.sum(sa.case((committee_calendars.c.language != language, 1), else_=0)).label(
                "other_language"
            ),
        )
        .select_from(newest)
        .outerjoin(committee_calendars, committee_calendars.c.scenario_id == newest.c.scenario_id)
        .group_by(newest.c.scenario_id, newest.c.latest)
    )
    with engine.connect() as conn:
        rows = list(conn.execute(state))
    rebuilt = []
    for r in rows:
        if not r.rows or r.oldest < r.latest or r.other_language:
            if not rebuild(engine, int(r.scenario_id), language):
                continue
            rebuilt.append(int(r.scenario_id))
        complete(engine, int(r.scenario_id))
    return rebuilt


def install(language: str) -> None:
    """Build calendars in ``language`` at every publish (idempotent): the hooks are added
    to :data:`api.db.versions.ON_PUBLISH` and :data:`~api.db.versions.AFTER_PUBLISH`."""
    _language[0] = language
    if on_publish not in version_store.ON_PUBLISH:
        version_store.ON_PUBLISH.append(on_publish)
    if after_publish not in version_store.AFTER_PUBLISH:
        version_store.AFTER_PUBLISH.append(after_publish)


class DocumentCache:
    """The bytes of calendar forms by (scenario, committee, form), each with its ETag;
    an entry is used only when its ETag is the row's (a publish changes it)."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._items: OrderedDict[tuple[int, str, str], tuple[str, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[int, str, str], etag: str) -> bytes | None:
        """The cached bytes of ``key`` if they are those of ``etag``."""
        with self._lock:
            item = self._items.get(key)
            if item is None or item[0] != etag:
                return None
            self._items.move_to_end(key)
            return item[1]

    def put(self, key: tuple[int, str, str], etag: str, data: bytes) -> None:
        """Keep the bytes of ``key`` (the oldest entries go beyond :attr:`size`)."""
        with self._lock:
            self._items[key] = (etag, data)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def forget(self, scenario_id: int) -> None:
        """Drop a scenario's entries (after a publish)."""
        with self._lock:
            for key in [k for k in self._items if k[0] == scenario_id]:
                del self._items[key]


CACHE = DocumentCache()


@dataclass(frozen=True)
class Document:
    """A calendar form ready to serve.

    Attributes
    ----------
    scenario_id, committee_id, form
        Whose calendar, in which form (:data:`FORMATS`).
    version
        The scenario's version it reflects.
    etag
        The SHA-256 of its bytes.
    """

    scenario_id: int
    committee_id: str
    form: str
    version: int
    etag: str


def _state(conn: sa.Connection, committee_id: str, scenario_id: int | None) -> Any:
    newest = (
        sa.select(sa.func.max(versions.c.number))
        .where(versions.c.scenario_id == committee_calendars.c.scenario_id)
        .scalar_subquery()
    )
    query = (
        sa.select(
            committee_calendars.c.scenario_id,
            committee_calendars.c.version,
            committee_calendars.c.language,
            committee_calendars.c.json_etag,
            committee_calendars.c.ics_etag,
            committee_calendars.c.html_etag,
            newest.label("latest"),
        )
        .where(committee_calendars.c.committee_id == committee_id)
        .order_by(
            committee_calendars.c.published_at.desc(), committee_calendars.c.scenario_id.desc()
        )
        .limit(1)
    )
    if scenario_id is not None:
        query = query.where(committee_calendars.c.scenario_id == scenario_id)
    return conn.execute(query).first()


class _KnownCommittees:
    """The committees a scenario's published versions name, by ``(scenario, newest
    version number)``: versions are immutable and numbered without gaps, so the pair
    fixes the answer. Bounded: emptied beyond :attr:`size` entries."""

    size = 1024

    def __init__(self) -> None:
        self._items: dict[tuple[int, int], frozenset[str]] = {}
        self._lock = threading.Lock()

    def get(self, conn: sa.Connection, scenario_id: int, latest: int) -> frozenset[str]:
        """The committees of a scenario whose newest version is ``latest``."""
        key = (scenario_id, latest)
        found = self._items.get(key)
        if found is None:
            found = frozenset(committees_of(stored_versions(conn, scenario_id)))
            with self._lock:
                if len(self._items) >= self.size:
                    self._items.clear()
                self._items[key] = found
        return found


_KNOWN = _KnownCommittees()


def find(
    engine: sa.Engine, committee_id: str, scenario_id: int | None, form: str
) -> Document | None:
    """The form of a committee's calendar to serve, ``None`` when there is none.

    Without ``scenario_id`` the committee's latest season: the scenario whose newest
    version (among those naming the committee) was published last. A row behind its
    scenario's newest version or in another language is rebuilt first; a form not yet
    written is written first. A committee none of the scenario's versions names gets
    ``None`` at once: nothing is rebuilt (nor locked) for it.
    """
    language = _language[0]
    for _attempt in range(3):
        with engine.connect() as conn:
            row = _state(conn, committee_id, scenario_id)
            if row is None and scenario_id is not None:
                latest = version_store.latest(conn, scenario_id)
                if latest is None:
                    return None
                if committee_id not in _KNOWN.get(conn, scenario_id, int(latest.number)):
                    return None
                missing = True
            else:
                missing = False
        if row is None and not missing:
            return None
        if row is None or row.version < (row.latest or 0) or row.language != language:
            sid = scenario_id if row is None else int(row.scenario_id)
            assert sid is not None
            refresh(engine, sid, language)
            if row is None:
                with engine.connect() as conn:
                    if _state(conn, committee_id, sid) is None:
                        return None  # the scenario's versions do not know the committee
            continue
        etag = getattr(row, f"{form}_etag")
        if etag is None:
            complete(engine, int(row.scenario_id), committee_id)
            continue
        return Document(int(row.scenario_id), committee_id, form, int(row.version), etag)
    return None


def content(engine: sa.Engine, doc: Document) -> bytes:
    """The bytes of a document: from the cache when it holds that ETag, else read once."""
    key = (doc.scenario_id, doc.committee_id, doc.form)
    data = CACHE.get(key, doc.etag)
    if data is not None:
        return data
    column = committee_calendars.c[doc.form]
    with engine.connect() as conn:
        found = conn.execute(
            sa.select(column, committee_calendars.c[f"{doc.form}_etag"]).where(
                committee_calendars.c.scenario_id == doc.scenario_id,
                committee_calendars.c.committee_id == doc.committee_id,
            )
        ).first()
    if found is None or found[0] is None or found[1] != doc.etag:
        raise LookupError(doc)  # a publish in between: the caller asks again
    data = bytes(found[0])
    CACHE.put(key, doc.etag, data)
    return data


__all__: Sequence[str] = [
    "CACHE",
    "FORMATS",
    "MEDIA_TYPES",
    "Document",
    "DocumentCache",
    "after_publish",
    "backfill",
    "build",
    "complete",
    "content",
    "etag_of",
    "find",
    "install",
    "on_publish",
    "rebuild",
    "refresh",
    "stored_versions",
    "uid_domain",
    "write_rows",
]
