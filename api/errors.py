"""One error body for every failure, and the handlers that make it.

Every error answers ``{"error": code, "message": text, "problems": [...]}``: ``code`` an
English key (``not_found``, ``invalid_scenario``, ...), ``message`` a sentence in the
request's language, ``problems`` the located problems (``place``, ``line``,
``message``) when there are several, all at once. Bad input never escapes as a 500.
A body that is not JSON is 400 ``malformed`` on every route that takes JSON
(:func:`not_json`), whether the route reads its body itself or FastAPI does.
"""

from __future__ import annotations

import http
import logging
import re
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from planner.i18n import N_, _
from planner.io.safe_yaml import decode
from planner.scenario import Problem, ScenarioError

log = logging.getLogger("cultplan.api")


class ApiError(Exception):
    """An error the API answers with :func:`error_body`.

    Parameters
    ----------
    status
        The HTTP status.
    code
        The English error key.
    message
        The sentence shown to people (already in the request's language).
    problems
        Located problems, if any.
    headers
        Extra response headers (``WWW-Authenticate``, ...).
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        problems: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.problems = problems or []
        self.headers = headers


def error_body(code: str, message: str, problems: list[dict[str, Any]] | None = None) -> dict:
    """Return the error body."""
    return {"error": code, "message": message, "problems": problems or []}


def problem_dicts(problems: list[Problem]) -> list[dict[str, Any]]:
    """The located problems of the library as JSON objects (``place``, ``line``, ``message``)."""
    return [{"place": p.place, "line": p.line, "message": p.message} for p in problems]


#: The nouns of :func:`not_found`, translated where shown.
NOUNS = {
    "scenario": N_("scenario"),
    "revision": N_("revision"),
    "plan": N_("plan"),
    "version": N_("version"),
    "calendar": N_("calendar"),
    "job": N_("job"),
}


def not_found(what: str, ident: object) -> ApiError:
    """A 404 for an unknown id (``what``: ``scenario``, ``revision``, ``plan``,
    ``version``, ``calendar``, ``job``)."""
    noun = _(NOUNS.get(what, what))
    return ApiError(404, "not_found", _("no {what} {id}").format(what=noun, id=ident))


#: The sentence of a body that is not JSON, and of its one problem (with the reason).
NOT_JSON = N_("the JSON is not well-formed")
NOT_JSON_PROBLEM = N_("the body is not valid JSON: {error}")


def not_json(reason: str, line: int | None) -> ApiError:
    """The 400 ``malformed`` of a body that is not JSON, the same on every route that
    takes JSON: one problem at place ``body``, on the body's ``line`` (when known),
    saying why (the parser's reason, or the bytes that are not UTF-8)."""
    problem = {
        "place": "body",
        "line": line,
        "message": _(NOT_JSON_PROBLEM).format(error=reason),
    }
    return ApiError(400, "malformed", _(NOT_JSON), [problem])


def _json_line(body: object, position: object) -> int | None:
    """The line of a position in a JSON text (None when either is not at hand)."""
    if isinstance(body, str) and isinstance(position, int):
        return body.count("\n", 0, position) + 1
    return None


def _undecodable(error: UnicodeDecodeError) -> ApiError:
    """The 400 of a JSON body whose bytes are not UTF-8 text, in the library's words
    (the line of the first bad byte, and whether it reads as GBK or is UTF-16)."""
    raw = error.object if isinstance(error.object, bytes) else bytes(error.object)
    try:
        decode(raw, "body")
    except ScenarioError as exc:
        problem = exc.problems[0]
        return not_json(problem.message, problem.line)
    return not_json(str(error), None)  # UTF-8 after all: JSON took it for UTF-16 or -32


def scenario_error(exc: ScenarioError, status: int = 422) -> ApiError:
    """An invalid scenario: every located problem of the library at once."""
    return ApiError(status, "invalid_scenario", exc.report(), problem_dicts(exc.problems))


#: The error keys of the HTTP statuses Starlette raises itself.
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
}


#: The sentences of the HTTP statuses Starlette answers itself (an unknown path, a method
#: a path does not take), translated where shown.
_HTTP_TEXTS = {
    404: N_("there is nothing at this address"),
    405: N_("this address does not take the method {method}"),
}

#: The request parts a validation error's place starts with (left out of the place).
_REQUEST_PARTS = frozenset({"body", "query", "path", "header", "cookie"})

