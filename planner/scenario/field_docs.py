"""What each part and field of the scenario format means, for ``cultplan schema``.

Every record of :mod:`planner.scenario.records` names :func:`describe` as its
``json_schema_extra``, so its JSON Schema carries a description for itself and for each
of its fields, taken from :data:`MODEL_DOCS` and :data:`FIELD_DOCS`. The texts are English
and marked for the catalogue; :func:`planner.io.scenario_yaml.scenario_schema` gives them
in the reader's language. This module imports nothing from the project but
:mod:`planner.i18n`, so that the records can use it.
"""

from __future__ import annotations

from typing import Any

from planner.i18n import N_

_ID = N_(
    "Id: letters (any script), digits, '_', '-' and '.'; starts and ends with a letter, "
    "digit or '_'; no '..'; at most 64 characters."
)
_NAME = N_("Name shown to planners and committees.")
_TITLE = N_("Title shown to planners and committees.")
_THEME = N_("Theme, matched against the themes a demand line asks for.")
_COPIES = N_("Number of identical, interchangeable copies of this set.")
_UNAVAILABLE = N_("Weeks (1-based) in which the resource cannot be planned.")
_SUBDISTRICT = N_(
    "Name of the only subdistrict whose committees the resource serves; empty: a shared "
    "resource of the upper level (district or city), serving every subdistrict."
)
_HOME_GRID = N_("Grid whose sub-centre the resource travels from.")
_LOCATION = N_("Where it is, in WGS-84 degrees.")
_SESSIONS = N_("Most sessions a week.")
_PRODUCT = N_("Product: book_set, exhibition, performance, lecture or fitness_course.")

#: The description of each record of the format, by class name.
MODEL_DOCS: dict[str, str] = {
    "Scenario": N_("A season planning scenario: one file per season."),
    "Season": N_("The planning horizon: its start, length, closed weeks and fixtures."),
    "Fixture": N_(
        "A named calendar fixture (reading month, festival) that may favour a product and "
        "reserve resources in its weeks."
    ),
    "Location": N_("A point in WGS-84 degrees."),
    "Place": N_("A named place: the centre, a sub-centre or a subdistrict's culture centre."),
    "Subdistrict": N_(
        "A subdistrict of a district or city scenario, with its culture centre, which takes "
        "over the shared resources from the upper level and delivers them to its committees."
    ),
    "Grid": N_("A grid of the subdistrict with its culture sub-centre."),
    "Venue": N_("What a committee's activity room can host."),
    "Committee": N_("A residents' committee or partner site that receives deliveries."),
    "BookSet": N_("A kind of book set; its copies are interchangeable."),
    "BoardSet": N_(
        "A kind of exhibition board set with one theme; its copies are interchangeable."
    ),
    "Van": N_("The van that moves exhibition boards."),
    "Troupe": N_("An amateur arts troupe giving small performances."),
    "Lecturer": N_("A lecturer or demonstrator."),
    "Trainer": N_("A fitness trainer; a course is one trainer at one site for consecutive weeks."),
    "Resources": N_("All resources of the centre and its partners."),
    "Demand": N_("A demand line: one committee asks for a number of deliveries of one product."),
    "Pin": N_("A delivery that must stay in the plan (it was already published)."),
    "Objective": N_("Weights of the plan's goals, in points; 0 switches a goal off."),
    "Road": N_("A road between two places or committees."),
    "Network": N_("The road network; without roads one is built from the locations."),
    # An enumeration's schema takes its class docstring; this is the same text, for the
    # catalogue.
    "Product": N_("The five products a culture centre delivers."),
}

