"""Who is asking: tokens, roles and the FastAPI dependencies that guard each route.

A request carries its token as ``Authorization: Bearer <secret>``; a committee's
calendar (``/committees/{id}/calendar.ics|.json|.html``) also as ``?token=<secret>``,
since a subscription URL cannot carry a header. No other route reads ``?token=``, so
that secrets stay out of URLs that logs and browsers keep (and the access log masks the
calendars' ones: :mod:`api.logs`). Roles:

- ``planner`` writes and reads everything;
- ``analyst`` reads everything;
- ``committee`` reads only its own committee's calendar and deliveries.

A missing or wrong token answers 401; a read token on a write endpoint 403; a committee
token asking for anything outside its own committee's data 404, so that it learns
nothing of what exists.

Every route names its rule with one of the dependencies below (:data:`RULES`); the
access matrix test fails for a route without one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, FastAPI, Request
from fastapi.routing import APIRoute

from api.db import tokens as token_store
from api.errors import ApiError
from api.fastpath import TokenCache, takes_query_token
from planner.i18n import _


@dataclass(frozen=True)
class Principal:
    """The holder of a valid token.

    Attributes
    ----------
    token_id
        The token's row id.
    role
        ``planner``, ``analyst`` or ``committee``.
    committee_id
        A committee token's committee; ``None`` for the other roles.
    """

    token_id: int
    role: str
    committee_id: str | None = None

    @property
    def reads_all(self) -> bool:
        """Whether the holder reads everything (planner or analyst)."""
        return self.role in ("planner", "analyst")


def bearer_secret(request: Request) -> str | None:
    """The secret a request carries: ``Authorization: Bearer``, or else ``?token=`` on a
    committee calendar's path only (:func:`api.fastpath.takes_query_token`)."""
    header = request.headers.get("authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if not takes_query_token(_route_path(request)):
        return None
    return request.query_params.get("token") or None


def _route_path(request: Request) -> str:
    """The request's path without the app's mount point (``root_path``)."""
    path: str = request.scope.get("path", "")
    root: str = request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    return path


def unauthorized() -> ApiError:
    """The 401 of a missing, wrong or revoked token."""
    return ApiError(
        401,
        "unauthorized",
        _("a valid token is needed (Authorization: Bearer <token>)"),
        headers={"WWW-Authenticate": "Bearer"},
    )


def hidden() -> ApiError:
    """The 404 a committee token gets outside its own data (no existence leak)."""
    return ApiError(404, "not_found", _("not found"))


def current_principal(request: Request) -> Principal:
    """Any valid token's holder; 401 without one.

    A token the database confirmed less than a few seconds ago is taken from the app's
    :class:`api.fastpath.TokenCache` (``app.state.tokens``) without a query.
    """
    secret = bearer_secret(request)
    if not secret:
        raise unauthorized()
    cache: TokenCache | None = getattr(request.app.state, "tokens", None)
    if cache is not None and (known := cache.get(secret)) is not None:
        return known
    engine: sa.Engine = request.app.state.engine
    with engine.connect() as conn:
        row = token_store.find(conn, secret)
    if row is None:
        raise unauthorized()
    principal = Principal(row.id, row.role, row.committee_id)
    if cache is not None:
        cache.put(secret, principal)
    return principal


def require_planner(request: Request) -> Principal:
    """A planner's token (write endpoints); 403 for a read token."""
    principal = current_principal(request)
    if principal.role != "planner":
        raise ApiError(403, "forbidden", _("this needs a planner's token"))
    return principal


def require_reader(request: Request) -> Principal:
    """A planner's or analyst's token (read endpoints); 404 for a committee token."""
    principal = current_principal(request)
    if not principal.reads_all:
        raise hidden()
    return principal


def require_any(request: Request) -> Principal:
    """Any valid token: the route itself limits a committee token to its own committee
    (:func:`check_committee`)."""
    return current_principal(request)


def check_committee(principal: Principal, committee_id: str | None) -> None:
    """Refuse (404) a committee token asking for another committee's data, or for
    everyone's (``committee_id`` ``None``)."""
    if principal.role == "committee" and committee_id != principal.committee_id:
        raise hidden()


def public() -> None:
    """No token needed (the health check, the API's description)."""


#: The rule each guarding dependency stands for, as the access matrix test reads it.
RULES = {
    require_planner: "planner",
    require_reader: "reader",
    require_any: "own_committee",
    public: "public",
}

#: Routes FastAPI adds itself (documentation): public.
DOC_PATHS = frozenset({"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})


def api_routes(app: FastAPI) -> list[tuple[str, frozenset[str], APIRoute]]:
    """Every path operation of an app: ``(path, methods, route)``, the paths with their
    routers' prefixes (routers included with ``include_router`` as well)."""
    found: list[tuple[str, frozenset[str], APIRoute]] = []
    for route in app.routes:
        if isinstance(route, APIRoute):
            found.append((route.path, frozenset(route.methods or ()), route))
        elif hasattr(route, "effective_route_contexts"):  # an included router
            for context in route.effective_route_contexts():
                original = context.original_route
                if isinstance(original, APIRoute):
                    methods = context.methods or original.methods
                    found.append((context.path, frozenset(methods or ()), original))
    return found


def access_rule(route: APIRoute) -> str | None:
    """The access rule of a route: ``planner``, ``reader``, ``own_committee``, ``public``,
    or ``None`` when it has none (a bug the access matrix test finds)."""
    found = {RULES[d.call] for d in route.dependant.dependencies if d.call in RULES}
    if len(found) != 1:
        return None
    return found.pop()


#: Route parameters that guard a route (``principal: Reader``).
Planner = Annotated[Principal, Depends(require_planner)]
Reader = Annotated[Principal, Depends(require_reader)]
AnyToken = Annotated[Principal, Depends(require_any)]
