"""JSON object bodies of the routes that take parameters (a job's, a publish's), read by
the service itself the way a JSON scenario is read, so that every route taking JSON
answers a bad body the same:

- another ``Content-Type`` (or none): 415 ``unsupported_media_type`` naming it;
- bytes that are not UTF-8 (GBK, UTF-16 with its BOM, binary): 400 ``malformed``, the
  first bad byte in the library's words (:func:`planner.io.safe_yaml.decode`);
- a syntax error, or nesting deeper than the library's limit
  (:data:`planner.scenario.messages.MAX_DEPTH`, even past Python's recursion limit):
  400 ``malformed`` with one problem at place ``body``;
- a well-formed body of the wrong shape: 422 ``invalid_request`` listing every problem
  at once (:func:`api.errors.validation_problems`), the service's own bounds among
  them (``invalid_params`` when they are the only problems).

A route declares the body with :func:`body_schema` (its description) and reads it with
:func:`read_json_object` in a dependency.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from api.documents import JSON, JSON_TYPES, json_depth, media_type_of
from api.errors import NOT_JSON, SERVICE_LIMITS, ApiError, not_json, validation_problems
from planner.i18n import _
from planner.io.safe_yaml import decode
from planner.scenario import ScenarioError
from planner.scenario.messages import MAX_DEPTH, message

Model = TypeVar("Model", bound=BaseModel)


def body_schema(model: type[BaseModel], description: str) -> dict[str, Any]:
    """The ``openapi_extra`` of a route whose optional JSON body is ``model``."""
    return {
        "requestBody": {
            "required": False,
            "description": description,
            "content": {JSON: {"schema": model.model_json_schema()}},
        }
    }


def unsupported_json(media_type: str) -> ApiError:
    """The 415 of a parameters body of another content type (or none), naming it."""
    return ApiError(
        415,
        "unsupported_media_type",
        _("this body is sent as application/json, not {type}").format(
            type=media_type or _("(no Content-Type)")
        ),
    )


def too_deep() -> ApiError:
    """The 400 ``malformed`` of a JSON body nested deeper than the library's limit."""
    problem = {"place": "body", "line": None, "message": message("limit_depth", limit=MAX_DEPTH)}
    return ApiError(400, "malformed", _(NOT_JSON), [problem])


def invalid_request(errors: list[Any]) -> ApiError:
    """The 422 of a body of the wrong shape, every problem at once: ``invalid_params``
    when the only problems are the service's bounds (:data:`api.errors.SERVICE_LIMITS`),
    ``invalid_request`` otherwise."""
    problems = validation_problems([{**e, "loc": ("body", *e.get("loc", ()))} for e in errors])
    if all(e.get("type") in SERVICE_LIMITS for e in errors):
        text = _("the solve parameters are not valid: {n} problem(s)")
        return ApiError(422, "invalid_params", text.format(n=len(problems)), problems)
    text = _("the request is not valid: {n} problem(s)")
    return ApiError(422, "invalid_request", text.format(n=len(problems)), problems)


def json_document(raw: bytes, content_type: str) -> Any:
    """The JSON document of a body's bytes (see the module for what is refused).

    Raises
    ------
    ApiError
        415 for another content type; 400 ``malformed`` for bytes that are not UTF-8,
        a syntax error or nesting over the limit.
    """
    media_type = media_type_of(content_type)
    if media_type not in JSON_TYPES:
        raise unsupported_json(media_type)
    try:
        text = decode(raw, "body")
    except ScenarioError as exc:
        problem = exc.problems[0]
        raise not_json(problem.message, problem.line) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise not_json(exc.msg, exc.lineno) from None
    except RecursionError:  # nesting far beyond the limit
        raise too_deep() from None
    if json_depth(document) > MAX_DEPTH:
        raise too_deep()
    return document


async def read_json_object(
    request: Request, model: type[Model], context: dict[str, Any] | None = None
) -> Model | None:
    """The request's optional JSON body as ``model`` (``None`` for an empty body).

    Parameters
    ----------
    request
        The request.
    model
        The body's model.
    context
        The validation context of the model's validators (the service's settings).

    Raises
    ------
    ApiError
        As :func:`json_document`; 422 ``invalid_request`` with every problem of a body
        of the wrong shape.
    """
    raw = await request.body()
    if not raw:
        return None
    document = json_document(raw, request.headers.get("content-type", ""))
    try:
        return model.model_validate(document, context=context)
    except ValidationError as exc:
        raise invalid_request(list(exc.errors())) from None
