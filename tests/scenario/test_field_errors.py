"""Field problems in the planner's words: pydantic's error types mapped to the
catalogue, and the guess at a misspelt key."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import ValidationError

from planner.i18n import use_language
from planner.scenario import Scenario
from planner.scenario.field_errors import FIELD_TEXTS, allowed_keys, field_message, suggest


def _errors(tiny_data: dict[str, Any]) -> list[Any]:
    """pydantic's errors for a tiny scenario with one bad value of every common kind."""
    data = dict(tiny_data)
    data["name"] = 5
    data["season"] = {"start": "March", "weeks": "four", "rotation_cycle": "maybe"}
    data["committees"] = [
        {**tiny_data["committees"][0], "population": 1.5, "kind": "club", "venue": "big"},
        {**tiny_data["committees"][1], "location": {"lat": "north", "lon": 200}},
    ]
    data["grids"] = []
    data["demand"] = [{"committee": "C1", "product": "books", "count": 0, "priority": 0}]
    data["resources"] = {"troupes": {"T1": 1}}
    with pytest.raises(ValidationError) as caught:
        Scenario.model_validate(data)
    return caught.value.errors()


def test_common_error_types_have_their_own_texts(tiny_data: dict[str, Any]) -> None:
    """Every error type of a file with one bad value of each kind has its catalogue text,
    and in Chinese no word of pydantic's English is left."""
    errors = _errors(tiny_data)
    kinds = {e["type"] for e in errors}
    assert kinds - {"too_short"} <= set(FIELD_TEXTS), kinds - set(FIELD_TEXTS)
    assert len(kinds) >= 10
    with use_language("zh_CN"):
        texts = [field_message(e) for e in errors]
    for text in texts:
        assert not re.search(r"\b(Input|should|valid|List|Field)\b", text), text
    assert "应为 'book_set', 'exhibition', 'performance', 'lecture', 'fitness_course' 之一" in (
        " ".join(texts)
    )


def test_a_rare_error_type_still_shows_the_value() -> None:
    """An error type without a text of its own falls back to one that shows the value."""
    error = {"type": "url_parsing", "loc": ("x",), "msg": "bad", "input": "ftp:/x", "ctx": {}}
    assert "(got 'ftp:/x')" in field_message(error)


def test_allowed_keys_follow_the_records() -> None:
    """The keys allowed at a place are those of the record found there, through lists."""
    assert "committees" in allowed_keys(())
    assert "home_grid" in allowed_keys(("resources", "troupes", 0))
    assert "lat" in allowed_keys(("committees", 3, "location"))
    assert allowed_keys(("committees", 0, "closed_weeks")) == []
    assert allowed_keys(("nowhere",)) == []


@pytest.mark.parametrize(
    ("key", "place", "meant"),
    [
        ("commitees", (), "committees"),
        ("Committees", (), "committees"),
        ("gird", ("committees", 0), "grid"),
        ("shows_per_wek", ("resources", "troupes", 0), "shows_per_week"),
        ("colour", ("season",), None),
    ],
)
def test_a_misspelt_key_gets_the_closest_allowed_key(
    key: str, place: tuple[str | int, ...], meant: str | None
) -> None:
    """The guess is the closest key allowed at that place, or none when none is close."""
    assert suggest(key, allowed_keys(place)) == meant
