"""One error body for every failure, and the handlers that make it.

Every error answers ``{"error": code, "message": text, "problems": [...]}``: ``code`` an
English key (``not_found``, ``invalid_scenario``, ...), ``message`` a sentence in the
request's language, ``problems`` the located problems (``place``, ``line``,
``message``) when there are several, all at once. Bad input never escapes as a 500.
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
    "json_invalid": N_("the body is not valid JSON: {error}"),
    "json_type": N_("the body is not valid JSON: {error}"),
    "dict_type": N_("must be a JSON object"),
    "model_type": N_("must be a JSON object"),
    "model_attributes_type": N_("must be a JSON object"),
    "list_type": N_("must be a list"),
}


def validation_place(loc: Sequence[int | str], kind: str = "") -> str:
    """Where a validation problem is, as planners write places: ``time_limit``,
    ``items[2].name``, the same for a field of the body and a parameter of the query or
    the path; the request part (``body``, ``query``, ...) is left out unless it is the
    whole place (a missing or malformed body, of ``kind`` ``json_invalid``: ``body``)."""
    parts = list(loc)
    if kind == "json_invalid" and parts:
        return str(parts[0])
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
            "place": validation_place(error.get("loc", ()), str(error.get("type", ""))),
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
        code = _HTTP_CODES.get(exc.status_code, "error")
        message = str(exc.detail)
        text = _HTTP_TEXTS.get(exc.status_code)
        if text is not None and message == http.HTTPStatus(exc.status_code).phrase:
            message = _(text).format(method=request.method)
        return JSONResponse(error_body(code, message), exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = validation_problems(exc.errors())
        message = _("the request is not valid: {n} problem(s)").format(n=len(problems))
        return JSONResponse(error_body("invalid_request", message, problems), 422)

    @app.exception_handler(Exception)
    async def _bug(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return JSONResponse(error_body("internal", _("an unexpected error (a bug)")), 500)
