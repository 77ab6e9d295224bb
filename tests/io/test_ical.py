"""A committee's iCalendar feed over its published versions: parsed back with the
icalendar library, with its time zone and Chinese name, UIDs that survive a move,
SEQUENCE raised on each change, cancelled deliveries kept, and the same bytes for the
same versions."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import icalendar
import pytest

from planner.i18n import use_language
from planner.io.feed import committee_calendar_json
from planner.io.ical import committee_feed
from planner.plan import Delivery, Plan
from planner.publish import PublishedVersion
from planner.scenario import Product
from tests.factories import build
from tests.publish.season import first_plan, season, season_data, second_plan

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
T1 = dt.datetime(2027, 2, 20, 9, 30, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _chinese() -> Iterator[None]:
    """Committees read their calendars in Chinese, the default language."""
    with use_language("zh_CN"):
        yield


def versions(*plans: Plan) -> list[PublishedVersion]:
    """Versions 1, 2, ... of :func:`season`, published a day apart from ``T1``."""
    s = season()
    return [
        PublishedVersion(n, T1 + dt.timedelta(days=n - 1), s, plan)
        for n, plan in enumerate(plans, start=1)
    ]


def events(feed: bytes) -> dict[str, icalendar.Component]:
    """The feed's VEVENTs by UID (parsed back with icalendar)."""
    cal = icalendar.Calendar.from_ical(feed)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_feed_parses_back_with_its_time_zone_and_chinese_name() -> None:
    """The calendar names the committee in Chinese, says its zone and carries a
    VTIMEZONE for Asia/Shanghai; every line is CRLF-ended and at most 75 octets."""
    feed = committee_feed(versions(first_plan()), "C1")
    cal = icalendar.Calendar.from_ical(feed)
    assert str(cal["X-WR-CALNAME"]) == "测试1居委会 文化配送"
    assert str(cal["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    assert str(cal["VERSION"]) == "2.0" and str(cal["METHOD"]) == "PUBLISH"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert b"X-PUBLISHED-TTL:PT6H\r\n" in feed
    lines = feed.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75


def test_one_event_per_entry_a_stay_as_arrival_and_collection() -> None:
    """C1's version 1: the book stay as its arrival (Monday of week 2) and collection
    (Sunday of week 3), two shows and a lecture as week-long all-day events, the course
    as three sessions, the reading month and the closed week 8: ten events."""
    got = events(committee_feed(versions(first_plan()), "C1"))
    assert len(got) == 10
    arrival = got["C1:C1/book_set/1:1/arrival@cultplan"]
    assert str(arrival["SUMMARY"]) == "图书送达：红色经典"
    assert (arrival.decoded("DTSTART"), arrival.decoded("DTEND")) == (
        dt.date(2027, 3, 8),
        dt.date(2027, 3, 9),
    )
    collection = got["C1:C1/book_set/1:1/collection@cultplan"]
    assert str(collection["SUMMARY"]) == "图书收回：红色经典"
    assert collection.decoded("DTSTART") == dt.date(2027, 3, 21)
    show = got["C1:C1/performance/1:2@cultplan"]
    assert str(show["SUMMARY"]) == "文艺演出：越剧（T1越剧团）"
    assert (show.decoded("DTSTART"), show.decoded("DTEND")) == (
        dt.date(2027, 3, 29),
        dt.date(2027, 4, 5),
    )
    assert "具体日期和时间与提供方商定" in str(show["DESCRIPTION"])
    sessions = [got[f"C1:C1/fitness_course/1:1/s{k}@cultplan"] for k in (1, 2, 3)]
    assert [s.decoded("DTSTART") for s in sessions] == [
        dt.date(2027, 3, 22),
        dt.date(2027, 3, 29),
        dt.date(2027, 4, 5),
    ]
    assert "第4–6周第2/3次" in str(sessions[1]["SUMMARY"])
    assert str(got["C1:closed:w08@cultplan"]["SUMMARY"]) == "闭馆，不安排配送"
    assert all(str(e["STATUS"]) == "CONFIRMED" for e in got.values())
    assert all(e["SEQUENCE"] == 0 for e in got.values())
    assert all(isinstance(e.decoded("DTSTART"), dt.date) for e in got.values())
    assert all(not isinstance(e.decoded("DTSTART"), dt.datetime) for e in got.values())


def test_uids_stay_when_deliveries_move_and_sequence_counts_changes() -> None:
    """In version 2 the week-5 show moves to week 6 under the same UID with SEQUENCE 1
    and LAST-MODIFIED at version 2; the lecture given by another lecturer too; the book
    stay on another copy of the same set and the week-1 show keep SEQUENCE 0; each
    event's DTSTAMP is its own LAST-MODIFIED."""
    one = events(committee_feed(versions(first_plan()), "C1"))
    two = events(committee_feed(versions(first_plan(), second_plan()), "C1"))
    assert set(one) == set(two)
    moved = two["C1:C1/performance/1:2@cultplan"]
    assert moved.decoded("DTSTART") == dt.date(2027, 4, 5)
    assert moved["SEQUENCE"] == 1
    assert moved.decoded("LAST-MODIFIED") == (T1 + dt.timedelta(days=1)).astimezone(dt.UTC)
    assert moved.decoded("CREATED") == T1.astimezone(dt.UTC)
    assert two["C1:C1/lecture/1:1@cultplan"]["SEQUENCE"] == 1
    assert two["C1:C1/book_set/1:1/arrival@cultplan"]["SEQUENCE"] == 0
    assert two["C1:C1/performance/1:1@cultplan"]["SEQUENCE"] == 0
    assert all(e.decoded("DTSTAMP") == e.decoded("LAST-MODIFIED") for e in two.values())
    assert two["C1:C1/performance/1:1@cultplan"].decoded("DTSTAMP") == T1.astimezone(dt.UTC)


def test_sequence_rises_with_each_change_and_not_without_one() -> None:
    """A third version moving the show again raises its SEQUENCE to 2; a fourth equal
    to the third raises nothing and keeps LAST-MODIFIED."""
    third = Plan.of(
        [d if (d.committee_id, d.first_week) != ("C1", 6) else _moved(d, 7) for d in second_plan()]
    )
    three = events(committee_feed(versions(first_plan(), second_plan(), third), "C1"))
    four = events(committee_feed(versions(first_plan(), second_plan(), third, third), "C1"))
    uid = "C1:C1/performance/1:2@cultplan"
    assert (three[uid]["SEQUENCE"], four[uid]["SEQUENCE"]) == (2, 2)
    assert three[uid].decoded("LAST-MODIFIED") == four[uid].decoded("LAST-MODIFIED")
    assert {u: e["SEQUENCE"] for u, e in three.items()} == {
        u: e["SEQUENCE"] for u, e in four.items()
    }


def _moved(d: Delivery, week: int) -> Delivery:
    return Delivery(d.committee_id, d.product, d.resource_id, week, week, d.demand_id, d.theme)


def test_cancelled_delivery_is_kept_and_restored() -> None:
    """C2's lecture, gone in version 2, stays in the feed as CANCELLED with a summary
    starting 已取消：, its last dates and SEQUENCE 1; restored in version 3 it is
    CONFIRMED again with SEQUENCE 2."""
    uid = "C2:C2/lecture/1:1@cultplan"
    two = events(committee_feed(versions(first_plan(), second_plan()), "C2"))
    gone = two[uid]
    assert str(gone["STATUS"]) == "CANCELLED"
    assert str(gone["SUMMARY"]) == "已取消：文化讲座：党史（L1教授）"
    assert (gone.decoded("DTSTART"), gone["SEQUENCE"]) == (dt.date(2027, 3, 22), 1)
    three = events(committee_feed(versions(first_plan(), second_plan(), first_plan()), "C2"))
    assert (str(three[uid]["STATUS"]), three[uid]["SEQUENCE"]) == ("CONFIRMED", 2)
    assert str(three[uid]["SUMMARY"]) == "文化讲座：党史（L1教授）"


def test_a_shorter_course_cancels_its_last_session() -> None:
    """A course cut from three weeks to two keeps sessions 1 and 2 (SEQUENCE 1: their
    course changed) and marks session 3 cancelled."""
    short = Plan.of(
        [
            Delivery(d.committee_id, d.product, d.resource_id, 4, 5, d.demand_id, d.theme)
            if d.product == Product.FITNESS_COURSE
            else d
            for d in first_plan()
        ]
    )
    got = events(committee_feed(versions(first_plan(), short), "C1"))
    status = {k: (str(got[f"C1:C1/fitness_course/1:1/s{k}@cultplan"]["STATUS"])) for k in (1, 2, 3)}
    assert status == {1: "CONFIRMED", 2: "CONFIRMED", 3: "CANCELLED"}
    assert {got[f"C1:C1/fitness_course/1:1/s{k}@cultplan"]["SEQUENCE"] for k in (1, 2, 3)} == {1}


def test_same_versions_give_the_same_bytes() -> None:
    """Built twice, or from the versions in another order, the feed is byte for byte the
    same (a hash of it is an ETag); another version changes it."""
    vs = versions(first_plan(), second_plan())
    feed = committee_feed(vs, "C1")
    assert committee_feed(list(reversed(vs)), "C1") == feed
    assert committee_feed(versions(first_plan(), second_plan()), "C1") == feed
    assert committee_feed(vs[:1], "C1") != feed


def test_uid_domain_names_the_scenario() -> None:
    """A service can put its scenario into the UIDs' right-hand side."""
    got = events(committee_feed(versions(first_plan()), "C2", uid_domain="s7.cultplan"))
    assert "C2:C2/lecture/1:1@s7.cultplan" in got


def test_unknown_committee_no_version_and_naive_times_are_refused() -> None:
    """A committee no version's scenario has is a KeyError; no version, two versions of
    one number, and a naive publish time are ValueErrors."""
    vs = versions(first_plan())
    with pytest.raises(KeyError):
        committee_feed(vs, "C9")
    with pytest.raises(ValueError, match="at least one"):
        committee_feed([], "C1")
    with pytest.raises(ValueError, match="share a number"):
        committee_feed([*vs, *vs], "C1")
    with pytest.raises(ValueError, match="timezone-aware"):
        PublishedVersion(1, dt.datetime(2027, 1, 1), season(), first_plan())


def test_a_committee_dropped_later_keeps_its_feed_all_cancelled() -> None:
    """A committee that a later version's scenario no longer has still gets its feed:
    every delivery it had is kept, cancelled, its SEQUENCE raised; the calendar keeps
    the committee's name from the last version that knew it."""
    first = versions(first_plan())[0]
    data = season_data()
    data["committees"] = [c for c in data["committees"] if c["id"] != "C2"]
    data["demand"] = [a for a in data["demand"] if a["committee"] != "C2"]
    later = build(data)
    kept = Plan.of(d for d in first_plan() if d.committee_id != "C2")
    vs = [first, PublishedVersion(2, T1 + dt.timedelta(days=1), later, kept)]
    feed = committee_feed(vs, "C2")
    cal = icalendar.Calendar.from_ical(feed)
    assert str(cal["X-WR-CALNAME"]) == "测试2居委会 文化配送"
    got = events(feed)
    deliveries = {uid: e for uid, e in got.items() if ":C2/" in uid}
    assert len(deliveries) == 2
    for e in deliveries.values():
        assert str(e["STATUS"]) == "CANCELLED" and e["SEQUENCE"] == 1
        assert str(e["SUMMARY"]).startswith("已取消：")


def test_json_form_is_the_same_calendar() -> None:
    """The JSON calendar has the ICS feed's UIDs, sequences, statuses and summaries,
    inclusive end days, and survives a JSON round trip."""
    vs = versions(first_plan(), second_plan())
    data = json.loads(json.dumps(committee_calendar_json(vs, "C2")))
    ics = events(committee_feed(vs, "C2"))
    assert data["name"] == "测试2居委会 文化配送"
    assert data["timezone"] == "Asia/Shanghai"
    assert "version" not in data and "published_at" not in data
    assert data["changed_at"] == max(e["last_modified"] for e in data["events"])
    assert {
        e["uid"]: (e["status"].upper(), e["sequence"], e["summary"]) for e in data["events"]
    } == {uid: (str(e["STATUS"]), e["SEQUENCE"], str(e["SUMMARY"])) for uid, e in ics.items()}
    lecture = next(e for e in data["events"] if e["uid"] == "C2:C2/lecture/1:1@cultplan")
    assert (lecture["start"], lecture["end"], lecture["product"]) == (
        "2027-03-22",
        "2027-03-28",
        "lecture",
    )


def test_english_feed_with_the_language_switch() -> None:
    """In English the calendar's name and summaries are the texts as written (names and
    themes stay the scenario's own)."""
    with use_language("en"):
        feed = committee_feed(versions(first_plan(), second_plan()), "C2")
    cal = icalendar.Calendar.from_ical(feed)
    assert str(cal["X-WR-CALNAME"]) == "测试2居委会 culture deliveries"
    summaries = {str(e["SUMMARY"]) for e in cal.walk("VEVENT")}
    assert "Cancelled: lecture: 党史 (L1教授)" in summaries


def test_a_version_that_leaves_a_committee_alone_leaves_its_bytes_alone() -> None:
    """A third version equal to the second (published later) gives every committee the
    same feed and JSON bytes as before: no DTSTAMP, version or publish time moves."""
    two = versions(first_plan(), second_plan())
    three = versions(first_plan(), second_plan(), second_plan())
    assert three[-1].published_at > two[-1].published_at
    for committee in ("C1", "C2"):
        assert committee_feed(three, committee) == committee_feed(two, committee)
        assert committee_calendar_json(three, committee) == committee_calendar_json(two, committee)
