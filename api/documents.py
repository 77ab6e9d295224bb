"""Scenario documents as the API receives them: YAML or JSON bodies, or an uploaded file,
read through :mod:`planner.io` so that every problem comes located, all at once.

Malformed input (not UTF-8, a YAML or JSON syntax error, nesting or aliases over the
library's limits, not a mapping) answers 400 with the library's located message; a
well-formed scenario with problems 422; a body of another content type 415.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from api.errors import ApiError, not_json, problem_dicts
from planner.i18n import _
from planner.io import parse_scenario, scenario_from_dict
from planner.io.safe_yaml import decode, load
from planner.scenario import Problem, Scenario, ScenarioError
from planner.scenario.messages import MAX_DEPTH, message

#: The name of a scenario sent in a request, in located messages.
SOURCE = "<scenario>"

YAML = "application/yaml"
JSON = "application/json"

#: Content types read as YAML, and as JSON.
YAML_TYPES = frozenset(
    {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain"}
)
JSON_TYPES = frozenset({"application/json"})

#: The request body of the routes that take a scenario, for the API's description.
SCENARIO_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The scenario as YAML or JSON, or a multipart upload (field `file`).",
        "content": {
            YAML: {"schema": {"type": "string"}},
            JSON: {"schema": {"type": "object"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


def media_type_of(content_type: str) -> str:
    """The bare media type of a ``Content-Type`` header (lower case, no parameters)."""
    return content_type.split(";", 1)[0].strip().lower()


def _kind(media_type: str, filename: str = "") -> str | None:
    if media_type in JSON_TYPES or filename.lower().endswith(".json"):
        return JSON
    if media_type in YAML_TYPES or filename.lower().endswith((".yaml", ".yml")):
        return YAML
    return None


def unsupported(media_type: str) -> ApiError:
    """The 415 of a body of another content type."""
    return ApiError(
        415,
        "unsupported_media_type",
        _(
            "a scenario is sent as application/yaml, application/json or "
            "multipart/form-data (field 'file'), not {type}"
        ).format(type=media_type or "(none)"),
    )


async def read_document(request: Request) -> tuple[str, str]:
    """Return the scenario text of a request and its kind (:data:`YAML` or :data:`JSON`).

    Raises
    ------
    ApiError
        415 for another content type, 400 for a body that is not UTF-8 or an upload
        without its ``file`` field.
    """
    media_type = media_type_of(request.headers.get("content-type", ""))
    if media_type == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ApiError(400, "bad_request", _("the upload has no field 'file'"))
        raw = await upload.read()
        kind = _kind(media_type_of(upload.content_type or ""), upload.filename or "")
        if kind is None:
            raise unsupported(upload.content_type or "")
    else:
        kind = _kind(media_type)
        if kind is None:
            raise unsupported(media_type)
        raw = await request.body()
    try:
        text = decode(raw, SOURCE)
    except ScenarioError as exc:
        # the library's located message: the line of the first bad byte, and whether
        # the text reads as GBK/GB18030 or is UTF-16
        raise ApiError(400, "malformed", exc.report(), problem_dicts(exc.problems)) from None
    return text, kind


def _not_a_mapping(document: Any, source: str) -> ApiError:
    """The 400 of a document that is not a mapping, in the library's words."""
    found = type(document).__name__
    error = ScenarioError(source, [Problem((), message("not_a_mapping", found=found))])
    return ApiError(400, "malformed", error.report(), problem_dicts(error.problems))


def json_depth(document: Any) -> int:
    """How deeply lists and objects nest in a JSON document (a scalar is 0), counted
    without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            children = list(value.values())
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


def _too_deep(source: str) -> ApiError:
    """The 400 of a JSON document nested deeper than the library's YAML limit."""
    error = ScenarioError(source, [Problem((), message("limit_depth", limit=MAX_DEPTH))])
    return ApiError(400, "malformed", error.report(), problem_dicts(error.problems))


def parse(text: str, kind: str, source: str = SOURCE) -> Scenario:
    """Read scenario text of a kind through :mod:`planner.io`.

    Raises
    ------
    ApiError
        400 ``malformed`` for a syntax error or a document that is not a mapping; 422
        ``invalid_scenario`` with every located problem otherwise.
    """
    if kind == JSON:
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise not_json(exc.msg, exc.lineno) from None
        except RecursionError:  # nesting far beyond the limit
            raise _too_deep(source) from None
        if not isinstance(document, dict):
            raise _not_a_mapping(document, source)
        if json_depth(document) > MAX_DEPTH:
            raise _too_deep(source)
        try:
            return scenario_from_dict(document, source)
        except ScenarioError as exc:
            raise ApiError(
                422, "invalid_scenario", exc.report(), problem_dicts(exc.problems)
            ) from None
    try:
        document, _node, _duplicates = load(text, source)
    except ScenarioError as exc:
        raise ApiError(400, "malformed", exc.report(), problem_dicts(exc.problems)) from None
    if not isinstance(document, dict):
        raise _not_a_mapping(document, source)
    try:
        return parse_scenario(text, source)
    except ScenarioError as exc:
        raise ApiError(422, "invalid_scenario", exc.report(), problem_dicts(exc.problems)) from None


class ScenarioCache:
    """Scenarios read from stored texts, kept by the text's SHA-256 (a few, newest kept):
    reading the reference scenario takes a while, and a stored text never changes."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._items: OrderedDict[str, Scenario] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, digest: str, text: str, kind: str, source: str) -> Scenario:
        """The scenario of a stored text (read once)."""
        with self._lock:
            if digest in self._items:
                self._items.move_to_end(digest)
                return self._items[digest]
        scenario = parse(text, kind, source)
        with self._lock:
            self._items[digest] = scenario
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return scenario
