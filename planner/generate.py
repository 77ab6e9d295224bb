"""Scenario generators: the Wujiaochang reference scenario and synthetic scale tiers.

:func:`reference_scenario` builds the Wujiaochang subdistrict (Yangpu district, Shanghai)
from the public facts of ``DOMAIN.md`` (committee names, grids, residents, area, centre,
calendar) and seeded, generated figures for everything else; :func:`write_reference_scenarios`
writes the two reference files with a header that says which is which.
:func:`generate` builds synthetic scenarios at the subdistrict, district and city tiers.

Every generator is deterministic. It draws only from :class:`random.Random` instances
seeded from its ``seed`` argument, one stream per purpose (``"<seed>/<purpose>"``), so that
the 13- and 26-week reference scenarios share their committees and resources and differ
only where the season length matters (closures, availability, fixtures, demand).

Demand is generated to exceed what the resources can deliver (:func:`capacity_summary`)
by at least :data:`MIN_OVERALL_RATIO` overall and :data:`MIN_PRODUCT_RATIO` for every
product, while every demand line fits at least one resource that serves its committee
and suits its venue, and no committee asks for more than its venue and calendar can take.
A committee has at most three lines per product, each asking for up to 3 stays or
4 events per 13 weeks of season; lines of one committee never wish for the same theme.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sys
from bisect import bisect
from collections import Counter
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from planner.io import write_scenario
from planner.scenario import (
    STAY_PRODUCTS,
    BoardSet,
    BookSet,
    Committee,
    Demand,
    Fixture,
    Grid,
    Lecturer,
    Location,
    Place,
    Product,
    Resources,
    Scenario,
    ScenarioError,
    Season,
    Trainer,
    Troupe,
    Van,
    Venue,
    scenario_problems,
)

# -- public facts (DOMAIN.md) -------------------------------------------------------------

#: Monday 2027-03-01, week 1 of every generated season.
SEASON_START = dt.date(2027, 3, 1)
#: The seed of the reference scenario files.
REFERENCE_SEED = 2027
#: The 32 residents' committees of Wujiaochang subdistrict (2021), in DOMAIN.md's order.
WUJIAOCHANG_COMMITTEES: tuple[str, ...] = tuple(
    f"{short}居委会"
    for short in (
        "武东",
        "五一",
        "政民",
        "建新",
        "复旦",
        "国定一",
        "铁路新村",
        "四平",
        "四平一",
        "国年",
        "国顺",
        "国权",
        "航天",
        "政翔殷",
        "东郸",
        "蓝天",
        "三门路",
        "吉浦",
        "南茶园",
        "邯郸路",
        "国权北路",
        "仁德路",
        "北茶园路",
        "政通路第一",
        "财大",
        "国权路第一",
        "文化花园",
        "三湘",
        "正文",
        "汇元坊",
        "吉浦一",
        "创智坊",
    )
)
#: Residents of the subdistrict, all assigned to its committees.
WUJIAOCHANG_POPULATION = 142_600
#: Area of the subdistrict in km².
WUJIAOCHANG_AREA_KM2 = 7.66
#: Grids (网格) of the subdistrict, each with a culture sub-centre.
WUJIAOCHANG_GRIDS = 7
#: The community culture centre on 政通路 (approximate location).
WUJIAOCHANG_CENTRE = Place(
    id="centre", name="五角场社区文化中心", location=Location(lat=31.300, lon=121.514)
)
#: Bounds (lat min, lat max, lon min, lon max) within which generated locations fall.
WUJIAOCHANG_BOUNDS = (31.290, 31.315, 121.495, 121.530)
#: Reference file names by season length in weeks.
REFERENCE_FILES = {13: "wujiaochang-2027-spring.yaml", 26: "wujiaochang-2027-spring-26w.yaml"}

#: Season lengths the generators accept: one book set stay up to a year (DOMAIN.md's
#: tiers span 13–52 weeks; beyond a year the once-a-season rule for set kinds would
#: need a catalogue larger than the copies the centre owns).
WEEKS_RANGE = range(4, 53)
#: Tiers accepted by :func:`generate`.
TIERS = ("subdistrict", "district", "city")
#: Demand must exceed capacity by this factor over all products ...
MIN_OVERALL_RATIO = 1.5
#: ... and by this factor for every product.
MIN_PRODUCT_RATIO = 1.2

# -- generation targets -------------------------------------------------------------------

# Requested / capacity aimed at per product (phase 1) and overall (phase 2). They sit
# above the minima so that rounding and per-committee limits never pull a seed below.
_PRODUCT_TARGET = {
    Product.BOOK_SET: 1.3,
    Product.EXHIBITION: 1.9,
    Product.PERFORMANCE: 1.6,
    Product.LECTURE: 1.7,
    Product.FITNESS_COURSE: 1.3,
}
_OVERALL_TARGET = 1.56
# Order in which products are filled to their targets.
_FILL_ORDER = (
    Product.FITNESS_COURSE,
    Product.BOOK_SET,
    Product.EXHIBITION,
    Product.LECTURE,
    Product.PERFORMANCE,
)
# Products topped up, in turn, when the overall target is not yet met.
_TOP_UP = (Product.PERFORMANCE, Product.LECTURE, Product.EXHIBITION, Product.BOOK_SET)
_MAX_LINES_PER_PRODUCT = 3

# -- catalogues ---------------------------------------------------------------------------

_BOOK_KINDS = (
    ("百年党史学习读本", "党史"),
    ("红色印记：上海革命遗址", "党史"),
    ("上海城市记忆", "上海历史"),
    ("江湾五角场百年", "上海历史"),
    ("少儿绘本精选（低幼）", "少儿绘本"),
    ("少儿绘本精选（学龄）", "少儿绘本"),
    ("健康养生百问", "健康养生"),
    ("中医四季养生", "健康养生"),
    ("中国文学名著", "文学名著"),
    ("外国文学名著", "文学名著"),
    ("科学普及读本", "科普"),
    ("国防教育读本", "国防军事"),
)
_BOARD_KINDS = (
    ("党史学习教育展", "党史学习教育"),
    ("垃圾分类新时尚", "垃圾分类"),
    ("防范电信网络诈骗", "防诈骗"),
    ("五角场今昔", "五角场今昔"),
    ("清明文明祭扫", "文明祭扫"),
    ("劳动最光荣：劳模风采", "劳模风采"),
)
# Outside Wujiaochang the local-history titles are generic.
_LOCAL_TITLES = {"江湾五角场百年": "海派文化漫谈", "五角场今昔": "社区今昔"}

_GENRES = ("沪剧", "越剧", "合唱", "舞蹈", "评弹", "民乐", "京剧", "朗诵")
_STAGE_GENRES = frozenset({"沪剧", "越剧", "京剧", "舞蹈"})
_TROUPE_SUFFIX = {
    "沪剧": "沪剧团",
    "越剧": "越剧队",
    "合唱": "合唱团",
    "舞蹈": "舞蹈队",
    "评弹": "评弹组",
    "民乐": "民乐队",
    "京剧": "京剧票友社",
    "朗诵": "朗诵队",
}
_REFERENCE_GENRES = ("沪剧", "越剧", "合唱", "舞蹈", "评弹", "民乐")
_REFERENCE_TROUPE_PREFIXES = ("五角场", "江湾", "国权", "政通", "四平", "翔殷")
# The culture festival gala draws these troupes away from committee shows.
_FESTIVAL_GENRES = ("合唱", "舞蹈", "沪剧")

_REFERENCE_LECTURERS = (
    ("复旦大学", ("党史", "上海历史")),
    ("上海财经大学", ("理财防骗", "法律常识")),
    ("海军军医大学", ("健康养生", "急救常识")),
    ("上海体育大学", ("科学健身", "运动康复")),
    ("同济大学", ("文学欣赏", "城市建筑")),
)
_PROVIDERS = (
    "复旦大学",
    "同济大学",
    "上海财经大学",
    "上海体育大学",
    "海军军医大学",
    "上海理工大学",
    "华东师范大学",
    "上海大学",
    "华东政法大学",
    "上海中医药大学",
    "社区卫生服务中心",
    "区图书馆",
)
_TOPICS = (
    "党史",
    "上海历史",
    "理财防骗",
    "法律常识",
    "健康养生",
    "急救常识",
    "科学健身",
    "运动康复",
    "文学欣赏",
    "城市建筑",
    "智能手机使用",
    "中医保健",
)
_TITLES = {
    "university": ("教授", "副教授", "讲师", "研究员"),
    "medical": ("教授", "主任医师", "副主任医师"),
    "library": ("研究馆员", "馆员"),
}
_SKILLS = ("健身舞蹈", "拳操", "太极", "广场舞", "瑜伽")

# Themes an older committee wishes for more often (and a younger one less).
_ELDERLY_THEMES = frozenset(
    {"健康养生", "中医保健", "急救常识", "智能手机使用", "太极", "拳操", "越剧", "沪剧", "评弹"}
)
_YOUNG_THEMES = frozenset({"少儿绘本", "科普", "瑜伽", "健身舞蹈", "科学健身", "舞蹈"})

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
    "肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢姜钟陆汪范金顾"
)
_GIVEN = (
    "伟芳敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚英华玉萍红玲"
    "芬燕彬鹏辉斌宇浩凯健俊帆旭宁琳晨欣怡佳雪梅莉倩婷颖慧"
)
_PLACE_TEXT = (
    "长阳 控江 国和 靖宇 民京 殷行 嫩江 开鲁 政立 黄兴 延吉 内江 松花 包头 鞍山 辽源 本溪 营口 "
    "抚顺 翔殷 淞沪 江湾 平凉 宁国 隆昌 眉州 定海 通北 丹阳 怀德 兰州 惠民 临青 河间 许昌 贵阳 "
    "昆明 荆州 沈阳 大连 长白 双阳 安波 民星 中原 闸殷 市光 国晓 伟德 锦西 梅园 桃浦 真如 曹杨 "
    "宜川 甘泉 石泉 长风 天山 仙霞 虹桥 田林 康健 龙华 斜土 枫林 天平 华阳 新华 凌云 长桥 华泾 "
    "古美 莘庄 七宝 梅陇 春申 金杨 洋泾 潍坊 塘桥 上钢 东明 三林 北蔡 花木 张江 高行 合庆 川沙 "
    "彭浦 临汾 大宁 共和 芷江 宝山 友谊 吴淞 淞南 庙行 大场 顾村 罗店 杨行 月浦 江宁 静安 曹家 "
    "南京 豫园 老西 外滩 瑞金 打浦 五里 半淞 欧阳 广中 嘉兴 提篮 北站 宝钢 新成 曲阳 泗塘 金桥"
)
_PLACE_WORDS = tuple(_PLACE_TEXT.split())
_COMMITTEE_SUFFIXES = ("路", "新村", "苑", "坊", "花园", "小区", "村", "里", "城")
_SUBDISTRICT_SUFFIXES = ("路街道", "街道", "新村街道", "镇")
_DISTRICT_BOUNDS = (31.24, 31.34, 121.47, 121.59)
_CITY_BOUNDS = (30.95, 31.45, 121.15, 121.85)

# -- calendar -----------------------------------------------------------------------------


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
            f"weeks must be within {WEEKS_RANGE.start}..{WEEKS_RANGE.stop - 1}, got {weeks}"
        )


def _season(weeks: int, fixtures: list[Fixture]) -> Season:
    return Season(start=SEASON_START, weeks=weeks, fixtures=fixtures)


# -- capacity -----------------------------------------------------------------------------


def _runs(weeks: int, blocked: AbstractSet[int]) -> list[int]:
    """Lengths of the maximal runs of consecutive weeks not in ``blocked``."""
    runs, current = [], 0
    for w in range(1, weeks + 1):
        if w in blocked:
            if current:
                runs.append(current)
            current = 0
        else:
            current += 1
    if current:
        runs.append(current)
    return runs


def _blocker(season: Season) -> Callable[..., frozenset[int]]:
    """A function giving the weeks a resource cannot be planned in this season.

    They are its ``unavailable_weeks``, weeks outside its ``available_weeks`` (if given),
    weeks of fixtures that reserve it and season-wide closed weeks.
    """
    weeks = season.weeks
    closed = frozenset(season.closed_weeks)
    reserved: dict[str, set[int]] = {}
    for fixture in season.fixtures:
        for rid in fixture.reserves:
            reserved.setdefault(rid, set()).update(fixture.weeks)

    def blocked(
        rid: str, own: Sequence[int], available: Sequence[int] | None = None
    ) -> frozenset[int]:
        out = closed | frozenset(own) | reserved.get(rid, set())
        if available is not None:
            out |= set(range(1, weeks + 1)) - set(available)
        return out

    return blocked


def _capacity(season: Season, resources: Resources) -> dict[Product, int]:
    """What the resources can deliver in the season, per product (see capacity_summary)."""
    weeks = season.weeks
    closed = set(season.closed_weeks)
    blocked = _blocker(season)

    def stays(rid: str, own: Sequence[int], length: int) -> int:
        return sum(run // length for run in _runs(weeks, blocked(rid, own)))

    r = resources
    open_weeks = weeks - len(closed)
    book = sum(b.copies * stays(b.id, b.unavailable_weeks, b.stay_weeks) for b in r.book_sets)
    board = sum(b.copies * stays(b.id, b.unavailable_weeks, b.stay_weeks) for b in r.board_sets)
    board = min(board, r.van.moves_per_week * open_weeks)
    shows = 0
    for t in r.troupes:
        n = t.shows_per_week * (weeks - len(blocked(t.id, t.unavailable_weeks)))
        shows += n if t.max_shows is None else min(n, t.max_shows)
    sessions = sum(
        lec.sessions_per_week
        * (weeks - len(blocked(lec.id, lec.unavailable_weeks, lec.available_weeks)))
        for lec in r.lecturers
    )
    courses = sum(
        tr.sessions_per_week * stays(tr.id, tr.unavailable_weeks, tr.course_weeks)
        for tr in r.trainers
    )
    return {
        Product.BOOK_SET: book,
        Product.EXHIBITION: board,
        Product.PERFORMANCE: shows,
        Product.LECTURE: sessions,
        Product.FITNESS_COURSE: courses,
    }


def capacity_summary(scenario: Scenario) -> dict[str, dict[str, int]]:
    """Units requested by the demand and units the resources can deliver, per product.

    Capacity is an upper bound that ignores venues and travel:

    - book sets and board sets: ``copies`` × stays that fit, i.e. ``floor(weeks /
      stay_weeks)`` summed over the runs of consecutive weeks the set kind is available;
      board sets are also capped by ``van.moves_per_week`` × open weeks;
    - troupes: ``shows_per_week`` × available weeks (at most ``max_shows``);
    - lecturers: ``sessions_per_week`` × available weeks;
    - trainers: ``sessions_per_week`` × ``floor(weeks / course_weeks)`` over available runs.

    A unit's available weeks exclude its ``unavailable_weeks``, weeks outside a lecturer's
    ``available_weeks``, weeks of fixtures that reserve it and season-wide closed weeks.
    Without any of these the formulas are the plain ``floor(weeks / stay_weeks)`` ones.

    Parameters
    ----------
    scenario
        The scenario.

    Returns
    -------
    dict[str, dict[str, int]]
        ``{product: {"requested": units, "capacity": units}}`` for every product, in
        :class:`~planner.scenario.Product` order.
    """
    capacity = _capacity(scenario.season, scenario.resources)
    requested: Counter[Product] = Counter()
    for d in scenario.demand:
        requested[d.product] += d.count
    return {p.value: {"requested": requested[p], "capacity": capacity[p]} for p in Product}


# -- names and places ---------------------------------------------------------------------


def _rng(seed: int | str, purpose: str) -> random.Random:
    """A random stream for one purpose, seeded from the caller's seed only."""
    return random.Random(f"{seed}/{purpose}")


