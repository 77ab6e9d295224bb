"""The identity of a delivery across published versions of a season's plan.

A committee that subscribed to its calendar must see a delivery that moved to another
week, or that another troupe now gives, as *the same* delivery changed, not as one
cancelled and another added. :func:`planner.plan.delivery_key` names what a delivery
is (committee, product, unit, first week), so it changes exactly when a delivery moves
or changes resource; it cannot be the identity across versions.

What does stay is what the delivery is *for*: the committee and the demand line it
serves. A line asks for ``count`` deliveries, so the identity adds the delivery's
ordinal among that committee's deliveries of that line, in first-week order:

    ``C07:C07/lecture/1:2`` — the second delivery (by week) of line ``C07/lecture/1``.

Why this holds:

- a delivery that moves week, changes copy, unit (another troupe, lecturer or book
  set) or theme keeps its committee and line; it keeps its ordinal as long as it does
  not pass another delivery of the same line (a line's deliveries rarely cross: the
  spread goal keeps them apart, and the re-planner's change penalty keeps them put);
- the identity depends on the plan alone (no history), so the diff, the calendar feed
  and any later re-reading of the versions compute the same identities.

Its limits, which a reader of the diff or of the feed may meet:

- when a line loses one of its deliveries other than its last, the later ones shift
  down one ordinal: the diff reads "the later ones moved, the last one cancelled"
  instead of "that one cancelled"; the calendar is still right (every event ends on the
  right dates), only the wording of which delivery changed differs;
- two deliveries of a line that swap their order read as two moves;
- a demand line whose id changes (an explicit id renamed, or an id derived from the
  line's content, :mod:`planner.scenario.line_ids`, after the line was edited) is a
  new line: its deliveries read as cancelled and added.

Ordinals are taken in ``(first_week, last_week, resource, theme)`` order, so that two
deliveries of a line in the same week (which the rules forbid for one committee and
line of most products) still get distinct, reproducible identities.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from planner.plan import Delivery

#: Separates the parts of an identity key. Committee ids never contain it
#: (:data:`planner.scenario.messages.ID_PATTERN`), so a key splits back unambiguously.
SEPARATOR = ":"


@dataclass(frozen=True, order=True)
class DeliveryIdentity:
    """Who a delivery is for, and which of that line's deliveries it is.

    Attributes
    ----------
    committee_id
        The receiving committee.
    demand_id
        The demand line the delivery serves.
    ordinal
        1 for the line's first delivery by week, 2 for its second, ...
    """

    committee_id: str
    demand_id: str
    ordinal: int

    @property
    def key(self) -> str:
        """The identity as text, ``committee:line:ordinal`` (:func:`identity_key`)."""
        return identity_key(self.committee_id, self.demand_id, self.ordinal)

    def __str__(self) -> str:
        return self.key


def identity_key(committee_id: str, demand_id: str, ordinal: int) -> str:
    """Return an identity as text: ``C07:C07/lecture/1:2``.

    Parameters
    ----------
    committee_id
        The receiving committee.
    demand_id
        The demand line.
    ordinal
        The delivery's ordinal among the committee's deliveries of the line (from 1).
    """
    return f"{committee_id}{SEPARATOR}{demand_id}{SEPARATOR}{ordinal}"


def parse_identity(key: str) -> DeliveryIdentity:
    """Return the identity an :func:`identity_key` text names.

    Raises
    ------
    ValueError
        If ``key`` is not ``committee:line:ordinal`` with a whole positive ordinal.
    """
    committee_id, _sep, rest = key.partition(SEPARATOR)
    demand_id, _sep2, ordinal = rest.rpartition(SEPARATOR)
    if not committee_id or not demand_id or not ordinal.isdigit() or int(ordinal) < 1:
        raise ValueError(f"not a delivery identity: {key!r}")
    return DeliveryIdentity(committee_id, demand_id, int(ordinal))


def _order(d: Delivery) -> tuple[int, int, str, str]:
    return (d.first_week, d.last_week, d.resource_id, d.theme)


def delivery_identities(deliveries: Iterable[Delivery]) -> dict[DeliveryIdentity, Delivery]:
    """Return every delivery of a plan by its identity across versions.

    Parameters
    ----------
    deliveries
        A plan's deliveries (any committees, any order).

    Returns
    -------
    dict
        Each delivery by its :class:`DeliveryIdentity`, in identity order (committee,
        line, ordinal). Equal deliveries (a hand-made plan may repeat a row) get
        consecutive ordinals.
    """
    by_line: dict[tuple[str, str], list[Delivery]] = defaultdict(list)
    for d in deliveries:
        by_line[(d.committee_id, d.demand_id)].append(d)
    out: dict[DeliveryIdentity, Delivery] = {}
    for (committee_id, demand_id), group in sorted(by_line.items()):
        for ordinal, d in enumerate(sorted(group, key=_order), start=1):
            out[DeliveryIdentity(committee_id, demand_id, ordinal)] = d
    return out


__all__: Sequence[str] = [
    "SEPARATOR",
    "DeliveryIdentity",
    "delivery_identities",
    "identity_key",
    "parse_identity",
]
