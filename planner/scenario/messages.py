"""The texts of input problems: what a planner reads when a file cannot be used.

Every message that reading a scenario file gives (unreadable bytes, hostile or malformed
YAML, unsafe ids, duplicated ids, references to nothing, weeks outside the season, pins
that name nothing plannable, an unreachable road network, an output path that is taken)
is a template here, marked for the message catalogue (:mod:`planner.i18n`) and filled
with ``str.format`` after translation. This module imports nothing from the project but
:mod:`planner.i18n`: the records, the checks, the YAML reader, the network and the
command line all use it.
"""

from __future__ import annotations

import errno

from planner.i18n import N_, _

#: Limits of what a scenario file may hold (see :data:`MESSAGES` ``limit_*``). The
#: largest tier (city, about 6,000 committees) writes about 10 MB and 1.1 million YAML
#: nodes and nests 6 levels deep, so these leave room for real files while refusing,
#: within a second, files built to exhaust memory or time.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: The most YAML nodes (mappings, lists, keys and values) after aliases are expanded.
MAX_NODES = 4_000_000
#: The deepest nesting of mappings and lists.
MAX_DEPTH = 32

#: Ids of grids, places, committees, resources and fixtures: letters (any script),
#: digits, ``_``, ``-`` and ``.``, starting and ending with a letter, digit or ``_``,
#: without ``..``, at most 64 characters. Committee ids name calendar files
#: (``<id>-<name>.csv``), so nothing that a file system reads as a path, a hidden
#: file or a control character may be part of one.
ID_PATTERN = r"^(?!.*\.\.)\w(?:[\w.-]{0,62}\w)?$"

#: The days of the week, Monday first (as :meth:`datetime.date.weekday` counts).
WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)

