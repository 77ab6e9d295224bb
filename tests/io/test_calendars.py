"""Committee calendars: one row per week of a delivery, Chinese names intact in UTF-8 CSV."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from planner.i18n import use_language
from planner.io.calendars import CALENDAR_COLUMNS, committee_calendar, write_calendars
from planner.plan import Delivery, Plan
from planner.scenario import Product, Scenario
from tests.factories import ask, base_data, book_set, build, show, troupe

P = Product


@pytest.fixture(autouse=True)
def _chinese() -> Iterator[None]:
    """Committees read their calendars in Chinese, the default language."""
    with use_language("zh_CN"):
        yield


def calendar_scenario() -> tuple[Scenario, Plan]:
    """C1 gets a two-week book stay and a show; C2 gets nothing."""
    data = base_data(weeks=4)
    data["resources"] = {
        "book_sets": [book_set("BK1", "红色经典", "党史", stay_weeks=2)],
        "troupes": [troupe()],
    }
    data["demand"] = [ask("C1", "book_set"), ask("C1", "performance")]
    plan = Plan.of(
        [
            Delivery("C1", P.BOOK_SET, "BK1", 2, 3, "C1/book_set/1", "党史"),
            show("C1", 3, "C1/performance/1"),
        ]
    )
    return build(data), plan


def test_committee_calendar_has_one_row_per_week() -> None:
    """A stay appears in each of its weeks with dates and Chinese product names."""
    scenario, plan = calendar_scenario()
    cal = committee_calendar(scenario, plan, "C1")
    assert list(cal.columns) == CALENDAR_COLUMNS
    assert cal["week"].tolist() == [2, 3, 3]
    assert cal["product_name"].tolist() == ["图书", "图书", "文艺演出"]
    first = cal.iloc[0]
    assert (first["week_start"], first["week_end"]) == ("2027-03-08", "2027-03-14")
    assert (first["first_week"], first["last_week"]) == (2, 3)
    assert first["resource_name"] == "红色经典"
    assert first["delivery_id"] == "C1:book_set:BK1:w02"
    assert committee_calendar(scenario, plan, "C2").empty
    with pytest.raises(KeyError):
        committee_calendar(scenario, plan, "C9")


def test_write_calendars_round_trips_chinese(tmp_path: Path) -> None:
    """Calendars are written per committee as UTF-8 CSV and read back with names intact."""
    scenario, plan = calendar_scenario()
    paths = write_calendars(scenario, plan, tmp_path / "cal")
    assert [p.name for p in paths] == ["calendar-C1.csv", "calendar-C2.csv"]
    assert paths[0].read_bytes().startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(paths[0], encoding="utf-8-sig")
    assert back["resource_name"].tolist() == ["红色经典", "红色经典", "T1越剧团"]
    assert back["theme"].tolist() == ["党史", "党史", "越剧"]
    assert back["product_name"].tolist() == ["图书", "图书", "文艺演出"]
    empty = pd.read_csv(paths[1], encoding="utf-8-sig")
    assert list(empty.columns) == CALENDAR_COLUMNS
    assert empty.empty
