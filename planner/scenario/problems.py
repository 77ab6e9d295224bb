"""Input problems: what is wrong, where, collected so that all are reported at once."""

from __future__ import annotations

import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from planner.i18n import _, ngettext
from planner.scenario.messages import message
from planner.scenario.model import Scenario
from planner.scenario.records import BoardSet, BookSet

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One problem in an input, with its place (a path into the document).

    ``ref`` says what the problem rests on, so that a report on a partly unreadable
    file can leave out what the unread part would explain: ``(noun, id)`` for a
    reference to an unknown record (``("committee", "C7")``), ``("season", "")`` for a
    check against the season's length, ``("network", "")`` for reachability by road.
    """

    loc: Loc
    message: str
    line: int | None = None
    ref: tuple[str, str] | None = None

    @property
    def place(self) -> str:
        """The path as written by planners: ``committees[7].grid``."""
        return format_loc(self.loc)

    def __str__(self) -> str:
        # TRANSLATORS: the place of a problem that concerns the whole file.
        where = self.place or _("(top level)")
        return f"{where}: {self.message}"


class ScenarioError(ValueError):
    """A scenario (or plan) file could not be read; lists every problem found.

    Parameters
    ----------
    source
        The file name (or another name for the input).
    problems
        Every problem found.
    """

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__(self.report())

    def report(self) -> str:
        """Return a readable report: one line per problem, with file and line."""
        n = len(self.problems)
        head = ngettext("{source}: {n} problem", "{source}: {n} problems", n).format(
            source=self.source, n=n
        )
        rows = []
        for p in self.problems:
            at = f"{self.source}:{p.line}" if p.line else self.source
            rows.append(f"  {at}: {p}")
        return "\n".join([head, *rows])


def format_loc(loc: Loc) -> str:
    """Format a location tuple as ``a.b[3].c``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def scenario_problems(s: Scenario) -> list[Problem]:
    """Return every cross-reference problem of a structurally valid scenario.

    Checks duplicated and unknown ids, the subdistricts of a two-level scenario, weeks
    outside the season, stays and courses longer than the season, pins that name
    nothing plannable, and the road network.
    Each part of the file has its own check in :data:`SCENARIO_CHECKS`; they run in that
    order, so problems are listed in the order of the file's sections.
    """
    out: list[Problem] = []
    for check in SCENARIO_CHECKS:
        check(s, out)
    return out


#: The ``ref`` of problems that compare with the season's length.
SEASON_REF = ("season", "")
#: The ``ref`` of problems of places the road network does not reach.
NETWORK_REF = ("network", "")


def unknown(loc: Loc, noun: str, ident: str) -> Problem:
    """A reference to a record that does not exist (``unknown committee 'C7'``).

    ``noun`` is one of ``committee``, ``grid``, ``place``, ``resource``, ``demand
    line``; each has its own whole sentence in the catalogue.
    """
    text = message("unknown_" + noun.replace(" ", "_"), ident=ident)
    return Problem(loc, text, ref=(noun, ident))


def _weeks_in_season(out: list[Problem], s: Scenario, loc: Loc, weeks: Iterable[int]) -> None:
    nweeks = s.season.weeks
    for w in weeks:
        if w > nweeks:
            out.append(
                Problem(loc, message("outside_season", week=w, weeks=nweeks), ref=SEASON_REF)
            )


def _duplicates(out: list[Problem], section: str, ids: Sequence[str]) -> None:
    for ident, n in Counter(ids).items():
        if n > 1:
            first = ids.index(ident)
            rest = [i for i, x in enumerate(ids) if x == ident][1:]
            for i in rest:
                out.append(
                    Problem(
                        (*section.split("."), i, "id"),
                        message("duplicated_id", ident=ident, first=f"{section}[{first}]"),
                    )
                )


def _places(s: Scenario) -> set[str]:
    """The ids of the network's places: the centre and every sub-centre."""
    return {s.centre.id, *(g.subcentre.id for g in s.grids)}


def _resource_sections(s: Scenario) -> list[tuple[str, list[str]]]:
    """Each resource section of the file with the ids it lists, in file order."""
    r = s.resources
    return [
        ("resources.book_sets", [b.id for b in r.book_sets]),
        ("resources.board_sets", [b.id for b in r.board_sets]),
        ("resources.troupes", [t.id for t in r.troupes]),
        ("resources.lecturers", [lec.id for lec in r.lecturers]),
        ("resources.trainers", [t.id for t in r.trainers]),
    ]