MESSAGES: dict[str, str] = {
    # -- reading the bytes ------------------------------------------------------------
    "unreadable": N_("cannot read file: {reason}"),
    "not_a_file": N_("not a file"),
    "limit_file_size": N_("the file has {size:,} bytes, more than the limit of {limit:,} bytes"),
    "empty": N_("the file is empty"),
    "utf16": N_(
        "the file is {encoding} (it starts with a {encoding} byte-order mark); save it as UTF-8"
    ),
    "not_utf8": N_(
        "not UTF-8: byte 0x{byte:02x} at offset {offset} (column {column}); save the file as UTF-8"
    ),
    "not_utf8_gbk": N_(
        "not UTF-8: byte 0x{byte:02x} at offset {offset} (column {column}), the file reads "
        "as GBK/GB18030; save the file as UTF-8"
    ),
    # -- YAML -------------------------------------------------------------------------
    "malformed": N_("malformed YAML: {problem}"),
    "control_character": N_("a control character (U+{code:04X}) is not allowed in YAML; remove it"),
    "tab_on_line": N_(
        "a tab character on line {line}; YAML indents with spaces, not tabs: replace it with spaces"
    ),
    "fullwidth_colon": N_(
        "full-width colon '：' after {key!r}; write an ASCII colon and a space ('{key}: ')"
    ),
    "with_hint": N_("{problem}; {hint}"),
    "duplicate_key": N_(
        "duplicated key {key!r} (first on line {first}); the second one "
        "would silently replace the first"
    ),
    "bad_value": N_("the value {value!r} cannot be read: {reason}"),
    "limit_depth": N_("nesting deeper than the limit of {limit} levels"),
    "limit_nodes": N_("more than the limit of {limit:,} YAML nodes once aliases are expanded"),
    "recursive_alias": N_("an alias refers to a list or mapping that contains it"),
    "not_a_mapping": N_("expected a mapping at the top, found {found}"),
    # -- fields -----------------------------------------------------------------------
    "missing": N_("required field is missing"),
    "extra": N_("unknown field"),
    "extra_did_you_mean": N_("unknown field; did you mean {suggestion!r}?"),
    "bad_id": N_(
        "id {ident!r} is not allowed: ids use letters, digits, '_', '-' and '.', "
        "start and end with a letter, digit or '_', have no '..' and at most 64 characters"
    ),
    # -- references, ids and weeks -----------------------------------------------------
    "unknown_committee": N_("unknown committee {ident!r}"),
    "unknown_grid": N_("unknown grid {ident!r}"),
    "unknown_place": N_("unknown place {ident!r}"),
    "unknown_resource": N_("unknown resource {ident!r}"),
    "unknown_demand_line": N_("unknown demand line {ident!r}"),
    "unknown_subdistrict": N_("unknown subdistrict {ident!r}"),
    "not_monday": N_("season must start on a Monday, {date} is a {weekday}"),
    "unknown_did_you_mean": N_("{problem}; did you mean {suggestion!r}?"),
    "unknown_timezone": N_("unknown time zone {zone!r}"),
    "duplicated_id": N_("duplicated id {ident!r} (first at {first})"),
    "duplicated_place": N_("duplicated place id {ident!r}"),
    "duplicated_demand_id": N_("duplicated demand id {ident!r}"),
    "duplicated_subdistrict_name": N_("duplicated subdistrict name {name!r} (first at {first})"),
    "grid_without_subdistrict": N_(
        "the grid names no subdistrict; when the scenario lists its subdistricts, every grid "
        "belongs to one of them"
    ),
    "subdistrict_without_grids": N_("no grid belongs to subdistrict {name!r}"),
    "committee_is_place": N_("id {ident!r} is also a place id"),
    "shared_resource_id": N_("id {ident!r} is used by another kind of resource"),
    "copy_name_clash": N_("id {ident!r} clashes with the name of a copy of another set"),
    "comma_in_name": N_(
        "{item!r} reads as one item; separate the items of a list with an ASCII comma and "
        "a space (', '), not '{char}'"
    ),
    "outside_season": N_("week {week} is outside the season (1..{weeks})"),
    "stay_too_long": N_("stay of {length} weeks is longer than the season ({weeks})"),
    "course_too_long": N_("course of {length} weeks is longer than the season ({weeks})"),
    "pin_product": N_("resource {resource!r} delivers {delivers}, not {product}"),
    "pin_past_season": N_(
        "a {length}-week delivery from week {week} runs past the season ({weeks} weeks)"
    ),
    "pin_demand_line": N_(
        "demand line {line!r} is for {line_committee} {line_product}, not {committee} {product}"
    ),
    "reach_committee": N_("committee {ident!r} ({name})"),
    "reach_subcentre": N_("the sub-centre {ident!r} of grid {grid!r}"),
    "reach_depot": N_("the van's depot {ident!r}"),
    "reach_lecturer_home": N_("the home {ident!r} of lecturer {lecturer!r}"),
    "unreachable": N_("{what} cannot be reached from the centre {centre!r} by the network's roads"),
    # -- the command line -------------------------------------------------------------
    "init_exists": N_("{path}: the file exists; add --force to write over it"),
    "init_wrote": N_("wrote {path}: a starter scenario; check it with: cultplan validate {path}"),
}


def message(name: str, /, **values: object) -> str:
    """Return the message ``name`` of :data:`MESSAGES` in the current language, filled
    with ``values``."""
    return _(MESSAGES[name]).format(**values)


#: Our own words for the operating system's commonest reasons a file cannot be read
#: (its own text, ``strerror``, is English whatever the language), by ``errno``.
OS_ERRORS: dict[int, str] = {
    errno.ENOENT: N_("no such file"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("permission denied"),
    errno.EISDIR: N_("it is a folder, not a file"),
}


def os_error_text(exc: OSError) -> str:
    """Why a file could not be read, in the current language for the common reasons
    (:data:`OS_ERRORS`); the system's own text otherwise."""
    if exc.errno in OS_ERRORS:
        return _(OS_ERRORS[exc.errno])
    return exc.strerror or str(exc)
