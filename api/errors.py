"""One error body for every failure, and the handlers that make it.

Every error answers ``{"error": code, "message": text, "problems": [...]}``: ``code`` an
English key (``not_found``, ``invalid_scenario``, ...), ``message`` a sentence in the
request's language, ``problems`` the located problems (``place``, ``line``,
``message``) when there are several, all at once. Bad input never escapes as a 500.
"""

from __future__ import annotations

import logging
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
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "error")
        return JSONResponse(error_body(code, str(exc.detail)), exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {
                "place": ".".join(str(p) for p in err.get("loc", ())),
                "line": None,
                "message": str(err.get("msg", "")),
            }
            for err in exc.errors()
        ]
        message = _("the request is not valid: {n} problem(s)").format(n=len(problems))
        return JSONResponse(error_body("invalid_request", message, problems), 422)

    @app.exception_handler(Exception)
    async def _bug(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return JSONResponse(error_body("internal", _("an unexpected error (a bug)")), 500)
