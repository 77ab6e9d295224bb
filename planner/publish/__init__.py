"""Published versions of a plan: a delivery's identity across versions and their diff.

A published version is immutable; what a committee sees change from one version to the
next is told by :mod:`planner.publish.diff`, on the identities of
:mod:`planner.publish.identity` (the same ones that give the calendar feed its UIDs).
"""

from planner.publish.diff import CommitteeDiff, DeliveryChange, PlanDiff, diff_plans
from planner.publish.identity import (
    DeliveryIdentity,
    delivery_identities,
    identity_key,
    parse_identity,
)
from planner.publish.versions import PublishedVersion

__all__ = [
    "CommitteeDiff",
    "DeliveryChange",
    "DeliveryIdentity",
    "PlanDiff",
    "PublishedVersion",
    "delivery_identities",
    "diff_plans",
    "identity_key",
    "parse_identity",
]