#: The description of each field, by class name and field name.
FIELD_DOCS: dict[str, dict[str, str]] = {
    "Scenario": {
        "name": N_("Name of the scenario."),
        "season": N_("The planning horizon."),
        "centre": N_(
            "The culture centre: the place everything starts from; with subdistricts, the "
            "upper level (district or city) that allocates the shared resources."
        ),
        "subdistricts": N_(
            "The subdistricts of a district or city scenario (two levels); empty for one "
            "subdistrict."
        ),
        "grids": N_("The grids, each with its sub-centre (at least one)."),
        "committees": N_("The committees that receive deliveries (at least one)."),
        "resources": N_("The book sets, board sets, van, troupes, lecturers and trainers."),
        "demand": N_("The demand lines: what each committee asks for."),
        "objective": N_("Weights of the plan's goals."),
        "network": N_("The road network."),
        "pins": N_("Deliveries that must stay in the plan."),
    },
    "Season": {
        "start": N_("First day of week 1, a Monday (YYYY-MM-DD)."),
        "weeks": N_("Length of the season in weeks (1 to 104)."),
        "timezone": N_("Time zone of the calendars (IANA name)."),
        "closed_weeks": N_("Weeks in which nothing is delivered anywhere."),
        "fixtures": N_("Named calendar fixtures."),
        "rotation_cycle": N_(
            "Stays and courses start only on their unit's cycle (weeks 1, 1 + d, 1 + 2d, ...)."
        ),
    },
    "Fixture": {
        "id": _ID,
        "name": _NAME,
        "weeks": N_("Weeks of the fixture."),
        "product": N_("The product the fixture favours, if any."),
        "themes": N_("Themes the fixture favours; empty favours every theme."),
        "bonus": N_("Weight of the fixture's favour (times the objective's fixtures weight)."),
        "reserves": N_("Ids of resources busy with the fixture in its weeks."),
    },
    "Location": {
        "lat": N_("Latitude in degrees (-90 to 90)."),
        "lon": N_("Longitude in degrees (-180 to 180)."),
    },
    "Place": {"id": _ID, "name": _NAME, "location": _LOCATION},
    "Subdistrict": {
        "id": _ID,
        "name": N_(
            "Name of the subdistrict, as the grids' and resources' subdistrict fields write it."
        ),
        "centre": N_(
            "The subdistrict's culture centre, where the upper level hands shared resources over."
        ),
    },
    "Grid": {
        "id": _ID,
        "name": _NAME,
        "subcentre": N_("The grid's culture sub-centre."),
        "subdistrict": N_(
            "Name of the subdistrict the grid belongs to (district and city scenarios); one "
            "of the subdistricts when they are listed."
        ),
    },
    "Venue": {
        "audience_capacity": N_("Seats for an audience."),
        "stage": N_("Whether there is a stage."),
        "fitness_floor": N_("Whether there is a floor for fitness courses."),
        "shelf_slots": N_("Book sets the room can hold at once."),
        "board_slots": N_("Board sets the room can hold at once."),
    },
    "Committee": {
        "id": _ID,
        "name": _NAME,
        "grid": N_("Id of the committee's grid."),
        "population": N_("Residents served."),
        "elderly_share": N_("Share of residents aged 60 and over (0 to 1)."),
        "location": _LOCATION,
        "venue": N_("What the committee's activity room can host."),
        "max_events_per_week": N_("Most performances, lectures and course sessions a week."),
        "closed_weeks": N_("Weeks in which the committee receives nothing."),
        "kind": N_("committee or partner."),
    },
    "BookSet": {
        "id": _ID,
        "title": _TITLE,
        "theme": _THEME,
        "copies": _COPIES,
        "stay_weeks": N_("Weeks one stay lasts."),
        "unavailable_weeks": _UNAVAILABLE,
        "subdistrict": _SUBDISTRICT,
    },
    "Van": {
        "moves_per_week": N_("Board set moves a week (one move installs one set at a site)."),
        "depot": N_("Id of the place the van starts from."),
    },
    "Troupe": {
        "id": _ID,
        "name": _NAME,
        "genre": N_("Genre, matched against the themes a demand line asks for."),
        "shows_per_week": N_("Most shows a week."),
        "home_grid": _HOME_GRID,
        "unavailable_weeks": _UNAVAILABLE,
        "subdistrict": _SUBDISTRICT,
        "needs_stage": N_("Whether the venue needs a stage."),
        "min_audience": N_("Fewest seats the venue needs."),
        "max_shows": N_("Most shows in the season; empty for no limit."),
    },
    "Lecturer": {
        "id": _ID,
        "name": _NAME,
        "provider": N_("Who provides the lecturer (a university, a library)."),
        "topics": N_("Topics, matched against the themes a demand line asks for."),
        "sessions_per_week": _SESSIONS,
        "available_weeks": N_("The only weeks the lecturer can come; empty for every week."),
        "unavailable_weeks": _UNAVAILABLE,
        "subdistrict": _SUBDISTRICT,
        "home": N_("Id of the place or committee the lecturer travels from."),
    },
    "Trainer": {
        "id": _ID,
        "name": _NAME,
        "skills": N_("Skills, matched against the themes a demand line asks for."),
        "sessions_per_week": _SESSIONS,
        "home_grid": _HOME_GRID,
        "course_weeks": N_("Weeks one course lasts."),
        "unavailable_weeks": _UNAVAILABLE,
        "subdistrict": _SUBDISTRICT,
    },
    "Resources": {
        "book_sets": N_("Book set kinds."),
        "board_sets": N_("Exhibition board set kinds."),
        "van": N_("The van that moves board sets."),
        "troupes": N_("Troupes."),
        "lecturers": N_("Lecturers."),
        "trainers": N_("Fitness trainers."),
    },
    "Demand": {
        "id": N_("Id of the line; without one, an id is derived from what the line asks for."),
        "committee": N_("Id of the committee asking."),
        "product": _PRODUCT,
        "count": N_("Number of deliveries asked for."),
        "themes": N_("Themes that fit the line; empty means anything fits."),
        "preferred_weeks": N_("Weeks the committee prefers."),
        "excluded_weeks": N_("Weeks the committee cannot take this product."),
        "priority": N_("Weight of the line in coverage (0.01 to 100, counted in hundredths)."),
    },
    "Pin": {
        "committee": N_("Id of the committee."),
        "product": _PRODUCT,
        "resource": N_("Id of the resource, or of one copy of a set."),
        "first_week": N_("First week of the delivery."),
        "demand": N_("Id of the demand line the delivery serves, if given."),
    },
    "Objective": {
        "coverage": N_("Points per percentage point of weighted coverage."),
        "fairness": N_("Points per percentage point of the worst-served committee's coverage."),
        "fairness_first": N_("Raise the worst-served committee first, then the rest."),
        "shortfall": N_(
            "Points lost per percentage point of a committee's coverage below shortfall_target."
        ),
        "shortfall_target": N_("The coverage every committee should reach (0 to 1)."),
        "keep_baseline_minimum": N_(
            "No committee falls below the spreadsheet baseline's worst-served committee."
        ),
        "keep_baseline_coverage": N_(
            "No committee falls below its own coverage in the spreadsheet baseline."
        ),
        "fairness_mode": N_(
            "weighted: fairness traded through weights; leximin: raise the worst-served "
            "committees first, one after another."
        ),
        "travel": N_("Points lost per km travelled."),
        "spread": N_("Points lost per extra event in one week at one committee."),
        "variety": N_("Points per distinct theme a committee receives within a product."),
        "preference": N_("Points per delivery starting in a preferred week."),
        "fixtures": N_("Points per delivery favoured by a fixture (times its bonus)."),
    },
    "Road": {
        "a": N_("Id of one end: the centre, a sub-centre or a committee."),
        "b": N_("Id of the other end."),
        "km": N_("Length in km (above 0)."),
    },
    "Network": {
        "roads": N_("Roads; empty builds a network from the locations."),
        "detour_factor": N_("Road length over straight-line distance (at least 1)."),
    },
}
# A board set is documented as a book set is, but for its product.
FIELD_DOCS["BoardSet"] = dict(FIELD_DOCS["BookSet"])


def describe(schema: dict[str, Any], cls: type) -> None:
    """Put the English descriptions of a record and its fields into its JSON Schema.

    Used as the records' ``json_schema_extra``; translation happens where the schema is
    printed.
    """
    name = cls.__name__
    if name in MODEL_DOCS:
        schema["description"] = MODEL_DOCS[name]
    fields = FIELD_DOCS.get(name, {})
    for key, prop in schema.get("properties", {}).items():
        if key in fields:
            prop["description"] = fields[key]


__all__ = ["FIELD_DOCS", "MODEL_DOCS", "describe"]
