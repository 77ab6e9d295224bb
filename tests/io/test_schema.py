"""``cultplan schema``: every record and field of the format is described, in the
reader's language."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from planner.i18n import translations, use_language
from planner.io import scenario_schema


def _objects(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The top level and each definition of a JSON Schema, by name."""
    yield "Scenario", schema
    yield from schema.get("$defs", {}).items()


def _descriptions(schema: dict[str, Any]) -> Iterator[tuple[str, str | None]]:
    """Each record's and each property's description (None when missing), by place."""
    for name, obj in _objects(schema):
        yield name, obj.get("description")
        for key, prop in obj.get("properties", {}).items():
            yield f"{name}.{key}", prop.get("description")


def test_every_field_of_every_record_is_described() -> None:
    """Walking the schema, every object and every property of every object has a
    description."""
    schema = json.loads(scenario_schema())
    places = list(_descriptions(schema))
    assert len(places) > 140  # 21 records and their fields
    missing = [place for place, text in places if not text]
    assert not missing, missing


def test_every_description_has_its_chinese_form() -> None:
    """Each English description is in the catalogue with a Chinese form, and the schema
    printed in Chinese gives that form (with Chinese text in it) at the same place."""
    english = {place: text or "" for place, text in _descriptions(json.loads(scenario_schema()))}
    zh = translations("zh_CN")
    untranslated = sorted(place for place, text in english.items() if zh.gettext(text) == text)
    assert not untranslated, untranslated
    with use_language("zh_CN"):
        chinese = dict(_descriptions(json.loads(scenario_schema())))
    assert chinese.keys() == english.keys()
    for place, text in chinese.items():
        assert text == zh.gettext(english[place]), place
        assert re.search(r"[\u4e00-\u9fff]", text or ""), (place, text)
