"""Field problems in the planner's words, with a guess at a misspelt key.

pydantic checks the fields of a scenario; its error texts are English and name Python
types. Each common error *type* has its own text in the message catalogue here
(:data:`FIELD_TEXTS`), so that a planner reads every field problem in the language of the
rest of the report; a rare type falls back to a text that still shows the value.

A key the format does not know gets the closest allowed key at that place (``did you mean
'committees'?``). When that key is not given there, the two are one mistake: only the
misspelt key is reported (not the missing key too), and the checks run as if the key were
spelt right, so that its records are still checked and nothing refers to them in vain.
"""

from __future__ import annotations

import copy
import difflib
import re
import types
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from planner.i18n import N_, _, ngettext
from planner.scenario.messages import message
from planner.scenario.model import Scenario
from planner.scenario.problems import Loc, Problem
from planner.scenario.salvage import value_at

#: The text of each common pydantic error type; ``{value}`` is the value as written,
#: ``{limit}`` a bound, ``{choices}`` the allowed values.
FIELD_TEXTS: dict[str, str] = {
    "int_parsing": N_("Input should be a whole number (got {value})"),
    "int_type": N_("Input should be a whole number (got {value})"),
    "int_from_float": N_("Input should be a whole number (got {value})"),
    "float_parsing": N_("Input should be a number (got {value})"),
    "float_type": N_("Input should be a number (got {value})"),
    "finite_number": N_("Input should be a finite number (got {value})"),
    "bool_parsing": N_("Input should be true or false (got {value})"),
    "bool_type": N_("Input should be true or false (got {value})"),
    "string_type": N_("Input should be text (got {value})"),
    "string_too_short": N_("Input should not be empty (got {value})"),
    "date_parsing": N_("Input should be a date written YYYY-MM-DD (got {value})"),
    "date_type": N_("Input should be a date written YYYY-MM-DD (got {value})"),
    "date_from_datetime_parsing": N_("Input should be a date written YYYY-MM-DD (got {value})"),
    "date_from_datetime_inexact": N_("Input should be a date without a time (got {value})"),
    "enum": N_("Input should be one of {choices} (got {value})"),
    "literal_error": N_("Input should be one of {choices} (got {value})"),
    "greater_than": N_("Input should be greater than {limit} (got {value})"),
    "greater_than_equal": N_("Input should be greater than or equal to {limit} (got {value})"),
    "less_than": N_("Input should be less than {limit} (got {value})"),
    "less_than_equal": N_("Input should be less than or equal to {limit} (got {value})"),
    "list_type": N_("Input should be a list (got {value})"),
    "dict_type": N_("Input should be a mapping of keys and values (got {value})"),
    "model_type": N_("Input should be a mapping of keys and values (got {value})"),
}
#: The bound each comparison error carries in its context.
_LIMITS = {"greater_than": "gt", "greater_than_equal": "ge", "less_than": "lt"}
_LIMITS["less_than_equal"] = "le"
#: Longest shown value: a whole record given where a number belongs stays readable.
_MAX_VALUE = 60


