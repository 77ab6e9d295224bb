"""Checks for the Chinese texts: a text is Chinese, names its ids, keeps no English word.

The suite runs in English (``tests/conftest.py``); the tests of the Chinese default ask
for it with ``planner.i18n.use_language("zh_CN")`` and check each text with
:func:`assert_chinese`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

#: Scenario field names that a text may quote as they are.
FIELDS = (
    "max_events_per_week",
    "moves_per_week",
    "unavailable_weeks",
    "available_weeks",
    "closed_weeks",
    "shelf_slots",
    "board_slots",
    "max_shows",
    "season.rotation_cycle",
    "pins",
)

CJK = re.compile(r"[\u4e00-\u9fff]")
_QUOTED = re.compile(r"'[^']*'")
_ID = re.compile(r"\b[A-Z]+\d[\w/-]*")


def english_words(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The words of ``text`` written in Latin letters, once quoted values, ids, field
    names and the ``allowed`` values are taken out."""
    for value in sorted((*allowed, *FIELDS), key=len, reverse=True):
        text = text.replace(value, " ")
    text = _ID.sub(" ", _QUOTED.sub(" ", text))
    return re.findall(r"[A-Za-z]{2,}", text)


def assert_chinese(text: str, names: Iterable[str] = (), allowed: Iterable[str] = ()) -> None:
    """``text`` is Chinese, names each of ``names`` and has no English word left."""
    assert CJK.search(text), text
    for name in names:
        assert name in text, (name, text)
    assert english_words(text, allowed) == [], text


def setting(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """An edit setting ``data[a][i][b]…`` (dotted, with list indexes) to ``value``."""

    def edit(data: dict[str, Any]) -> None:
        *head, last = path.split(".")
        node: Any = data
        for key in head:
            node = node[int(key)] if key.isdigit() else node[key]
        node[last] = value

    return edit