def _season_problems(s: Scenario, out: list[Problem]) -> None:
    """The season's time zone and closed weeks."""
    try:
        zoneinfo.ZoneInfo(s.season.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        out.append(
            Problem(("season", "timezone"), message("unknown_timezone", zone=s.season.timezone))
        )
    _weeks_in_season(out, s, ("season", "closed_weeks"), s.season.closed_weeks)


def _subdistrict_problems(s: Scenario, out: list[Problem]) -> None:
    """Subdistricts (when listed): ids, names, centres; the subdistrict each grid and
    resource names.

    A scenario without ``subdistricts`` has one level and none of these checks but one:
    its grids name subdistricts freely, as before the list existed, and so say which
    there are; a resource that names another serves no committee
    (:func:`_service_area_problems`).
    """
    if not s.subdistricts:
        _service_area_problems(s, out)
        return
    _duplicates(out, "subdistricts", [sd.id for sd in s.subdistricts])
    first_of: dict[str, int] = {}
    for i, sd in enumerate(s.subdistricts):
        first = first_of.setdefault(sd.name, i)
        if first != i:
            out.append(
                Problem(
                    ("subdistricts", i, "name"),
                    message(
                        "duplicated_subdistrict_name", name=sd.name, first=f"subdistricts[{first}]"
                    ),
                )
            )
    # A subdistrict's centre is no node of the network, but its id is a place's id all
    # the same: no other place, committee or subdistrict centre may share it.
    others = {s.centre.id, *(g.subcentre.id for g in s.grids), *s.committee_by_id}
    centre_count = Counter(sd.centre.id for sd in s.subdistricts)
    for i, sd in enumerate(s.subdistricts):
        if sd.centre.id in others or centre_count[sd.centre.id] > 1:
            out.append(
                Problem(
                    ("subdistricts", i, "centre", "id"),
                    message("duplicated_place", ident=sd.centre.id),
                )
            )
    named: set[str] = set()
    for i, g in enumerate(s.grids):
        loc: Loc = ("grids", i, "subdistrict")
        if not g.subdistrict:
            out.append(Problem(loc, message("grid_without_subdistrict")))
        elif g.subdistrict not in s.subdistrict_by_name:
            out.append(unknown(loc, "subdistrict", g.subdistrict))
        named.add(g.subdistrict)
    for kind, records in _area_records(s):
        for i, area in enumerate(records):
            if area and area not in s.subdistrict_by_name:
                out.append(unknown(("resources", kind, i, "subdistrict"), "subdistrict", area))
    if not named <= set(first_of):
        # A grid that names no subdistrict, or a misspelt one, likely belongs to the
        # subdistrict that seems to have no grid: one slip, one problem. (A grid whose
        # subdistrict could not be read, or a stand-in for an unreadable grid, names
        # none either.)
        return
    for i, sd in enumerate(s.subdistricts):
        if sd.name not in named and first_of[sd.name] == i:
            out.append(
                Problem(
                    ("subdistricts", i, "name"),
                    message("subdistrict_without_grids", name=sd.name),
                )
            )


def _service_area_problems(s: Scenario, out: list[Problem]) -> None:
    """Without a ``subdistricts`` list, the subdistricts are those the grids name: a
    resource whose ``subdistrict`` (its service area) no grid names could serve nobody,
    and is named as the list's check names it (``unknown subdistrict``)."""
    named = {g.subdistrict for g in s.grids if g.subdistrict}
    for kind, records in _area_records(s):
        for i, area in enumerate(records):
            if area and area not in named:
                out.append(unknown(("resources", kind, i, "subdistrict"), "subdistrict", area))


def _area_records(s: Scenario) -> list[tuple[str, list[str]]]:
    """Each resource section's records' ``subdistrict`` (service area), in file order."""
    r = s.resources
    return [
        ("book_sets", [b.subdistrict for b in r.book_sets]),
        ("board_sets", [b.subdistrict for b in r.board_sets]),
        ("troupes", [t.subdistrict for t in r.troupes]),
        ("lecturers", [lec.subdistrict for lec in r.lecturers]),
        ("trainers", [t.subdistrict for t in r.trainers]),
    ]


def _grid_and_committee_problems(s: Scenario, out: list[Problem]) -> None:
    """Grid, sub-centre and committee ids, committees' grids and closed weeks."""
    _duplicates(out, "grids", [g.id for g in s.grids])
    _duplicates(out, "committees", [c.id for c in s.committees])
    node_ids = [s.centre.id, *(g.subcentre.id for g in s.grids)]
    node_count = Counter(node_ids)
    for i, g in enumerate(s.grids):
        if node_count[g.subcentre.id] > 1:
            out.append(
                Problem(
                    ("grids", i, "subcentre", "id"),
                    message("duplicated_place", ident=g.subcentre.id),
                )
            )
    place_ids = set(node_ids)
    for i, c in enumerate(s.committees):
        if c.id in place_ids:
            out.append(Problem(("committees", i, "id"), message("committee_is_place", ident=c.id)))
        if c.grid not in s.grid_by_id:
            out.append(unknown(("committees", i, "grid"), "grid", c.grid))
        _weeks_in_season(out, s, ("committees", i, "closed_weeks"), c.closed_weeks)


def _resource_id_problems(s: Scenario, out: list[Problem]) -> None:
    """Resource ids: duplicated, shared by two kinds, or clashing with a copy's name."""
    r = s.resources
    sections = _resource_sections(s)
    resource_id_count = Counter(i for _, ids in sections for i in ids)
    for section, ids in sections:
        _duplicates(out, section, ids)
        section_count = Counter(ids)
        for i, ident in enumerate(ids):
            if resource_id_count[ident] > 1 and section_count[ident] == 1:
                out.append(
                    Problem(
                        (*section.split("."), i, "id"),
                        message("shared_resource_id", ident=ident),
                    )
                )
    all_sets: list[BookSet | BoardSet] = [*r.book_sets, *r.board_sets]
    copy_ids = {f"{b.id}-{k}" for b in all_sets if b.copies > 1 for k in range(1, b.copies + 1)}
    for section, ids in sections:
        for i, ident in enumerate(ids):
            if ident in copy_ids:
                out.append(
                    Problem(
                        (*section.split("."), i, "id"),
                        message("copy_name_clash", ident=ident),
                    )
                )


def _resource_record_problems(s: Scenario, out: list[Problem]) -> None:
    """Each resource's places, grids, weeks and lengths."""
    r = s.resources
    nweeks = s.season.weeks
    set_kinds: list[tuple[str, Sequence[BookSet | BoardSet]]] = [
        ("book_sets", r.book_sets),
        ("board_sets", r.board_sets),
    ]
    for kind, sets in set_kinds:
        for i, b in enumerate(sets):
            if b.stay_weeks > nweeks:
                out.append(
                    Problem(
                        ("resources", kind, i, "stay_weeks"),
                        message("stay_too_long", length=b.stay_weeks, weeks=nweeks),
                        ref=SEASON_REF,
                    )
                )
            loc: Loc = ("resources", kind, i, "unavailable_weeks")
            _weeks_in_season(out, s, loc, b.unavailable_weeks)
    places = _places(s)
    if r.van.depot not in places:
        out.append(unknown(("resources", "van", "depot"), "place", r.van.depot))
    for i, t in enumerate(r.troupes):
        if t.home_grid not in s.grid_by_id:
            out.append(unknown(("resources", "troupes", i, "home_grid"), "grid", t.home_grid))
        loc = ("resources", "troupes", i, "unavailable_weeks")
        _weeks_in_season(out, s, loc, t.unavailable_weeks)
    for i, lec in enumerate(r.lecturers):
        if lec.home not in places and lec.home not in s.committee_by_id:
            out.append(unknown(("resources", "lecturers", i, "home"), "place", lec.home))
        loc = ("resources", "lecturers", i, "available_weeks")
        _weeks_in_season(out, s, loc, lec.available_weeks or [])
        loc = ("resources", "lecturers", i, "unavailable_weeks")
        _weeks_in_season(out, s, loc, lec.unavailable_weeks)
    for i, tr in enumerate(r.trainers):
        if tr.home_grid not in s.grid_by_id:
            out.append(unknown(("resources", "trainers", i, "home_grid"), "grid", tr.home_grid))
        if tr.course_weeks > nweeks:
            out.append(
                Problem(
                    ("resources", "trainers", i, "course_weeks"),
                    message("course_too_long", length=tr.course_weeks, weeks=nweeks),
                    ref=SEASON_REF,
                )
            )
        loc = ("resources", "trainers", i, "unavailable_weeks")
        _weeks_in_season(out, s, loc, tr.unavailable_weeks)


def _fixture_problems(s: Scenario, out: list[Problem]) -> None:
    """Fixture ids, weeks and the resources they reserve."""
    resource_ids = {i for _, ids in _resource_sections(s) for i in ids}
    _duplicates(out, "season.fixtures", [f.id for f in s.season.fixtures])
    for i, f in enumerate(s.season.fixtures):
        _weeks_in_season(out, s, ("season", "fixtures", i, "weeks"), f.weeks)
        for j, rid in enumerate(f.reserves):
            if rid not in resource_ids:
                out.append(unknown(("season", "fixtures", i, "reserves", j), "resource", rid))


def _demand_problems(s: Scenario, out: list[Problem]) -> None:
    """Demand line ids, committees and weeks."""
    first_index: dict[str, int] = {}
    for i, line in enumerate(s.demand_lines):
        if first_index.setdefault(line.id, i) != i:
            out.append(Problem(("demand", i, "id"), message("duplicated_demand_id", ident=line.id)))
    for i, d in enumerate(s.demand):
        if d.committee not in s.committee_by_id:
            out.append(unknown(("demand", i, "committee"), "committee", d.committee))
        _weeks_in_season(out, s, ("demand", i, "preferred_weeks"), d.preferred_weeks)
        _weeks_in_season(out, s, ("demand", i, "excluded_weeks"), d.excluded_weeks)


def _pin_problems(s: Scenario, out: list[Problem]) -> None:
    """Pins: committee and week; resource, product, length and demand line.

    These run whatever else is wrong in the file, so that a planner sees every problem
    of the pins at once. A resource id that two records share is looked up no further (which record
    the pin means is unknown; the duplicate is reported at the records).
    """
    nweeks = s.season.weeks
    units = s.resource_units
    shared = {
        ident
        for ident, n in Counter(i for _, ids in _resource_sections(s) for i in ids).items()
        if n > 1
    }
    for i, p in enumerate(s.pins):
        if p.committee not in s.committee_by_id:
            out.append(unknown(("pins", i, "committee"), "committee", p.committee))
        _weeks_in_season(out, s, ("pins", i, "first_week"), [p.first_week])
        unit_id = s.unit_of_copy.get(p.resource)
        if unit_id is None:
            out.append(unknown(("pins", i, "resource"), "resource", p.resource))
            continue
        if unit_id in shared:
            continue
        unit = units[unit_id]
        if unit.product != p.product:
            out.append(
                Problem(
                    ("pins", i, "product"),
                    message(
                        "pin_product",
                        resource=p.resource,
                        delivers=unit.product.value,
                        product=p.product.value,
                    ),
                )
            )
        if p.first_week + unit.duration - 1 > nweeks and p.first_week <= nweeks:
            out.append(
                Problem(
                    ("pins", i, "first_week"),
                    message(
                        "pin_past_season", length=unit.duration, week=p.first_week, weeks=nweeks
                    ),
                    ref=SEASON_REF,
                )
            )
        if p.demand is not None:
            pinned_line = s.demand_by_id.get(p.demand)
            if pinned_line is None:
                out.append(unknown(("pins", i, "demand"), "demand line", p.demand))
            elif (pinned_line.committee, pinned_line.product) != (p.committee, p.product):
                out.append(
                    Problem(
                        ("pins", i, "demand"),
                        message(
                            "pin_demand_line",
                            line=p.demand,
                            line_committee=pinned_line.committee,
                            line_product=pinned_line.product.value,
                            committee=p.committee,
                            product=p.product.value,
                        ),
                        ref=("demand line", p.demand),
                    )
                )


def _road_problems(s: Scenario, out: list[Problem]) -> None:
    """Both ends of every road are known places or committees."""
    nodes = {*_places(s), *s.committee_by_id}
    for i, road in enumerate(s.network.roads):
        for end in ("a", "b"):
            node = getattr(road, end)
            if node not in nodes:
                out.append(unknown(("network", "roads", i, end), "place", node))


#: The checks of :func:`scenario_problems`, one per part of the file, in the order run.
SCENARIO_CHECKS: tuple[Callable[[Scenario, list[Problem]], None], ...] = (
    _season_problems,
    _subdistrict_problems,
    _grid_and_committee_problems,
    _resource_id_problems,
    _resource_record_problems,
    _fixture_problems,
    _demand_problems,
    _pin_problems,
    _road_problems,
)


__all__ = [
    "NETWORK_REF",
    "SEASON_REF",
    "Problem",
    "ScenarioError",
    "format_loc",
    "scenario_problems",
    "unknown",
]
