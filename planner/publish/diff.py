"""What changed for each committee between two published versions of a plan.

Deliveries are matched by their identity across versions
(:mod:`planner.publish.identity`: committee, demand line, ordinal), never by what they
are, so that a delivery that moved week or changed troupe reads as moved or changed,
not as cancelled and added. Each matched pair is classified once, by what a committee
notices first:

- ``moved``: its weeks changed (whatever else changed too; ``fields`` lists all);
- ``changed``: same weeks, another resource unit (troupe, lecturer, trainer, book or
  board set kind) or theme;
- ``unchanged``: same weeks, unit and theme. Another copy of the same set kind is not a
  change for the committee (identical copies are relabelled freely between solves).

A delivery only in the new plan is ``added``; one only in the old plan ``cancelled``.
Everything is JSON-ready through the ``to_dict`` methods.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from planner.plan import Delivery, Plan
from planner.publish.identity import DeliveryIdentity, delivery_identities
from planner.scenario import Scenario

#: The kinds of change, in the order counts are listed.
STATUSES: tuple[str, ...] = ("added", "moved", "changed", "cancelled", "unchanged")
#: What may differ between the old and the new form of a delivery.
FIELDS: tuple[str, ...] = ("weeks", "resource", "theme")


@dataclass(frozen=True)
class DeliveryChange:
    """One delivery of a committee, in the old plan, the new plan or both.

    Attributes
    ----------
    identity
        Its identity across versions.
    status
        One of :data:`STATUSES`.
    old, new
        The delivery in the old and the new plan (None where it is absent).
    old_unit, new_unit
        Their resource units (the set kind, not the copy), ``""`` where absent.
    fields
        What differs (:data:`FIELDS`), for a delivery in both plans.
    """

    identity: DeliveryIdentity
    status: str
    old: Delivery | None
    new: Delivery | None
    old_unit: str = ""
    new_unit: str = ""
    fields: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The change as JSON-ready data: identity, status, fields, old and new."""
        return {
            "identity": self.identity.key,
            "demand_id": self.identity.demand_id,
            "ordinal": self.identity.ordinal,
            "status": self.status,
            "fields": list(self.fields),
            "old": _delivery_dict(self.old, self.old_unit),
            "new": _delivery_dict(self.new, self.new_unit),
        }


def _delivery_dict(d: Delivery | None, unit: str) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "product": d.product.value,
        "resource_id": d.resource_id,
        "unit_id": unit,
        "first_week": d.first_week,
        "last_week": d.last_week,
        "theme": d.theme,
    }


@dataclass(frozen=True)
class CommitteeDiff:
    """The changes of one committee's deliveries, in identity order.

    Attributes
    ----------
    committee_id
        The committee.
    changes
        Every delivery of the committee in either plan, unchanged ones included.
    """

    committee_id: str
    changes: tuple[DeliveryChange, ...]

    @property
    def counts(self) -> dict[str, int]:
        """How many deliveries of each status (:data:`STATUSES`, zeros included)."""
        counts = dict.fromkeys(STATUSES, 0)
        for c in self.changes:
            counts[c.status] += 1
        return counts

    @property
    def changed(self) -> bool:
        """Whether anything but ``unchanged`` happened to the committee's deliveries."""
        return any(c.status != "unchanged" for c in self.changes)

    def to_dict(self, *, unchanged: bool = True) -> dict[str, Any]:
        """JSON-ready: the committee, its counts and its changes (``unchanged=False``
        leaves out the unchanged deliveries' rows, not their count)."""
        return {
            "committee_id": self.committee_id,
            "counts": self.counts,
            "changes": [c.to_dict() for c in self.changes if unchanged or c.status != "unchanged"],
        }


@dataclass(frozen=True)
class PlanDiff:
    """The diff of two plans, committee by committee (in committee id order).

    Attributes
    ----------
    committees
        Every committee of either scenario, and any a plan names, each once.
    """

    committees: tuple[CommitteeDiff, ...]

    @property
    def counts(self) -> dict[str, int]:
        """Totals over all committees, by status."""
        totals = dict.fromkeys(STATUSES, 0)
        for c in self.committees:
            for status, n in c.counts.items():
                totals[status] += n
        return totals

    def committee(self, committee_id: str) -> CommitteeDiff:
        """The diff of one committee (empty for a committee neither plan knows)."""
        for c in self.committees:
            if c.committee_id == committee_id:
                return c
        return CommitteeDiff(committee_id, ())

    def to_dict(self, *, unchanged: bool = True) -> dict[str, Any]:
        """JSON-ready: the totals and each committee (:meth:`CommitteeDiff.to_dict`)."""
        return {
            "counts": self.counts,
            "committees": [c.to_dict(unchanged=unchanged) for c in self.committees],
        }


def _compare(old: Delivery, new: Delivery, old_unit: str, new_unit: str) -> tuple[str, ...]:
    differs = {
        "weeks": (old.first_week, old.last_week) != (new.first_week, new.last_week),
        "resource": (old.product, old_unit) != (new.product, new_unit),
        "theme": old.theme != new.theme,
    }
    return tuple(f for f in FIELDS if differs[f])


def _status(fields: tuple[str, ...]) -> str:
    if "weeks" in fields:
        return "moved"
    return "changed" if fields else "unchanged"


def diff_plans(
    old_scenario: Scenario, old_plan: Plan, new_scenario: Scenario, new_plan: Plan
) -> PlanDiff:
    """Return what changed for each committee from one plan to the next.

    Parameters
    ----------
    old_scenario, old_plan
        The earlier version: its scenario revision (for the units of its copies) and plan.
    new_scenario, new_plan
        The later version.

    Returns
    -------
    PlanDiff
        Per committee, every delivery as added, moved, changed, cancelled or unchanged
        (see the module's text for how a pair is classified).
    """
    old = delivery_identities(old_plan)
    new = delivery_identities(new_plan)
    committees = (
        set(old_scenario.committee_by_id)
        | set(new_scenario.committee_by_id)
        | {i.committee_id for i in (*old, *new)}
    )
    changes: dict[str, list[DeliveryChange]] = {c: [] for c in committees}
    for identity in sorted(set(old) | set(new)):
        before, after = old.get(identity), new.get(identity)
        old_unit = before.unit_id(old_scenario) if before else ""
        new_unit = after.unit_id(new_scenario) if after else ""
        if before is None:
            change = DeliveryChange(identity, "added", None, after, "", new_unit)
        elif after is None:
            change = DeliveryChange(identity, "cancelled", before, None, old_unit, "")
        else:
            fields = _compare(before, after, old_unit, new_unit)
            change = DeliveryChange(
                identity, _status(fields), before, after, old_unit, new_unit, fields
            )
        changes[identity.committee_id].append(change)
    return PlanDiff(tuple(CommitteeDiff(c, tuple(changes[c])) for c in sorted(committees)))


__all__: Sequence[str] = [
    "FIELDS",
    "STATUSES",
    "CommitteeDiff",
    "DeliveryChange",
    "PlanDiff",
    "diff_plans",
]