_DIGITS = "零一二三四五六七八九"


def _cn(n: int) -> str:
    """Chinese numeral for 1 ≤ n ≤ 99."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return f"{head}十{_DIGITS[ones] if ones else ''}"


def _title_kind(provider: str) -> str:
    if "医" in provider or "卫生" in provider:
        return "medical"
    if provider.endswith("图书馆"):
        return "library"
    return "university"


def _person(rng: random.Random) -> str:
    given = "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
    return rng.choice(_SURNAMES) + given


class _Names:
    """Unique generated Chinese place names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def _first_free(self, candidates: list[str], base: str, suffix: str) -> str:
        for name in candidates:
            if name not in self.used:
                break
        else:
            k = 2
            while f"{base}{k}号{suffix}" in self.used:
                k += 1
            name = f"{base}{k}号{suffix}"
        self.used.add(name)
        return name

    def committee(self) -> str:
        """A committee name such as 长阳新村第二居委会."""
        rng = self.rng
        candidates = []
        for _ in range(20):
            base = rng.choice(_PLACE_WORDS) + rng.choice(_COMMITTEE_SUFFIXES)
            ordinal = f"第{_cn(rng.randint(1, 5))}" if rng.random() < 0.3 else ""
            candidates.append(f"{base}{ordinal}居委会")
        return self._first_free(candidates, base, "居委会")

    def subdistrict(self) -> str:
        """A subdistrict name such as 控江路街道."""
        rng = self.rng
        candidates = []
        for _ in range(50):
            base = rng.choice(_PLACE_WORDS)
            candidates.append(base + rng.choice(_SUBDISTRICT_SUFFIXES))
        return self._first_free(candidates, base, "街道")


