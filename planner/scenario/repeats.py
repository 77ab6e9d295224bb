"""One mistake, one problem: references to the same unknown id are reported once.

A committee whose id is mistyped (or left out) leaves every demand line and pin that
names it pointing at nothing; listing each of them buries the one slip under hundreds
of lines. So the references to one unknown id become one problem, at the first of
them, that counts the others, names a few, and suggests the closest known id.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from planner.i18n import ngettext
from planner.scenario.messages import message
from planner.scenario.model import Scenario
from planner.scenario.problems import Problem, format_loc

#: How many of the other places of a repeated reference are named.
SHOWN_PLACES = 3
#: The nouns of references to records (see :func:`planner.scenario.problems.unknown`).
NOUNS = ("committee", "grid", "place", "resource", "demand line", "subdistrict")


def known_ids(s: Scenario, noun: str) -> list[str]:
    """The ids a reference of kind ``noun`` may name in ``s`` (a subdistrict's name: one
    the scenario lists, or without the list one its grids name)."""
    places = [s.centre.id, *(g.subcentre.id for g in s.grids)]
    areas = list(s.subdistrict_by_name) or list(dict.fromkeys(g.subdistrict for g in s.grids))
    return {
        "committee": list(s.committee_by_id),
        "grid": list(s.grid_by_id),
        "place": [*places, *s.committee_by_id],
        "resource": list(s.unit_of_copy),
        "demand line": list(s.demand_by_id),
        "subdistrict": [a for a in areas if a],
    }.get(noun, [])


def collapse_repeats(problems: Sequence[Problem], s: Scenario | None) -> list[Problem]:
    """Merge the problems that name the same unknown id into the first of them.

    Parameters
    ----------
    problems
        The problems of a scenario, in the order reported.
    s
        The scenario they were found in (for the closest known id); None when there
        was none to suggest from.
    """
    groups: dict[tuple[str, str], list[Problem]] = {}
    for p in problems:
        if _is_unknown_reference(p):
            assert p.ref is not None
            groups.setdefault(p.ref, []).append(p)
    out: list[Problem] = []
    for p in problems:
        group = groups.get(p.ref) if p.ref is not None and _is_unknown_reference(p) else None
        if group is None:
            out.append(p)
        elif group[0] is p:
            out.append(_merged(group, s))
    return out


def _is_unknown_reference(p: Problem) -> bool:
    if p.ref is None or p.ref[0] not in NOUNS:
        return False
    noun, ident = p.ref
    return p.message == message("unknown_" + noun.replace(" ", "_"), ident=ident)


def _merged(group: list[Problem], s: Scenario | None) -> Problem:
    """The first problem of a group, telling of the others and of a likely meant id."""
    first = group[0]
    assert first.ref is not None
    noun, ident = first.ref
    text = first.message
    # Stand-ins for unreadable records (planner.scenario.salvage) are no one's meaning.
    known = [k for k in known_ids(s, noun) if not k.startswith("__unread")] if s else []
    # A close cutoff: ids that differ in one digit of three (T01, T03) are not slips.
    close = difflib.get_close_matches(ident, known, n=1, cutoff=0.75)
    if noun == "subdistrict" and s is not None and ident in s.subdistrict_by_id:
        # Grids and resources name a subdistrict by its name; this one wrote its id.
        close = [s.subdistrict_by_id[ident].name]
    if close:
        text = message("unknown_did_you_mean", problem=text, suggestion=close[0])
    others = group[1:]
    if others:
        places = ", ".join(format_loc(p.loc) for p in others[:SHOWN_PLACES])
        if len(others) > SHOWN_PLACES:
            places += ", …"
        text = ngettext(
            "{problem} (and {n} more reference to it: {places})",
            "{problem} (and {n} more references to it: {places})",
            len(others),
        ).format(problem=text, n=len(others), places=places)
    return Problem(first.loc, text, first.line, first.ref)


__all__ = ["NOUNS", "SHOWN_PLACES", "collapse_repeats", "known_ids"]
