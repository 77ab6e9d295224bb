"""A published version of a season's plan, as the library reads it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from planner.plan import Plan
from planner.scenario import Scenario


@dataclass(frozen=True)
class PublishedVersion:
    """One published version: its number, when it was published, its scenario and plan.

    The service keeps versions in its database (the plan's deliveries and the scenario
    revision's text); the library needs only these four facts to build a committee's
    calendar feed or the diff of two versions.

    Attributes
    ----------
    number
        1, 2, 3, ... within the scenario's season.
    published_at
        When it was published; timezone-aware (a naive time is refused, so that a feed's
        stamps cannot shift with the server's zone).
    scenario
        The scenario revision the plan was solved for (names, weeks, fixtures).
    plan
        The published plan.
    key
        The caller's name for the version's content (its scenario revision and plan),
        ``""`` for none: versions of one key show the same events, so a feed builder
        may keep them (:func:`planner.io.feed.build_feed`'s ``memo``).
    """

    number: int
    published_at: dt.datetime
    scenario: Scenario
    plan: Plan
    key: str = ""

    def __post_init__(self) -> None:
        if self.published_at.tzinfo is None or self.published_at.utcoffset() is None:
            raise ValueError("published_at must be timezone-aware")

    @property
    def published_utc(self) -> dt.datetime:
        """The publish time in UTC, to the second (as iCalendar stamps are written)."""
        return self.published_at.astimezone(dt.UTC).replace(microsecond=0)


__all__: Sequence[str] = ["PublishedVersion"]
