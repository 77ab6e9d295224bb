"""Demand-line ids: explicit, or derived from what the line asks for.

A published plan names the demand line each delivery serves, so a line's id must not
move when other lines are added, removed or reordered. A line that gives ``id`` keeps
it. A line without one gets ``committee/product/<digest>``, where the digest (8 hex
digits of SHA-256) is taken over what the line asks for: its themes, preferred weeks
and excluded weeks, each as a sorted set. ``count`` and ``priority`` are left out on
purpose: they say how much and how urgently, not what, and a planner who raises a
line's count mid-season should not lose the deliveries already published for it.

Only lines whose derived ids coincide (the same committee, product and wishes, or, with
odds of 1 in 4 billion, a digest collision) are told apart, by their order in the file:
the second gets ``-2``, the third ``-3`` and so on. Changing such a line's count or
priority leaves the ids alone, but inserting, removing or reordering lines with the
same wishes renumbers those after the edit; any other edit to the file leaves them
alone. A planner who keeps two such lines gives them ids.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence

from planner.scenario.records import Demand

#: Hex digits of the content digest in a derived id.
DIGEST_LENGTH = 8


def content_id(d: Demand) -> str:
    """Return the id a line without ``id`` derives from its content, before any tiebreak.

    Parameters
    ----------
    d
        The demand line.

    Returns
    -------
    str
        ``committee/product/<8 hex digits>``; the digest depends on the sorted sets of
        ``themes``, ``preferred_weeks`` and ``excluded_weeks`` only.
    """
    wishes = {
        "themes": sorted(set(d.themes)),
        "preferred_weeks": sorted(set(d.preferred_weeks)),
        "excluded_weeks": sorted(set(d.excluded_weeks)),
    }
    text = json.dumps(wishes, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:DIGEST_LENGTH]
    return f"{d.committee}/{d.product.value}/{digest}"


def line_ids(demand: Sequence[Demand]) -> list[str]:
    """Return the id of every demand line, in file order.

    Parameters
    ----------
    demand
        The scenario's demand lines.

    Returns
    -------
    list of str
        The explicit ``id`` where a line gives one; otherwise :func:`content_id`, with
        ``-2``, ``-3``, … for the second and later of lines whose content ids coincide
        (in file order). Duplicates among explicit ids, or
        between an explicit and a derived id, are left for the scenario checks to
        report.
    """
    ids: list[str] = [d.id or "" for d in demand]
    same: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(demand):
        if d.id is None:
            same[content_id(d)].append(i)
    for base, members in same.items():
        for rank, i in enumerate(members, start=1):
            ids[i] = base if rank == 1 else f"{base}-{rank}"
    return ids


__all__ = ["DIGEST_LENGTH", "content_id", "line_ids"]
