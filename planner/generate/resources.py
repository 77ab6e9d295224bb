"""One generated subdistrict (a block): its grids, committees and own resources.

:func:`_make_block` draws the grids and committees (:mod:`planner.generate.geography`)
and then each resource family in turn, always in the same order, from the same two
streams: the order of the steps is what keeps generated scenarios identical.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from planner.generate.geography import Bounds, _close_some, _committees, _grids
from planner.generate.season import _block_weeks, _week_of
from planner.generate.streams import _rng
from planner.generate.vocab import (
    _BOARD_KINDS,
    _BOOK_KINDS,
    _GENRES,
    _LOCAL_TITLES,
    _PROVIDERS,
    _REFERENCE_GENRES,
    _REFERENCE_LECTURERS,
    _REFERENCE_TROUPE_PREFIXES,
    _SKILLS,
    _STAGE_GENRES,
    _TITLES,
    _TOPICS,
    _TROUPE_SUFFIX,
    _cn,
    _person,
    _title_kind,
)
from planner.scenario import (
    BoardSet,
    BookSet,
    Committee,
    Grid,
    Lecturer,
    Resources,
    Trainer,
    Troupe,
    Van,
)


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


@dataclass(frozen=True)
class _Context:
    """What every resource family of one block draws from and is labelled with.

    ``rng`` is the block's ``static`` stream (resource make-up), ``timed`` its
    ``weeks<n>`` stream (unavailability); ``scale`` is the committees per 32.
    """

    rng: random.Random
    timed: random.Random
    weeks: int
    prefix: str
    area: str
    local: bool
    scale: float

    def rid(self, letter: str, k: int) -> str:
        """The id of the ``k``-th resource of a family (``B``, ``E``, ``T``, ``L``, ``F``)."""
        return f"{self.prefix}{letter}{k:02d}"

    @property
    def volumes(self) -> int:
        """Volumes of each set title: one more per 26 weeks of season.

        A committee gets a set kind at most once a season, so beyond 26 weeks it would run
        out of kinds: longer seasons add further volumes of each title (same copies in all).
        """
        return max(1, math.ceil(self.weeks / 26))

    def volume(self, title: str, v: int) -> str:
        """The ``v``-th volume of a set title, generic outside Wujiaochang."""
        title = title if self.local else _LOCAL_TITLES.get(title, title)
        return title if v == 1 else f"{title}（{_cn(v)}）"


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
    grids = _grids(rng, bounds, num_grids, prefix=prefix, label=label, area=area)
    committees = _committees(rng, grids, committee_names, population, bounds, prefix=prefix)
    _close_some(timed, committees, weeks)
    ctx = _Context(rng, timed, weeks, prefix, area, local, scale=len(committee_names) / 32)
    grid_ids = [g.id for g in grids]
    book_sets = _book_sets(ctx)
    board_sets = _board_sets(ctx)
    troupes = _troupes(ctx, short, grid_ids)
    lecturers = _lecturers(ctx, grids)
    trainers = _trainers(ctx, grid_ids)
    return _Block(grids, committees, book_sets, board_sets, troupes, lecturers, trainers)


def _book_sets(ctx: _Context) -> list[BookSet]:
    """Book sets: ~40 copies per 32 committees over 12 kinds (per volume), stays of 4 weeks."""
    rng, area, rid, scale = ctx.rng, ctx.area, ctx.rid, ctx.scale
    volume, volumes = ctx.volume, ctx.volumes
    book_kinds = [(volume(t, v), theme) for v in range(1, volumes + 1) for t, theme in _BOOK_KINDS]
    kinds = len(book_kinds)
    copies_total = max(kinds, round(40 * scale))
    copies = [copies_total // kinds] * kinds
    for j in rng.sample(range(kinds), copies_total % kinds):
        copies[j] += 1
    return [
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


def _board_sets(ctx: _Context) -> list[BoardSet]:
    """Board sets: 6 themes × 2 copies (one copy each of two volumes after 26 weeks)."""
    area, local, rid, volume, volumes = ctx.area, ctx.local, ctx.rid, ctx.volume, ctx.volumes
    board_kinds = [
        (volume(t, v), theme if local else _LOCAL_TITLES.get(theme, theme))
        for v in range(1, volumes + 1)
        for t, theme in _BOARD_KINDS
    ]
    return [
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


def _troupes(ctx: _Context, short: str, grid_ids: Sequence[str]) -> list[Troupe]:
    """Troupes: 6 in the reference; 6–8 (scaled) otherwise, always some needing no stage.

    Outside the reference every troupe is named after the subdistrict's ``short`` name.
    """
    rng, timed, weeks, area, rid = ctx.rng, ctx.timed, ctx.weeks, ctx.area, ctx.rid
    local, scale = ctx.local, ctx.scale
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
    return troupes


def _lecturers(ctx: _Context, grids: Sequence[Grid]) -> list[Lecturer]:
    """Lecturers: university volunteers and partner experts, 5 per 32 committees.

    They live at the centre in the reference and at the first grid's sub-centre otherwise.
    """
    rng, timed, weeks, area, rid = ctx.rng, ctx.timed, ctx.weeks, ctx.area, ctx.rid
    local, scale = ctx.local, ctx.scale
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
    return lecturers


def _trainers(ctx: _Context, grid_ids: Sequence[str]) -> list[Trainer]:
    """Trainers: 10 per 32 committees, 1–2 skills, 2 courses at once, 4-week courses."""
    rng, timed, weeks, area, rid = ctx.rng, ctx.timed, ctx.weeks, ctx.area, ctx.rid
    scale = ctx.scale
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
    return trainers
