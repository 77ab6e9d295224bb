"""The generated season: its start, accepted lengths, 2027 calendar fixtures and week runs."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from planner.i18n import _
from planner.scenario import Fixture, Product, Season

#: Monday 2027-03-01, week 1 of every generated season.
SEASON_START = dt.date(2027, 3, 1)

#: Season lengths the generators accept: one book set stay up to a year (docs/domain.md's
#: tiers span 13–52 weeks; beyond a year the once-a-season rule for set kinds would
#: need a catalogue larger than the copies the centre owns).
WEEKS_RANGE = range(4, 53)


def _week_of(day: dt.date) -> int:
    """The 1-based season week (from :data:`SEASON_START`) a day falls in."""
    return (day - SEASON_START).days // 7 + 1


def _fixtures(weeks: int, festival_reserves: Sequence[str], local: bool) -> list[Fixture]:
    """The 2027 calendar fixtures that fall in a season of ``weeks`` weeks.

    The reading month is April (weeks 5–9); Qingming is Monday 2027-04-05 (week 6);
    the Labour Day holiday is 1–5 May (weeks 9–10); the culture festival rehearses and
    performs 10–23 May (weeks 11–12) with some troupes reserved; June up to 七一 favours
    party-history boards (weeks 14–18); the summer holiday favours picture books
    (weeks 19–26); the 八一 military-civilian reading circle runs 19 July – 8 August
    (weeks 21–23). Fixtures are clipped to the season and dropped when outside it.
    """
    festival = "五角场社区文化节" if local else "社区文化节"
    book, board, show = Product.BOOK_SET, Product.EXHIBITION, Product.PERFORMANCE
    out = []

    def add(
        ident: str,
        name: str,
        first: tuple[int, int],
        last: tuple[int, int],
        product: Product,
        themes: Sequence[str] = (),
        bonus: float = 1.0,
        reserves: Sequence[str] = (),
    ) -> None:
        start, end = _week_of(dt.date(2027, *first)), _week_of(dt.date(2027, *last))
        in_season = [w for w in range(start, end + 1) if 1 <= w <= weeks]
        if in_season:
            out.append(
                Fixture(
                    id=ident,
                    name=name,
                    weeks=in_season,
                    product=product,
                    themes=list(themes),
                    bonus=bonus,
                    reserves=list(reserves),
                )
            )

    add("reading-month", "读书月（四月）", (4, 1), (4, 30), book)
    add("qingming", "清明·文明祭扫", (4, 5), (4, 5), board, ["文明祭扫"])
    add("labour-day", "五一劳动节", (5, 1), (5, 5), board, ["劳模风采"])
    add(
        "culture-festival",
        f"{festival}（排练与展演，部分团队参演）",
        (5, 10),
        (5, 23),
        show,
        bonus=0.5,
        reserves=festival_reserves,
    )
    add("july-first", "七一建党节·党史学习教育", (6, 1), (7, 1), board, ["党史学习教育"], 1.5)
    add("summer-reading", "暑期少儿阅读（暑托班）", (7, 5), (8, 29), book, ["少儿绘本"], 0.5)
    add("army-day", "八一·军民共建读书圈", (7, 19), (8, 8), book, ["国防军事", "党史"])
    return out


def _check_weeks(weeks: int) -> None:
    if weeks not in WEEKS_RANGE:
        raise ValueError(
            _("weeks must be within {first}..{last}, got {weeks}").format(
                first=WEEKS_RANGE.start, last=WEEKS_RANGE.stop - 1, weeks=weeks
            )
        )


def _season(weeks: int, fixtures: list[Fixture]) -> Season:
    return Season(start=SEASON_START, weeks=weeks, fixtures=fixtures)


def _block_weeks(rng: random.Random, weeks: int, length: int) -> list[int]:
    """A random run of ``length`` consecutive weeks within the season."""
    first = rng.randint(1, max(1, weeks - length + 1))
    return list(range(first, min(weeks, first + length - 1) + 1))
