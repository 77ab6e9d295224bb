"""Checking what can be checked of a file whose fields are partly wrong.

When some fields fail their checks no :class:`Scenario` can be built from the file as it
is, yet a planner should see every problem at once, not the field problems now and the
unknown references after the next try. So a bad required field takes a stand-in value
(a stub record's, the longest season, a centre nobody names), a bad optional field is
left out (its default applies), and a record that is not even a mapping becomes a stub
of its kind; every record keeps its place in its list, so every index stays right. The
cross-reference and network checks then run on that scenario, and
:meth:`Salvage.keep` leaves out what the stand-ins would explain: problems at a bad
field or inside a replaced record, references to an id that was replaced, checks
against a season length that could not be read, reachability when a road, a grid's
or committee's id or grid, or the centre was replaced, the demand lines of pins
when a demand line's id, committee or product was, and the subdistricts that grids and
resources name when a subdistrict's name was (or, in a scenario that does not list its
subdistricts, the ones resources name when a grid's subdistrict was).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from planner.scenario.model import Scenario
from planner.scenario.problems import NETWORK_REF, SEASON_REF, Loc, Problem

#: Each list of records: its path, the noun its ids are referred to by, and a stub
#: record (``{stub}`` is replaced by an id that no file uses).
_LISTS: tuple[tuple[Loc, str, dict[str, Any]], ...] = (
    (("season", "fixtures"), "", {"id": "{stub}", "name": "-", "weeks": [1]}),
    (
        ("subdistricts",),
        "",
        {
            "id": "{stub}",
            "name": "{stub}",
            "centre": {"id": "{stub}.c", "name": "-", "location": {"lat": 0, "lon": 0}},
        },
    ),
    (
        ("grids",),
        "grid",
        {
            "id": "{stub}",
            "name": "-",
            "subcentre": {"id": "{stub}.s", "name": "-", "location": {"lat": 0, "lon": 0}},
        },
    ),
    (
        ("committees",),
        "committee",
        {
            "id": "{stub}",
            "name": "-",
            "grid": "{stub}",
            "population": 0,
            "location": {"lat": 0, "lon": 0},
        },
    ),
    (("resources", "book_sets"), "resource", {"id": "{stub}", "title": "-", "theme": "-"}),
    (("resources", "board_sets"), "resource", {"id": "{stub}", "title": "-", "theme": "-"}),
    (
        ("resources", "troupes"),
        "resource",
        {"id": "{stub}", "name": "-", "genre": "-", "home_grid": "{stub}"},
    ),
    (("resources", "lecturers"), "resource", {"id": "{stub}", "name": "-", "topics": ["-"]}),
    (
        ("resources", "trainers"),
        "resource",
        {"id": "{stub}", "name": "-", "skills": ["-"], "home_grid": "{stub}"},
    ),
    (("demand",), "", {"committee": "{stub}", "product": "book_set", "count": 1}),
    (
        ("pins",),
        "",
        {"committee": "{stub}", "product": "book_set", "resource": "{stub}", "first_week": 1},
    ),
    (("network", "roads"), "", {"a": "{stub}", "b": "{stub}.b", "km": 1}),
)
#: Stand-ins for required parts and fields outside the lists: a season start that is a
#: Monday, the longest season (checks against its length are left out), a centre.
_STAND_INS: dict[Loc, Any] = {
    ("name",): "-",
    ("season",): {"start": "2024-01-01", "weeks": 104},
    ("season", "start"): "2024-01-01",
    ("season", "weeks"): 104,
    ("centre",): {"id": "__unread.centre", "name": "-", "location": {"lat": 0, "lon": 0}},
    ("centre", "id"): "__unread.centre",
    ("centre", "name"): "-",
    ("centre", "location"): {"lat": 0, "lon": 0},
}


@dataclass
class Salvage:
    """A scenario with every unreadable part replaced, and what was replaced.

    Attributes
    ----------
    scenario
        The scenario the checks run on; None when even the stand-ins do not make one
        (the grids or committees are not a list at all).
    bad
        Places of the field problems and of the replaced records.
    dropped
        By ``ref`` noun (grid, place, committee, resource), the ids of replaced records.
    season_read
        Whether the season could be read (else checks against its length are left out).
    network_read
        Whether every road, grid and committee and the centre could be read.
    demand_read
        Whether every demand line could be read (else pins' demand lines are not looked
        up: lines may be named by their position).
    subdistricts_read
        Whether every subdistrict's name could be read (else the subdistricts that grids
        and resources name are not looked up).
    grid_areas_read
        Whether every grid's ``subdistrict`` could be read (else, in a scenario that
        does not list its subdistricts, those its resources name are not looked up:
        there the grids say which subdistricts there are).
    """

    scenario: Scenario | None
    bad: list[Loc] = field(default_factory=list)
    dropped: dict[str, set[str]] = field(default_factory=dict)
    season_read: bool = True
    network_read: bool = True
    demand_read: bool = True
    subdistricts_read: bool = True
    grid_areas_read: bool = True

    def keep(self, problems: Iterable[Problem]) -> list[Problem]:
        """The problems of the salvaged scenario that the replaced parts do not explain."""
        bad = set(self.bad)
        return [p for p in problems if not self._explained(p, bad)]

    def _explained(self, p: Problem, bad: set[Loc]) -> bool:
        if any(p.loc[:k] in bad for k in range(1, len(p.loc) + 1)):
            return True
        if p.ref is None:
            return False
        noun, ident = p.ref
        if p.ref == SEASON_REF:
            return not self.season_read
        if p.ref == NETWORK_REF:
            return not self.network_read
        if noun == "subdistrict":
            listed = self.scenario is not None and bool(self.scenario.subdistricts)
            return not self.subdistricts_read or (not listed and not self.grid_areas_read)
        if noun == "demand line":
            return not self.demand_read
        gone = self.dropped.get(noun, set())
        # A copy's id (B01-2) names its set kind (B01).
        return ident in gone or (noun == "resource" and ident.rpartition("-")[0] in gone)


def salvage(data: dict[str, Any], errors: Sequence[Loc]) -> Salvage:
    """Replace the parts of ``data`` that the field ``errors`` are in, and build a scenario.

    Parameters
    ----------
    data
        The file's content (not changed).
    errors
        The places of the field problems (pydantic's error locations).
    """
    data = copy.deepcopy(data)
    out = Salvage(None, bad=list(errors))
    for loc in errors:
        if not _stub_record(data, loc, out):
            _replace_part(data, loc, out)
    try:
        out.scenario = Scenario.model_validate(_without_gone(data))
    except ValidationError:
        out.scenario = None
    return out


#: Fields whose stand-in changes the road network, or the ids of demand lines (derived from
#: what a line asks for when it has no `id`).
_NETWORK_FIELDS = frozenset({"id", "grid", "subcentre", "a", "b", "km"})
_DEMAND_ID_FIELDS = frozenset(
    {"id", "committee", "product", "themes", "preferred_weeks", "excluded_weeks"}
)


def _stub_record(data: dict[str, Any], loc: Loc, out: Salvage) -> bool:
    """Mend the record of a list that ``loc`` points into; False if it is in none.

    A bad field the stub has (a required one) takes the stub's value; another is left
    out (its default applies); a record that is not a mapping becomes the stub.
    """
    for path, noun, stub in _LISTS:
        n = len(path)
        index = loc[n] if len(loc) > n else None
        if loc[:n] != path or not isinstance(index, int):
            continue
        items = value_at(data, path)
        if not isinstance(items, list) or not 0 <= index < len(items):
            return False
        record = items[index]
        name = "__unread." + ".".join(map(str, (*path, index)))
        field_name = loc[n + 1] if len(loc) > n + 1 else None
        whole = not isinstance(record, dict) or not isinstance(field_name, str)
        if path == ("subdistricts",) and (whole or field_name == "name"):
            out.subdistricts_read = False
        if path == ("grids",) and (whole or field_name == "subdistrict"):
            out.grid_areas_read = False
        if whole:
            items[index] = _fill(stub, name)
            out.bad.append((*path, index))
            field_name = "id"
        elif field_name in stub:
            _dropped(out, noun, path, record, field_name)
            record[field_name] = _fill(stub[field_name], name)
        else:
            _leave_out(data, loc)
        if path == ("demand",) and field_name in _DEMAND_ID_FIELDS:
            out.demand_read = False
        if path in {("grids",), ("committees",), ("network", "roads")}:
            out.network_read = out.network_read and field_name not in _NETWORK_FIELDS
        return True
    return False


def _dropped(out: Salvage, noun: str, path: Loc, record: dict[str, Any], field: str) -> None:
    """Remember the ids a record loses when its ``field`` is replaced, under the nouns
    they are referred to by (a committee's id is a place too; so is a sub-centre's)."""
    ident, subcentre = record.get("id"), record.get("subcentre")
    if field == "id" and isinstance(ident, str):
        if noun:
            out.dropped.setdefault(noun, set()).add(ident)
        if path == ("committees",):
            out.dropped.setdefault("place", set()).add(ident)
    if (
        field == "subcentre"
        and isinstance(subcentre, dict)
        and isinstance(subcentre.get("id"), str)
    ):
        out.dropped.setdefault("place", set()).add(subcentre["id"])


def _replace_part(data: dict[str, Any], loc: Loc, out: Salvage) -> None:
    """Stand in for a required part or field; leave out any other bad field."""
    top = loc[0] if loc else None
    field = loc[1] if len(loc) > 1 else None
    if not isinstance(top, str):
        return
    part = data.get(top)
    raw_id = part.get("id") if isinstance(part, dict) else None
    if isinstance(part, dict) and isinstance(field, str):
        if (top, field) not in _STAND_INS:
            _leave_out(data, loc)
            return
        stand_in: Loc = (top, field)
        part[field] = copy.deepcopy(_STAND_INS[stand_in])
    elif (top,) in _STAND_INS:
        stand_in = (top,)
        data[top] = copy.deepcopy(_STAND_INS[stand_in])
    else:
        _leave_out(data, loc)
        return
    if stand_in in {("season",), ("season", "weeks")}:
        out.season_read = False
    if stand_in in {("centre",), ("centre", "id")}:
        out.network_read = False
        if isinstance(raw_id, str):
            out.dropped.setdefault("place", set()).add(raw_id)


def _leave_out(data: dict[str, Any], loc: Loc) -> None:
    """Remove the deepest mapping key on ``loc`` (its default then applies).

    A bad item of a list of plain values (a week of ``preferred_weeks``) is marked
    :data:`_GONE` instead, so that the list's other items are still checked (a week
    outside the season is named too); :func:`_without_gone` then drops the marks.
    """
    node: Any = data
    last: tuple[dict[str, Any], str] | None = None
    for depth, part in enumerate(loc):
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            last = (node, part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            if depth == len(loc) - 1 and not isinstance(node[part], (dict, list)):
                node[part] = _GONE
                return
            node = node[part]
        else:
            break
    if last is not None:
        last[0].pop(last[1])


#: The mark of a bad list item that :func:`_leave_out` left out.
_GONE = object()


def _without_gone(node: Any) -> Any:
    """``node`` with every :data:`_GONE` item of its lists dropped."""
    if isinstance(node, dict):
        return {k: _without_gone(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_without_gone(v) for v in node if v is not _GONE]
    return node


def value_at(data: Any, path: Loc) -> Any:
    """The value at ``path`` in nested dicts and lists, or None."""
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def _fill(stub: Any, name: str) -> Any:
    """A copy of a stub record with ``{stub}`` replaced by ``name``."""
    if isinstance(stub, dict):
        return {k: _fill(v, name) for k, v in stub.items()}
    if isinstance(stub, list):
        return [_fill(v, name) for v in stub]
    if isinstance(stub, str):
        return stub.replace("{stub}", name)
    return stub