Bounds = tuple[float, float, float, float]


def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _scatter(rng: random.Random, n: int, bounds: Bounds, min_sep: float) -> list[Location]:
    """``n`` points in ``bounds``, at least ``min_sep`` degrees apart when possible."""
    lat0, lat1, lon0, lon1 = bounds
    points: list[Location] = []
    for _ in range(n):
        for _attempt in range(60):
            lat, lon = rng.uniform(lat0, lat1), rng.uniform(lon0, lon1)
            if all(math.hypot(lat - q.lat, lon - q.lon) >= min_sep for q in points):
                break
        points.append(Location(lat=round(lat, 5), lon=round(lon, 5)))
    return points


def _near(rng: random.Random, centre: Location, spread: float, bounds: Bounds) -> Location:
    lat0, lat1, lon0, lon1 = bounds
    return Location(
        lat=round(_clip(centre.lat + rng.uniform(-spread, spread), lat0, lat1), 5),
        lon=round(_clip(centre.lon + rng.uniform(-spread, spread) * 1.2, lon0, lon1), 5),
    )


def _split(rng: random.Random, total: int, n: int) -> list[int]:
    """Split ``total`` into ``n`` varied positive parts that sum to it exactly."""
    weights = [rng.uniform(0.55, 1.6) for _ in range(n)]
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    parts = [int(x) for x in raw]
    # Largest remainders get the leftover units; ties by position, so it is deterministic.
    order = sorted(range(n), key=lambda i: (parts[i] - raw[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _block_weeks(rng: random.Random, weeks: int, length: int) -> list[int]:
    """A random run of ``length`` consecutive weeks within the season."""
    first = rng.randint(1, max(1, weeks - length + 1))
    return list(range(first, min(weeks, first + length - 1) + 1))


# -- one subdistrict ----------------------------------------------------------------------


@dataclass
class _Block:
    """One subdistrict: its grids, committees and own resources."""

    grids: list[Grid]
    committees: list[Committee]
    book_sets: list[BookSet]
    board_sets: list[BoardSet]
    troupes: list[Troupe]
    lecturers: list[Lecturer]
    trainers: list[Trainer]

    def resources(self) -> Resources:
        """The block's own resources, with a van of three moves a week."""
        return Resources(
            book_sets=self.book_sets,
            board_sets=self.board_sets,
            van=Van(moves_per_week=3),
            troupes=self.troupes,
            lecturers=self.lecturers,
            trainers=self.trainers,
        )


def _make_block(
    key: str,
    *,
    weeks: int,
    prefix: str,
    area: str,
    label: str,
    short: str,
    bounds: Bounds,
    num_grids: int,
    committee_names: Sequence[str],
    population: int,
    local: bool,
) -> _Block:
    """Generate one subdistrict's grids, committees and resources.

    ``key`` seeds two streams: ``static`` for what does not depend on the season length
    (places, venues, populations, resource make-up) and ``weeks<n>`` for what does
    (closures and unavailability), so seasons of different length share the static part.
    ``prefix`` is prepended to every id; ``area`` is the grids' ``subdistrict`` and the
    resources' service area ("" for a single-subdistrict scenario); ``local`` selects the
    Wujiaochang catalogue (reference) rather than the generic one.
    """
    rng = _rng(key, "static")
    timed = _rng(key, f"weeks{weeks}")
    lat0, lat1, lon0, lon1 = bounds
    extent = min(lat1 - lat0, lon1 - lon0)
    margin = extent * 0.12
    inner = (lat0 + margin, lat1 - margin, lon0 + margin, lon1 - margin)

    # Grids and their sub-centres.
    spots = _scatter(rng, num_grids, inner, extent / (num_grids**0.5 + 1))
    grids = [
        Grid(
            id=f"{prefix}G{k}",
            name=f"第{_cn(k)}网格",
            subcentre=Place(
                id=f"{prefix}S{k}", name=f"{label}第{_cn(k)}分中心", location=spots[k - 1]
            ),
            subdistrict=area,
        )
        for k in range(1, num_grids + 1)
    ]

    # Committees: spread evenly over grids, placed near their sub-centre.
    n = len(committee_names)
    membership = [k % num_grids for k in range(n)]
    rng.shuffle(membership)
    pops = _split(rng, population, n)
    spread = extent / (num_grids**0.5) / 2.5
    committees: list[Committee] = []
    width = max(2, len(str(n)))
    for i, name in enumerate(committee_names):
        grid = grids[membership[i]]
        audience = rng.choice((40, 50, 60, 80, 80, 100, 120, 150, 200))
        venue = Venue(
            audience_capacity=audience,
            stage=rng.random() < (0.75 if audience >= 80 else 0.25),
            fitness_floor=rng.random() < 0.85,
            shelf_slots=rng.choices((1, 2, 3), (20, 45, 35))[0],
            board_slots=rng.choices((1, 2), (60, 40))[0],
        )
        committees.append(
            Committee(
                id=f"{prefix}C{i + 1:0{width}d}",
                name=name,
                grid=grid.id,
                population=pops[i],
                elderly_share=round(rng.uniform(0.18, 0.45), 3),
                location=_near(rng, grid.subcentre.location, spread, bounds),
                venue=venue,
                max_events_per_week=rng.choices((1, 2, 3), (20, 50, 30))[0],
            )
        )
    # A few committees close for a week or two (renovation, a residents' election).
    closing = timed.sample(range(n), k=max(1, round(n * 0.1)))
    for i in sorted(closing):
        length = timed.choice((1, 2)) if weeks >= 20 else 1
        committees[i] = committees[i].model_copy(
            update={"closed_weeks": _block_weeks(timed, weeks, length)}
        )

    def rid(letter: str, k: int) -> str:
        return f"{prefix}{letter}{k:02d}"

    grid_ids = [g.id for g in grids]
    scale = n / 32

    # Book sets: ~40 copies per 32 committees over 12 kinds, stays of 4 weeks.
    # A committee gets a set kind at most once a season, so beyond 26 weeks it would run
    # out of kinds: longer seasons add further volumes of each title (same copies in all).
    volumes = max(1, math.ceil(weeks / 26))

    def volume(title: str, v: int) -> str:
        title = title if local else _LOCAL_TITLES.get(title, title)
        return title if v == 1 else f"{title}（{_cn(v)}）"

    book_kinds = [(volume(t, v), theme) for v in range(1, volumes + 1) for t, theme in _BOOK_KINDS]
    kinds = len(book_kinds)
    copies_total = max(kinds, round(40 * scale))
    copies = [copies_total // kinds] * kinds
    for j in rng.sample(range(kinds), copies_total % kinds):
        copies[j] += 1
    book_sets = [
        BookSet(
            id=rid("B", k + 1),
            title=title,
            theme=theme,
            copies=copies[k],
            stay_weeks=4,
            subdistrict=area,
        )
        for k, (title, theme) in enumerate(book_kinds)
    ]
    # Board sets: 6 themes × 2 copies (one copy each of two volumes after 26 weeks).
    board_kinds = [
        (volume(t, v), theme if local else _LOCAL_TITLES.get(theme, theme))
        for v in range(1, volumes + 1)
        for t, theme in _BOARD_KINDS
    ]
    board_sets = [
        BoardSet(
            id=rid("E", k + 1),
            title=title,
            theme=theme,
            copies=2 if volumes == 1 else 1,
            stay_weeks=2,
            subdistrict=area,
        )
        for k, (title, theme) in enumerate(board_kinds)
    ]

    # Troupes: 6 in the reference; 6–8 (scaled) otherwise, always some needing no stage.
    if local:
        genres = list(_REFERENCE_GENRES)
        prefixes = list(_REFERENCE_TROUPE_PREFIXES)
        rng.shuffle(prefixes)
    else:
        count = max(3, round(rng.randint(6, 8) * scale))
        genres = ["合唱", rng.choice(("评弹", "民乐", "朗诵"))]
        genres += [rng.choice(_GENRES) for _ in range(count - 2)]
        prefixes = [short] * len(genres)
    troupes = []
    seen_names: Counter[str] = Counter()
    for k, genre in enumerate(genres):
        # Stage genres need a stage: always in the reference, mostly elsewhere.
        stage = genre in _STAGE_GENRES and (local or rng.random() < 0.75)
        name = f"{prefixes[k % len(prefixes)]}{_TROUPE_SUFFIX[genre]}"
        seen_names[name] += 1
        if seen_names[name] > 1:
            name = f"{name}（{_cn(seen_names[name])}队）"
        away = _block_weeks(timed, weeks, timed.choice((1, 2))) if timed.random() < 0.3 else []
        troupes.append(
            Troupe(
                id=rid("T", k + 1),
                name=name,
                genre=genre,
                shows_per_week=rng.choice((1, 1, 2)) if genre not in ("合唱", "评弹") else 2,
                home_grid=rng.choice(grid_ids),
                unavailable_weeks=away,
                subdistrict=area,
                needs_stage=stage,
                min_audience=rng.choice((60, 80, 100)) if stage else rng.choice((0, 20, 30, 40)),
            )
        )

    # Lecturers: university volunteers and partner experts, 5 per 32 committees.
    # The universities' summer vacation: 12 July to 29 August 2027.
    vacation = range(_week_of(dt.date(2027, 7, 12)), _week_of(dt.date(2027, 8, 29)) + 1)
    summer = {w for w in vacation if w <= weeks}
    if local:
        specs = [(p, list(t)) for p, t in _REFERENCE_LECTURERS]
    else:
        specs = [
            (rng.choice(_PROVIDERS), rng.sample(_TOPICS, 2))
            for _ in range(max(2, round(5 * scale)))
        ]
    lecturers = []
    for k, (provider, topics) in enumerate(specs):
        person = _person(rng)
        title = rng.choice(_TITLES[_title_kind(provider)])
        sessions = rng.choice((1, 1, 2))
        available: list[int] | None = None
        unavailable: list[int] = []
        gap = timed.random()
        if gap < 0.4:
            # Teaching duties: two weeks off; university staff also off in the summer vacation.
            duty = set(_block_weeks(timed, min(weeks, 19), 2))
            if provider.endswith("大学"):
                duty |= summer
            available = [w for w in range(1, weeks + 1) if w not in duty]
        elif gap < 0.6:
            unavailable = _block_weeks(timed, weeks, 1)
        if available is None and provider.endswith("大学") and summer:
            available = [w for w in range(1, weeks + 1) if w not in summer]
        lecturers.append(
            Lecturer(
                id=rid("L", k + 1),
                name=f"{person}{title}",
                provider=provider,
                topics=topics,
                sessions_per_week=sessions,
                available_weeks=available,
                unavailable_weeks=[w for w in unavailable if available is None or w in available],
                subdistrict=area,
                home="centre" if local else grids[0].subcentre.id,
            )
        )

    # Trainers: 10 per 32 committees, 1–2 skills, 2 courses at once, 4-week courses.
    trainers = []
    num_trainers = max(len(_SKILLS), round(10 * scale))
    for k in range(num_trainers):
        skills = [_SKILLS[k % len(_SKILLS)]]
        if rng.random() < 0.5:
            other = rng.choice(_SKILLS)
            if other not in skills:
                skills.append(other)
        off: list[int] = []
        if timed.random() < 0.25:
            off = _block_weeks(timed, weeks, timed.choice((1, 2)))
        trainers.append(
            Trainer(
                id=rid("F", k + 1),
                name=_person(rng),
                skills=skills,
                sessions_per_week=2,
                home_grid=rng.choice(grid_ids),
                course_weeks=4,
                unavailable_weeks=off,
                subdistrict=area,
            )
        )
    return _Block(grids, committees, book_sets, board_sets, troupes, lecturers, trainers)


# -- demand -------------------------------------------------------------------------------


@dataclass
class _Line:
    product: Product
    themes: list[str]
    count: int = 0
    preferred: list[int] = field(default_factory=list)
    excluded: list[int] = field(default_factory=list)


@dataclass
class _Want:
    """What one committee may still ask for, and the lines it has asked so far."""

    committee: Committee
    caps: dict[Product, int]
    options: dict[Product, list[str]]
    kinds: dict[Product, Counter[str]]
    usable: dict[Product, list[tuple[_Unit, frozenset[int]]]]
    """Units that could serve the committee, with the weeks blocked for each there."""
    budget: int
    priority: float
    used: int = 0
    totals: Counter[Product] = field(default_factory=Counter)
    lines: dict[Product, list[_Line]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Unit:
    """A resource unit as demand generation sees it: what it offers and when."""

    product: Product
    themes: tuple[str, ...]
    duration: int
    blocked: frozenset[int]
    needs_stage: bool = False
    min_audience: int = 0

    def fits(self, venue: Venue) -> bool:
        """Whether the unit can deliver at a venue (stage, audience, floor, shelves, boards)."""
        if self.product == Product.FITNESS_COURSE and not venue.fitness_floor:
            return False
        if self.product == Product.BOOK_SET and venue.shelf_slots < 1:
            return False
        if self.product == Product.EXHIBITION and venue.board_slots < 1:
            return False
        return (
            venue.stage or not self.needs_stage
        ) and venue.audience_capacity >= self.min_audience


@dataclass
class _Catalogue:
    """The resource units that serve a region, and a cache of which week sets allow a start."""

    weeks: int
    units: list[_Unit]
    starts: dict[tuple[frozenset[int], int], bool] = field(default_factory=dict)

    def can_start(self, blocked: frozenset[int], duration: int) -> bool:
        """Whether ``duration`` consecutive weeks of the season avoid ``blocked``."""
        key = (blocked, duration)
        known = self.starts.get(key)
        if known is None:
            known = any(run >= duration for run in _runs(self.weeks, blocked))
            self.starts[key] = known
        return known

    def longest(self, product: Product) -> int:
        return max((u.duration for u in self.units if u.product == product), default=1)


def _catalogue(block: _Block, shared_troupes: Sequence[Troupe], season: Season) -> _Catalogue:
    blocked = _blocker(season)
    units = [
        *(
            _Unit(Product.BOOK_SET, (b.theme,), b.stay_weeks, blocked(b.id, b.unavailable_weeks))
            for b in block.book_sets
        ),
        *(
            _Unit(Product.EXHIBITION, (b.theme,), b.stay_weeks, blocked(b.id, b.unavailable_weeks))
            for b in block.board_sets
        ),
        *(
            _Unit(
                Product.PERFORMANCE,
                (t.genre,),
                1,
                blocked(t.id, t.unavailable_weeks),
                t.needs_stage,
                t.min_audience,
            )
            for t in [*block.troupes, *shared_troupes]
        ),
        *(
            _Unit(
                Product.LECTURE,
                tuple(lec.topics),
                1,
                blocked(lec.id, lec.unavailable_weeks, lec.available_weeks),
            )
            for lec in block.lecturers
        ),
        *(
            _Unit(
                Product.FITNESS_COURSE,
                tuple(tr.skills),
                tr.course_weeks,
                blocked(tr.id, tr.unavailable_weeks),
            )
            for tr in block.trainers
        ),
    ]
    return _Catalogue(season.weeks, units)


def _want(c: Committee, cat: _Catalogue, closed: set[int]) -> _Want:
    """A committee's limits: what fits its venue and open weeks, per product.

    Only units that fit the venue and have a run of weeks open both for them and for
    the committee count; their themes are what the committee may wish for.
    """
    closed_here = frozenset(closed | set(c.closed_weeks))
    runs = _runs(cat.weeks, closed_here)
    open_weeks = sum(runs)
    usable: dict[Product, list[tuple[_Unit, frozenset[int]]]] = {p: [] for p in Product}
    for u in cat.units:
        if u.fits(c.venue):
            weeks_blocked = u.blocked | closed_here
            if cat.can_start(weeks_blocked, u.duration):
                usable[u.product].append((u, weeks_blocked))
    options = {p: list(dict.fromkeys(t for u, _ in usable[p] for t in u.themes)) for p in Product}
    kinds = {p: Counter(u.themes[0] for u, _ in usable[p]) for p in STAY_PRODUCTS}
    v = c.venue

    def stays(p: Product, slots: int) -> int:
        length = cat.longest(p)
        return min(slots * sum(r // length for r in runs), kinds[p].total())

    courses = sum(r // cat.longest(Product.FITNESS_COURSE) for r in runs)
    caps = {
        Product.BOOK_SET: stays(Product.BOOK_SET, v.shelf_slots),
        Product.EXHIBITION: stays(Product.EXHIBITION, v.board_slots),
        Product.PERFORMANCE: open_weeks if usable[Product.PERFORMANCE] else 0,
        Product.LECTURE: open_weeks if usable[Product.LECTURE] else 0,
        Product.FITNESS_COURSE: courses * min(2, c.max_events_per_week)
        if usable[Product.FITNESS_COURSE]
        else 0,
    }
    priority = 1.0 + (c.elderly_share >= 0.30) + (c.elderly_share >= 0.38)
    return _Want(
        committee=c,
        caps=caps,
        options=options,
        kinds=kinds,
        usable=usable,
        budget=c.max_events_per_week * open_weeks,
        priority=priority,
    )


class _DemandMaker:
    """Grows demand lines committee by committee until the targets are met."""

    def __init__(self, rng: random.Random, cat: _Catalogue, fixtures: Sequence[Fixture]) -> None:
        self.rng = rng
        self.cat = cat
        self.weeks = weeks = cat.weeks
        self.fixtures = fixtures
        course_weeks = cat.longest(Product.FITNESS_COURSE)
        # At most 3 stays or 4 events per line in a 13-week season, more in longer ones.
        scale = max(1, round(weeks / 13))
        self.max_count = {p: (3 if p in STAY_PRODUCTS else 4) * scale for p in Product}
        self.cost = {
            Product.BOOK_SET: 0,
            Product.EXHIBITION: 0,
            Product.PERFORMANCE: 1,
            Product.LECTURE: 1,
            Product.FITNESS_COURSE: course_weeks,
        }

    def headroom(self, w: _Want, p: Product) -> bool:
        return w.totals[p] < w.caps[p] and w.used + self.cost[p] <= w.budget

    def line_cap(self, w: _Want, line: _Line) -> int:
        cap = self.max_count[line.product]
        if line.product in STAY_PRODUCTS and line.themes:
            kinds = w.kinds[line.product]
            return min(cap, sum(kinds[t] for t in line.themes))
        return cap

    def add(self, w: _Want, p: Product, new_line: bool = False) -> bool:
        """Ask for one more unit of ``p`` (a new line or one more on a line); False if not."""
        if not self.headroom(w, p):
            return False
        mine = w.lines.setdefault(p, [])
        open_lines = [line for line in mine if line.count < self.line_cap(w, line)]
        line: _Line | None = None
        if open_lines and not new_line and self.rng.random() < 0.9:
            line = self.rng.choice(open_lines)
        elif len(mine) < _MAX_LINES_PER_PRODUCT:
            line = self.new_line(w, p, mine)
            if line is not None:
                mine.append(line)
        if line is None:
            if not open_lines:
                return False
            line = self.rng.choice(open_lines)
        line.count += 1
        w.totals[p] += 1
        w.used += self.cost[p]
        return True

    def new_line(self, w: _Want, p: Product, mine: list[_Line]) -> _Line | None:
        rng = self.rng
        # Lines of one committee never share a theme: a set kind comes at most once, so a
        # themed set line asks for at most as many kinds as carry its themes.
        taken = {t for line in mine for t in line.themes}
        options = [t for t in w.options[p] if t not in taken]
        unthemed = any(not line.themes for line in mine)
        # The last line a committee may add for a product is unthemed, so that themed
        # lines that reached their kinds never block it from asking for more.
        last = len(mine) == _MAX_LINES_PER_PRODUCT - 1
        themes: list[str] = []
        stay = p in STAY_PRODUCTS
        if options and (unthemed or (not last and rng.random() < (0.6 if stay else 0.5))):
            # Set lines name 2–3 themes (one theme has only a kind or two); event lines 1–2.
            wanted = rng.choice((2, 2, 3)) if stay else rng.choice((1, 1, 2))
            weights = [self.theme_weight(w, t) for t in options]
            while options and len(themes) < wanted:
                pick = rng.choices(range(len(options)), weights)[0]
                themes.append(options.pop(pick))
                weights.pop(pick)
        elif unthemed or not w.options[p]:
            return None
        line = _Line(product=p, themes=themes)
        relevant = [
            f
            for f in self.fixtures
            if f.product == p and (not f.themes or not themes or set(f.themes) & set(themes))
        ]
        if relevant and rng.random() < 0.6:
            line.preferred = list(rng.choice(relevant).weeks)
        elif rng.random() < 0.25:
            line.preferred = _block_weeks(rng, self.weeks, rng.randint(2, 4))
        if p in (Product.PERFORMANCE, Product.LECTURE) and rng.random() < 0.15:
            excluded = _block_weeks(rng, self.weeks, rng.choice((1, 2)))
            excluded = [x for x in excluded if x not in line.preferred]
            # Keep the exclusion only if some unit that fits the line still has a week.
            more = frozenset(excluded)
            if any(
                self.cat.can_start(blocked | more, u.duration)
                for u, blocked in w.usable[p]
                if not themes or set(themes) & set(u.themes)
            ):
                line.excluded = excluded
        return line

    @staticmethod
    def theme_weight(w: _Want, theme: str) -> float:
        share = w.committee.elderly_share
        if theme in _ELDERLY_THEMES:
            return 1.0 + 4.0 * share
        if theme in _YOUNG_THEMES:
            return 1.0 + 4.0 * (0.5 - share)
        return 1.5

    def fill(self, wants: list[_Want], p: Product, target: float) -> None:
        """Add units of ``p`` at committees drawn by population until ``target``."""
        requested = sum(w.totals[p] for w in wants)
        eligible = [w for w in wants if self.headroom(w, p)]
        cumulative = list(accumulate(max(1, w.committee.population) for w in eligible))
        while requested < target and eligible:
            i = bisect(cumulative, self.rng.random() * cumulative[-1])
            added = self.add(eligible[i], p)
            if added:
                requested += 1
            if not added or not self.add_possible(eligible[i], p):
                eligible.pop(i)
                cumulative = list(accumulate(max(1, w.committee.population) for w in eligible))

    def add_possible(self, w: _Want, p: Product) -> bool:
        if not self.headroom(w, p):
            return False
        mine = w.lines.get(p, [])
        if any(line.count < self.line_cap(w, line) for line in mine):
            return True
        return len(mine) < _MAX_LINES_PER_PRODUCT


def _region_demand(
    rng: random.Random,
    wants: list[_Want],
    capacity: dict[Product, float],
    maker: _DemandMaker,
) -> None:
    """Grow the demand of one region's committees to the targets of its capacity."""
    # Every committee starts with 3–5 products it can be served with.
    for w in wants:
        products = [p for p in Product if w.caps[p] > 0 and w.options[p]]
        for p in rng.sample(products, min(len(products), rng.randint(3, 5))):
            maker.add(w, p, new_line=True)
    # Courses first: they take four event weeks each and fit fewer venues.
    for p in _FILL_ORDER:
        maker.fill(wants, p, math.ceil(_PRODUCT_TARGET[p] * capacity[p]))
    goal = _OVERALL_TARGET * sum(capacity.values())
    total = sum(w.totals.total() for w in wants)
    stuck: set[Product] = set()
    while total < goal and len(stuck) < len(_TOP_UP):
        for p in _TOP_UP:
            if p in stuck:
                continue
            before = sum(w.totals[p] for w in wants)
            maker.fill(wants, p, before + 1)
            if sum(w.totals[p] for w in wants) == before:
                stuck.add(p)
            else:
                total += 1


def _demand_lines(wants: list[_Want]) -> list[Demand]:
    """The demand lines of committees, in committee and product order."""
    out = []
    for w in wants:
        for line in (line for p in Product for line in w.lines.get(p, [])):
            if line.count == 0:
                continue
            out.append(
                Demand(
                    committee=w.committee.id,
                    product=line.product,
                    count=line.count,
                    themes=line.themes,
                    preferred_weeks=sorted(line.preferred),
                    excluded_weeks=sorted(line.excluded),
                    priority=w.priority,
                )
            )
    return out


def _block_demand(
    key: str,
    block: _Block,
    *,
    season: Season,
    shared: Sequence[Troupe],
    shared_share: dict[Product, float],
) -> list[Demand]:
    """Demand of one subdistrict, aimed at its own capacity plus a share of shared troupes."""
    weeks = season.weeks
    own = block.resources()
    capacity: dict[Product, float] = dict(_capacity(season, own))
    for p, extra in shared_share.items():
        capacity[p] += extra
    cat = _catalogue(block, shared, season)
    closed = set(season.closed_weeks)
    wants = [_want(c, cat, closed) for c in block.committees]
    rng = _rng(key, f"demand{weeks}")
    maker = _DemandMaker(rng, cat, season.fixtures)
    _region_demand(rng, wants, capacity, maker)
    return _demand_lines(wants)


# -- scenarios ----------------------------------------------------------------------------


def _checked(scenario: Scenario, source: str) -> Scenario:
    """Raise if the scenario has cross-reference problems or too little demand."""
    problems = scenario_problems(scenario)
    if problems:
        raise ScenarioError(source, problems)
    summary = capacity_summary(scenario)
    requested = sum(v["requested"] for v in summary.values())
    capacity = sum(v["capacity"] for v in summary.values())
    short = [p for p, v in summary.items() if v["requested"] < MIN_PRODUCT_RATIO * v["capacity"]]
    if requested < MIN_OVERALL_RATIO * capacity or short:
        raise RuntimeError(
            f"{source}: generated demand {requested} against capacity {capacity} "
            f"(products short of {MIN_PRODUCT_RATIO}×: {short or 'none'})"
        )
    return scenario


def _partners(block: _Block, weeks: int) -> tuple[list[Committee], list[Demand]]:
    """The military-civilian reading circle: two army units receiving book sets.

    They are partner sites (``kind: partner``) with population 0, so they weigh nothing
    in the population-weighted coverage and the 142,600 residents stay with committees.
    """
    grids = block.grids
    army = [w for f in _fixtures(weeks, [], True) if f.id == "army-day" for w in f.weeks]
    partners, demand = [], []
    for k, (grid, suffix) in enumerate(((grids[2], "甲"), (grids[5], "乙")), start=1):
        pid = f"P{k:02d}"
        loc = grid.subcentre.location
        partners.append(
            Committee(
                id=pid,
                name=f"驻区部队{suffix}营区军民共建读书角",
                grid=grid.id,
                population=0,
                elderly_share=0.0,
                location=Location(lat=round(loc.lat + 0.002 * k, 5), lon=round(loc.lon - 0.002, 5)),
                venue=Venue(audience_capacity=80, shelf_slots=2, board_slots=1),
                max_events_per_week=1,
                kind="partner",
            )
        )
        demand.append(
            Demand(
                committee=pid,
                product=Product.BOOK_SET,
                count=2,
                themes=["国防军事", "党史"],
                preferred_weeks=army,
            )
        )
        demand.append(Demand(committee=pid, product=Product.BOOK_SET, count=1, themes=["文学名著"]))
    return partners, demand


def reference_scenario(weeks: int = 13, seed: int = REFERENCE_SEED) -> Scenario:
    """The Wujiaochang reference scenario: public facts plus seeded, generated figures.

    Public facts (``DOMAIN.md``): the 32 committee names, 7 grids each with a culture
    sub-centre, 142,600 residents (all assigned to the committees), the centre
    五角场社区文化中心 on 政通路, locations within the subdistrict's ~7.66 km², and the 2027
    calendar (reading month, Qingming, Labour Day, culture festival, 七一, summer, 八一).
    Generated from ``seed``: committee grids, populations, elderly shares, locations,
    venues and closures; the resources (12 book set kinds with 40 copies, 6 board set
    themes × 2, a van with 3 moves a week, 6 troupes, 5 university lecturers,
    10 trainers) and all demand. Seasons that reach the 八一 reading circle (week 21)
    add two army partner sites with population 0 that ask for book sets.

    Parameters
    ----------
    weeks
        Season length from Monday 2027-03-01 (13: spring; 26: to 2027-08-29).
    seed
        Seed of every generated figure.

    Returns
    -------
    Scenario
        A validated scenario whose demand is at least 1.5× capacity overall.

    Raises
    ------
    ValueError
        If ``weeks`` is not within :data:`WEEKS_RANGE` (a book set stay to a year).
    """
    _check_weeks(weeks)
    key = f"wujiaochang/{seed}"
    block = _make_block(
        key,
        weeks=weeks,
        prefix="",
        area="",
        label="五角场社区文化中心",
        short="五角场",
        bounds=WUJIAOCHANG_BOUNDS,
        num_grids=WUJIAOCHANG_GRIDS,
        committee_names=WUJIAOCHANG_COMMITTEES,
        population=WUJIAOCHANG_POPULATION,
        local=True,
    )
    reserves = [t.id for g in _FESTIVAL_GENRES for t in block.troupes if t.genre == g]
    season = _season(weeks, _fixtures(weeks, reserves, local=True))
    demand = _block_demand(key, block, season=season, shared=[], shared_share={})
    committees = list(block.committees)
    if any(f.id == "army-day" for f in season.fixtures):
        partners, partner_demand = _partners(block, weeks)
        committees += partners
        demand += partner_demand
    if weeks == 13:
        title = "五角场街道 2027 春季文化配送"
    elif weeks == 26:
        title = "五角场街道 2027 春夏文化配送（26 周）"
    else:
        title = f"五角场街道 2027 文化配送（{weeks} 周）"
    scenario = Scenario(
        name=title,
        season=season,
        centre=WUJIAOCHANG_CENTRE,
        grids=block.grids,
        committees=committees,
        resources=block.resources(),
        demand=demand,
    )
    return _checked(scenario, f"reference_scenario(weeks={weeks}, seed={seed})")


@dataclass(frozen=True)
class _Shape:
    """The size of a tier."""

    num_subdistricts: int
    committees: tuple[int, int]
    """Committees per subdistrict (inclusive range)."""
    num_shared_troupes: int
    weeks: int
    bounds: Bounds
    centre: str


_TIER_SHAPE = {
    "subdistrict": _Shape(1, (30, 34), 0, 13, WUJIAOCHANG_BOUNDS, ""),
    "district": _Shape(12, (24, 34), 8, 26, _DISTRICT_BOUNDS, "区文化馆"),
    "city": _Shape(200, (25, 35), 16, 26, _CITY_BOUNDS, "市群众艺术馆"),
}
_TIER_LABEL = {"subdistrict": "街道级", "district": "区级", "city": "市级"}


def generate(tier: str, seed: int, weeks: int | None = None) -> Scenario:
    """Generate a synthetic scenario at one of the scale tiers of ``DOMAIN.md``.

    - ``subdistrict``: one subdistrict of 30–34 committees in 7 grids with the
      subdistrict-tier resources (~40 book sets, 12 board sets, 6–8 troupes,
      5 lecturers, 10 trainers); 13 weeks by default.
    - ``district``: 12 subdistricts of 24–34 committees (≈350) in 5–8 grids each; every
      subdistrict has its own resources (scaled to its committees) serving only it
      (``subdistrict`` service area), plus 8 district-level troupes serving all;
      26 weeks by default.
    - ``city``: 200 subdistricts (≈6,000 committees), 16 city-level troupes; 26 weeks.

    Names are generated Chinese names; the season starts on Monday 2027-03-01 with the
    2027 calendar fixtures. The van makes 3 moves a week per subdistrict. Demand is
    generated per subdistrict against its own capacity (and its share of the shared
    troupes), so it is at least 1.5× capacity overall and 1.2× for every product.

    Parameters
    ----------
    tier
        ``"subdistrict"``, ``"district"`` or ``"city"``.
    seed
        Seed; the same (tier, seed, weeks) gives an identical scenario.
    weeks
        Season length; 13 for the subdistrict tier and 26 otherwise when omitted.

    Returns
    -------
    Scenario
        A validated scenario.

    Raises
    ------
    ValueError
        For an unknown tier, or ``weeks`` not within :data:`WEEKS_RANGE`.
    """
    if tier not in _TIER_SHAPE:
        raise ValueError(f"unknown tier {tier!r}; expected one of {', '.join(TIERS)}")
    shape = _TIER_SHAPE[tier]
    num_subdistricts, num_shared, bounds = (
        shape.num_subdistricts,
        shape.num_shared_troupes,
        shape.bounds,
    )
    low, high = shape.committees
    weeks = shape.weeks if weeks is None else weeks
    _check_weeks(weeks)
    rng = _rng(seed, f"{tier}/layout")
    names = _Names(rng)
    single = num_subdistricts == 1
    lat0, lat1, lon0, lon1 = bounds
    # Subdistricts as tiles of a square-ish lattice over the bounds, in random order.
    side = math.ceil(math.sqrt(num_subdistricts))
    cells = list(range(side * side))
    rng.shuffle(cells)
    dlat, dlon = (lat1 - lat0) / side, (lon1 - lon0) / side
    blocks: list[_Block] = []
    keys: list[str] = []
    for k in range(num_subdistricts):
        sub_name = names.subdistrict()
        n = rng.randint(low, high)
        committee_names = [names.committee() for _ in range(n)]
        row, col = divmod(cells[k], side)
        tile = (
            lat0 + row * dlat,
            lat0 + (row + 1) * dlat,
            lon0 + col * dlon,
            lon0 + (col + 1) * dlon,
        )
        prefix = "" if single else f"SD{k + 1:0{len(str(num_subdistricts))}d}-"
        key = f"{seed}/{tier}/{k}"
        blocks.append(
            _make_block(
                key,
                weeks=weeks,
                prefix=prefix,
                area="" if single else sub_name,
                label=f"{sub_name}社区文化中心",
                short=sub_name.removesuffix("街道").removesuffix("镇"),
                bounds=tile,
                num_grids=7 if single else rng.randint(5, 8),
                committee_names=committee_names,
                population=n * rng.randint(3800, 5200),
                local=False,
            )
        )
        keys.append(key)

    # Shared (district- or city-level) troupes serve every subdistrict.
    all_grids = [g for b in blocks for g in b.grids]
    shared: list[Troupe] = []
    level = "区" if tier == "district" else "市"
    for k in range(num_shared):
        genre = rng.choice(_GENRES)
        stage = genre in _STAGE_GENRES
        shared.append(
            Troupe(
                id=f"DT{k + 1:02d}",
                name=f"{level}{rng.choice(_PLACE_WORDS)}{_TROUPE_SUFFIX[genre]}",
                genre=genre,
                shows_per_week=rng.choice((1, 2)),
                home_grid=rng.choice(all_grids).id,
                needs_stage=stage,
                min_audience=rng.choice((80, 100, 120)) if stage else 40,
            )
        )
    if single:
        festival = [t.id for g in _FESTIVAL_GENRES[:2] for t in blocks[0].troupes if t.genre == g]
    else:
        festival = [t.id for t in shared[: max(1, num_shared // 2)]]
    season = _season(weeks, _fixtures(weeks, festival, local=False))
    shared_capacity = _capacity(season, Resources(troupes=shared))
    num_committees = sum(len(b.committees) for b in blocks)
    demand: list[Demand] = []
    for key, block in zip(keys, blocks, strict=True):
        share = len(block.committees) / num_committees
        demand += _block_demand(
            key,
            block,
            season=season,
            shared=shared,
            shared_share={Product.PERFORMANCE: shared_capacity[Product.PERFORMANCE] * share},
        )
    centre_name = shape.centre or blocks[0].grids[0].subcentre.name.removesuffix("第一分中心")
    scenario = Scenario(
        name=f"合成{_TIER_LABEL[tier]}情景（种子 {seed}，{weeks} 周）",
        season=season,
        centre=Place(
            id="centre",
            name=centre_name,
            location=Location(lat=round((lat0 + lat1) / 2, 5), lon=round((lon0 + lon1) / 2, 5)),
        ),
        grids=all_grids,
        committees=[c for b in blocks for c in b.committees],
        resources=Resources(
            book_sets=[x for b in blocks for x in b.book_sets],
            board_sets=[x for b in blocks for x in b.board_sets],
            van=Van(moves_per_week=3 * num_subdistricts),
            troupes=[*(t for b in blocks for t in b.troupes), *shared],
            lecturers=[x for b in blocks for x in b.lecturers],
            trainers=[x for b in blocks for x in b.trainers],
        ),
        demand=demand,
    )
    return _checked(scenario, f"generate({tier!r}, seed={seed}, weeks={weeks})")


# -- reference files ----------------------------------------------------------------------


def _header(scenario: Scenario, seed: int) -> str:
    s = scenario
    weeks = s.season.weeks
    last = s.season.week_end(weeks)
    committees = [c for c in s.committees if c.kind == "committee"]
    partners = [c for c in s.committees if c.kind == "partner"]
    fixture_rows = []
    for f in s.season.fixtures:
        span = f"week {f.weeks[0]}" if len(f.weeks) == 1 else f"weeks {f.weeks[0]}–{f.weeks[-1]}"
        fixture_rows.append(f"    {span}: {f.name}")
    r = s.resources
    summary = capacity_summary(s)
    total_req = sum(v["requested"] for v in summary.values())
    total_cap = sum(v["capacity"] for v in summary.values())
    rows = [
        f"  {p:<15} {v['requested']:>9} {v['capacity']:>9} {v['requested'] / v['capacity']:>6.2f}"
        for p, v in summary.items()
    ]
    lat0, lat1, lon0, lon1 = WUJIAOCHANG_BOUNDS
    centre = s.centre.location
    num_books = sum(b.copies for b in r.book_sets)
    troupe_names = {t.id: t.name for t in r.troupes}
    reserved = [f"{rid} {troupe_names[rid]}" for f in s.season.fixtures for rid in f.reserves]
    num_boards = sum(b.copies for b in r.board_sets)
    lines = [
        f"{s.name}: reference scenario, {weeks} weeks, {s.season.start} (Monday) to {last}.",
        f"Generated by planner.generate.reference_scenario(weeks={weeks}, seed={seed});",
        "do not edit by hand: tests/test_generate.py checks that this file equals what the",
        "generator gives. Regenerate with: python -m planner.generate scenarios",
        "",
        "PUBLIC FACTS (DOMAIN.md, from the subdistrict's culture work report):",
        f"  - the {len(committees)} residents' committee names (2021 list), exactly as published;",
        f"  - {len(s.grids)} grids (第一网格 … 第七网格), each with a culture sub-centre (分中心);",
        f"  - {sum(c.population for c in committees):,} residents, all assigned to the committees;",
        f"  - area {WUJIAOCHANG_AREA_KM2} km²: every location lies within",
        f"    lat {lat0:.3f}–{lat1:.3f}, lon {lon0:.3f}–{lon1:.3f};",
        f"  - the centre {s.centre.name} on 政通路 (approx. lat {centre.lat:.3f}, "
        f"lon {centre.lon:.3f});",
        "  - the product families (book sets, exhibition boards, performances, lectures,",
        "    fitness courses), university volunteer lecturers (复旦大学, 上海财经大学 …);",
        "  - the 2027 calendar (fixtures; no season-wide closed week):",
        *fixture_rows,
        "",
        f"GENERATED (seed {seed}; plausible, not real data):",
        "  - each committee's grid, population split, elderly share, location, venue,",
        "    events per week and closed weeks; sub-centre locations;",
        f"  - all resources: {len(r.book_sets)} book set kinds ({num_books} copies),",
        f"    {len(r.board_sets)} board set themes ({num_boards} copies), a van",
        f"    ({r.van.moves_per_week} moves a week), {len(r.troupes)} troupes, "
        f"{len(r.lecturers)} lecturers, {len(r.trainers)} trainers,",
        "    the people's names and everyone's availability;",
        "  - the troupes the culture festival reserves:",
        f"    {', '.join(reserved) or 'none'}; fixture bonuses and themes;",
        f"  - all {len(s.demand)} demand lines (counts, themes, weeks; priority by elderly share)"
        + (";" if partners else "."),
    ]
    if partners:
        lines += [
            f"  - {len(partners)} partner sites (kind: partner, population 0) for the 八一",
            "    military-civilian reading circle; they add no residents.",
        ]
    lines += [
        "",
        "CAPACITY (planner.generate.capacity_summary): units requested by the demand against",
        "units the resources can deliver in the season (ignoring venues and travel):",
        f"  {'product':<15} {'requested':>9} {'capacity':>9} {'ratio':>6}",
        *rows,
        f"  {'total':<15} {total_req:>9} {total_cap:>9} {total_req / total_cap:>6.2f}",
    ]
    return "\n".join(lines)


def write_reference_scenarios(directory: str | Path) -> list[Path]:
    """Write the two reference scenario files (13 and 26 weeks) into ``directory``.

    Parameters
    ----------
    directory
        Destination folder; created if missing.

    Returns
    -------
    list[Path]
        The files written: ``wujiaochang-2027-spring.yaml`` and
        ``wujiaochang-2027-spring-26w.yaml``.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for weeks, filename in REFERENCE_FILES.items():
        scenario = reference_scenario(weeks, REFERENCE_SEED)
        path = folder / filename
        write_scenario(scenario, path, header=_header(scenario, REFERENCE_SEED))
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_reference_scenarios(sys.argv[1] if len(sys.argv) > 1 else "scenarios"):
        print(written)