#: A validation problem's sentence by pydantic's error type, with the error's ``ctx``
#: values as placeholders; a type not listed keeps pydantic's English sentence.
VALIDATION_TEXTS = {
    "missing": N_("this value is required"),
    "extra_forbidden": N_("there is no such field"),
    "greater_than": N_("must be greater than {gt}"),
    "greater_than_equal": N_("must be at least {ge}"),
    "less_than": N_("must be less than {lt}"),
    "less_than_equal": N_("must be at most {le}"),
    "int_parsing": N_("must be a whole number"),
    "int_type": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "float_parsing": N_("must be a number"),
    "float_type": N_("must be a number"),
    "finite_number": N_("must be a finite number"),
    "bool_parsing": N_("must be true or false"),
    "bool_type": N_("must be true or false"),
    "string_type": N_("must be a text"),
    "string_too_short": N_("must be at least {min_length} characters long"),
    "string_too_long": N_("must be at most {max_length} characters long"),
    "enum": N_("must be one of {expected}"),
    "literal_error": N_("must be one of {expected}"),
    "json_type": NOT_JSON_PROBLEM,
    "dict_type": N_("must be a JSON object"),
    "model_type": N_("must be a JSON object"),
    "model_attributes_type": N_("must be a JSON object"),
    "list_type": N_("must be a list"),
    "service_time_limit": N_("at most {limit} s on this service, not {value}"),
    "service_limit": N_("at most {limit} on this service, not {value}"),
}

#: The validation types of the service's own bounds (its settings): a body whose only
#: problems are these answers 422 ``invalid_params`` rather than ``invalid_request``.
SERVICE_LIMITS = frozenset({"service_time_limit", "service_limit"})


def validation_place(loc: Sequence[int | str]) -> str:
    """Where a validation problem is, as planners write places: ``time_limit``,
    ``items[2].name``, the same for a field of the body and a parameter of the query or
    the path; the request part (``body``, ``query``, ...) is left out unless it is the
    whole place (a body that is not an object: ``body``)."""
    parts = list(loc)
    if len(parts) > 1 and parts[0] in ("query", "path", "header", "cookie"):
        return str(parts[1])  # a parameter's name, also for one of a repeated parameter
    if len(parts) > 1 and parts[0] in _REQUEST_PARTS:
        parts = parts[1:]
    place = ""
    for part in parts:
        if isinstance(part, int):
            place += f"[{part}]"
        else:
            place += f".{part}" if place else str(part)
    return place


def _ctx_value(value: object) -> str:
    """A bound or an expected value as people write it (``0``, not ``0.0``)."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def validation_message(error: dict[str, Any]) -> str:
    """A validation problem's sentence in the current language: the catalogue's text of
    its pydantic type with the error's ``ctx`` values, pydantic's English ``msg`` for a
    type without one (or a text whose values are missing)."""
    text = VALIDATION_TEXTS.get(str(error.get("type", "")))
    if text is None:
        return str(error.get("msg", ""))
    ctx = {key: _ctx_value(value) for key, value in (error.get("ctx") or {}).items()}
    if "expected" in ctx:  # pydantic's "'a', 'b' or 'c'": the values, without its English
        ctx["expected"] = ", ".join(re.findall(r"'[^']*'", ctx["expected"])) or ctx["expected"]
    try:
        return _(text).format(**ctx)
    except (KeyError, IndexError, ValueError):
        return str(error.get("msg", ""))


def validation_problems(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Pydantic's errors as located problems (``place``, ``line``, ``message``), all of
    them, in the current language."""
    return [
        {
            "place": validation_place(error.get("loc", ())),
            "line": None,
            "message": validation_message(error),
        }
        for error in errors
    ]


def install(app: FastAPI) -> None:
    """Add the exception handlers to ``app``."""

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(
            error_body(exc.code, exc.message, exc.problems), exc.status, headers=exc.headers
        )

    @app.exception_handler(ScenarioError)
    async def _scenario(_request: Request, exc: ScenarioError) -> JSONResponse:
        err = scenario_error(exc)
        return JSONResponse(error_body(err.code, err.message, err.problems), err.status)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
            # FastAPI's "There was an error parsing the body": a JSON body not UTF-8
            return await _api_error(request, _undecodable(exc.__cause__))
        code = _HTTP_CODES.get(exc.status_code, "error")
        message = str(exc.detail)
        text = _HTTP_TEXTS.get(exc.status_code)
        if text is not None and message == http.HTTPStatus(exc.status_code).phrase:
            message = _(text).format(method=request.method)
        return JSONResponse(error_body(code, message), exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        syntax = [e for e in exc.errors() if e.get("type") == "json_invalid"]
        if syntax:  # not JSON: 400, as on the routes that read their body themselves
            loc = list(syntax[0].get("loc") or [])
            line = _json_line(exc.body, loc[1] if len(loc) > 1 else None)
            reason = str((syntax[0].get("ctx") or {}).get("error", ""))
            return await _api_error(request, not_json(reason, line))
        problems = validation_problems(exc.errors())
        message = _("the request is not valid: {n} problem(s)").format(n=len(problems))
        return JSONResponse(error_body("invalid_request", message, problems), 422)

    @app.exception_handler(Exception)
    async def _bug(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return JSONResponse(error_body("internal", _("an unexpected error (a bug)")), 500)
