"""The texts of input problems: what a planner reads when a file cannot be used.

Every message that reading a scenario file gives (unreadable bytes, hostile or malformed
YAML, unsafe ids, duplicated ids, references to nothing, weeks outside the season, pins
that name nothing plannable, an unreachable road network, an output path that is taken)
is a template here, filled with ``str.format``, so that the later
translation finds them in one place. This module imports nothing from the project: the
records, the checks, the YAML reader, the network and the command line all use it.
"""

from __future__ import annotations

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

MESSAGES: dict[str, str] = {
    # -- reading the bytes ------------------------------------------------------------
    "unreadable": "cannot read file: {reason}",
    "not_a_file": "not a file",
    "limit_file_size": "the file has {size:,} bytes, more than the limit of {limit:,} bytes",
    "empty": "the file is empty",
    "utf16": "the file is {encoding} (it starts with a {encoding} byte-order mark); "
    "save it as UTF-8",
    "not_utf8": "not UTF-8: byte 0x{byte:02x} at offset {offset} (column {column}){hint}; "
    "save the file as UTF-8",
    "gbk_hint": ", the file reads as GBK/GB18030",
    # -- YAML -------------------------------------------------------------------------
    "malformed": "malformed YAML: {problem}",
    "control_character": "a control character (U+{code:04X}) is not allowed in YAML; remove it",
    "tab": "a tab character where YAML expects spaces; indent with spaces, not tabs",
    "fullwidth_colon": "full-width colon '：' after {key!r}; write an ASCII colon and a "
    "space ('{key}: ')",
    "duplicate_key": "duplicated key {key!r} (first on line {first}); the second one "
    "would silently replace the first",
    "bad_value": "the value {value!r} cannot be read: {reason}",
    "limit_depth": "nesting deeper than the limit of {limit} levels",
    "limit_nodes": "more than the limit of {limit:,} YAML nodes once aliases are expanded",
    "recursive_alias": "an alias refers to a list or mapping that contains it",
    "not_a_mapping": "expected a mapping at the top, found {found}",
    # -- fields -----------------------------------------------------------------------
    "missing": "required field is missing",
    "extra": "unknown field",
    "bad_id": "id {ident!r} is not allowed: ids use letters, digits, '_', '-' and '.', "
    "start and end with a letter, digit or '_', have no '..' and at most 64 characters",
    # -- references, ids and weeks -----------------------------------------------------
    "unknown": "unknown {noun} {ident!r}",
    "unknown_timezone": "unknown time zone {zone!r}",
    "duplicated_id": "duplicated id {ident!r} (first at {first})",
    "duplicated_place": "duplicated place id {ident!r}",
    "duplicated_demand_id": "duplicated demand id {ident!r}",
    "committee_is_place": "id {ident!r} is also a place id",
    "shared_resource_id": "id {ident!r} is used by another kind of resource",
    "copy_name_clash": "id {ident!r} clashes with the name of a copy of another set",
    "outside_season": "week {week} is outside the season (1..{weeks})",
    "stay_too_long": "stay of {length} weeks is longer than the season ({weeks})",
    "course_too_long": "course of {length} weeks is longer than the season ({weeks})",
    "pin_product": "resource {resource!r} delivers {delivers}, not {product}",
    "pin_past_season": "a {length}-week delivery from week {week} runs past the season "
    "({weeks} weeks)",
    "pin_demand_line": "demand line {line!r} is for {line_committee} {line_product}, not "
    "{committee} {product}",
    "reach_committee": "committee {ident!r} ({name})",
    "reach_subcentre": "the sub-centre {ident!r} of grid {grid!r}",
    "reach_depot": "the van's depot {ident!r}",
    "reach_lecturer_home": "the home {ident!r} of lecturer {lecturer!r}",
    "unreachable": "{what} cannot be reached from the centre {centre!r} by the network's roads",
    # -- the command line -------------------------------------------------------------
    "out_exists": "--out {path}: exists and is not a folder",
    "out_file_exists": "--out {path}: the file exists; remove it or choose another name",
    "out_no_folder": "--out {path}: the folder {folder} does not exist",
    "out_under_file": "--out {path}: {file} is a file, so no folder can be made under it",
}


def message(name: str, /, **values: object) -> str:
    """Return the message ``name`` of :data:`MESSAGES` filled with ``values``."""
    return MESSAGES[name].format(**values)