def field_message(error: Any) -> str:
    """Return the planner's text for one pydantic error (a dict of ``errors()``)."""
    kind = str(error["type"])
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return message("missing")
    if kind == "extra_forbidden":
        return message("extra")
    if kind == "value_error" and "error" in ctx:
        # The records' own checks (ids, the season's Monday) speak the catalogue already.
        return str(ctx["error"])
    value = _shown(error.get("input"))
    if kind in {"too_short", "too_long"}:
        n = int(ctx.get("min_length" if kind == "too_short" else "max_length", 0))
        if kind == "too_short":
            text = ngettext(
                "the list should have at least {n} item (got {value})",
                "the list should have at least {n} items (got {value})",
                n,
            )
        else:
            text = ngettext(
                "the list should have at most {n} item (got {value})",
                "the list should have at most {n} items (got {value})",
                n,
            )
        return text.format(n=n, value=value)
    template = FIELD_TEXTS.get(kind)
    if template is None:
        return _(
            "this value cannot be used here (got {value}); `cultplan schema` says what the "
            "field takes"
        ).format(value=value)
    limit = ctx.get(_LIMITS.get(kind, ""), "")
    if isinstance(limit, float) and limit.is_integer():
        limit = int(limit)
    choices = ", ".join(repr(c) for c in re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
    return _(template).format(value=value, limit=limit, choices=choices)


def _shown(value: Any) -> str:
    """A value as the file wrote it, shortened when long."""
    text = repr(value)
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


# -- misspelt keys ------------------------------------------------------------------------


def allowed_keys(loc: Loc) -> list[str]:
    """The keys the format allows in the mapping at ``loc`` (empty when not a record)."""
    model: Any = Scenario
    for part in loc:
        if isinstance(part, int):
            model = _item_of(model)
            continue
        fields = _model_of(model)
        if fields is None or part not in fields.model_fields:
            return []
        model = fields.model_fields[part].annotation
    fields = _model_of(model)
    return list(fields.model_fields) if fields is not None else []


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The record type an annotation holds directly (through ``Optional``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in {Union, types.UnionType, Annotated}:
        for arg in get_args(annotation):
            found = _model_of(arg)
            if found is not None:
                return found
    return None


def _item_of(annotation: Any) -> Any:
    """The item type of a list annotation (through ``Optional``)."""
    if get_origin(annotation) is list:
        return get_args(annotation)[0]
    for arg in get_args(annotation):
        if get_origin(arg) is list:
            return get_args(arg)[0]
    return None


def suggest(key: str, allowed: Sequence[str]) -> str | None:
    """The allowed key closest to a misspelt one, or None when none is close."""
    folded = {k.casefold(): k for k in allowed}
    if key.strip().casefold() in folded:
        return folded[key.strip().casefold()]
    close = difflib.get_close_matches(key.strip(), list(allowed), n=1, cutoff=0.6)
    return close[0] if close else None


@dataclass
class FieldCheck:
    """The field problems of scenario data, after misspelt keys are read as meant.

    Attributes
    ----------
    data
        The data with each misspelt key renamed to the key it stands for (a copy when
        any was renamed).
    scenario
        The scenario of ``data``, or None when its fields still fail.
    problems
        The field problems as the planner reads them, at the places of the file.
    errors
        The places (in ``data``) of the field problems, for the salvage.
    renamed
        Each renamed key: ``(place in data, the key as the file spells it)``.
    """

    data: dict[str, Any]
    scenario: Scenario | None = None
    problems: list[Problem] = field(default_factory=list)
    errors: list[Loc] = field(default_factory=list)
    renamed: dict[Loc, str] = field(default_factory=dict)

    def in_file(self, loc: Loc) -> Loc:
        """A place in :attr:`data` as the file spells it (misspelt keys restored)."""
        out = list(loc)
        for k in range(len(out), 0, -1):
            spelt = self.renamed.get(tuple(loc[:k]))
            if spelt is not None:
                out[k - 1] = spelt
        return tuple(out)


def check_fields(data: dict[str, Any]) -> FieldCheck:
    """Check the fields of scenario data; read misspelt keys as the keys they stand for.

    A key the format does not know, close to an allowed key that is not given beside it,
    is one problem (``did you mean``); the key is read as the right one and the fields
    checked again, so that the records under it are checked too.
    """
    check = FieldCheck(data)
    try:
        check.scenario = Scenario.model_validate(data)
        return check
    except ValidationError as exc:
        errors = exc.errors()
    notes: dict[Loc, Problem] = {}
    for e in errors:
        loc = tuple(e["loc"])
        if e["type"] != "extra_forbidden" or not loc or not isinstance(loc[-1], str):
            continue
        guess = suggest(loc[-1], allowed_keys(loc[:-1]))
        if guess is None:
            continue
        notes[loc] = Problem(loc, message("extra_did_you_mean", suggestion=guess))
        meant = (*loc[:-1], guess)
        parent = value_at(data, loc[:-1])
        if isinstance(parent, dict) and guess not in parent and meant not in check.renamed:
            check.renamed[meant] = loc[-1]
    if not check.renamed:
        # pydantic's order (the records' field order), a guess in place of "unknown field".
        check.errors = [tuple(e["loc"]) for e in errors]
        check.problems = [
            notes.get(loc) or Problem(loc, field_message(e))
            for loc, e in zip(check.errors, errors, strict=True)
        ]
        return check
    check.data = _renamed(data, check.renamed)
    try:
        check.scenario = Scenario.model_validate(check.data)
        errors = []
    except ValidationError as exc:
        errors = exc.errors()
    check.errors = [tuple(e["loc"]) for e in errors]
    found = [
        Problem(check.in_file(loc), field_message(e))
        for loc, e in zip(check.errors, errors, strict=True)
    ]
    found = [p for p in found if p.loc not in notes]
    check.problems = sorted([*notes.values(), *found], key=lambda p: _order(data, p.loc))
    return check


def _order(data: Any, loc: Loc) -> tuple[int, ...]:
    """The position of a place in the file's order of keys (for sorting without lines)."""
    out: list[int] = []
    for part in loc:
        if isinstance(data, dict) and part in data:
            out.append(list(data).index(part))
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            out.append(part)
            data = data[part]
        else:
            out.append(len(data) if isinstance(data, dict | list) else 0)
            break
    return tuple(out)


def _renamed(data: dict[str, Any], renamed: dict[Loc, str]) -> dict[str, Any]:
    """A copy of ``data`` with each misspelt key moved to the key it stands for."""
    data = copy.deepcopy(data)
    for meant, spelt in renamed.items():
        node: Any = data
        for part in meant[:-1]:
            node = node[part]
        node[meant[-1]] = node.pop(spelt)
    return data


__all__ = ["FIELD_TEXTS", "FieldCheck", "allowed_keys", "check_fields", "field_message", "suggest"]
