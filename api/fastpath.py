"""The fast path of the hot reads: a token cache and an ASGI layer that answers
committees' repeated GETs from bytes in memory.

Committees' phones and calendar apps poll the same few documents (calendars, their
deliveries) again and again, many at once, often while a solve keeps the machine busy.
Through FastAPI a GET costs a routing pass, the dependency tree, a worker thread and a
database lookup of the token: 1 to 2k requests a second on a core. The fast path answers
the same request in a few tens of microseconds when everything it needs is in memory:

- :class:`TokenCache`: a token's holder by its secret's SHA-256, kept ``ttl`` seconds
  after the database confirmed it (:func:`api.auth.current_principal` fills and reads
  it). Tokens are revoked from the command line, in another process: a revoked token is
  refused at the latest ``ttl`` seconds later (``CULTPLAN_TOKEN_CACHE_SECONDS``, 5 by
  default; 0 turns the cache off). Failures are never cached.
- :class:`FastPath`: the outermost ASGI layer. For a GET (or HEAD) whose path matches one
  of :data:`FAST_ROUTES`, whose token is in the cache and whose handler has the answer in
  memory, it sends the bytes itself (with ``ETag`` and ``304`` on ``If-None-Match`` when
  the answer has an ETag). Anything else — no token, an unknown one, a refusal, a cache
  miss — goes on to the FastAPI route, which answers as always (and fills the caches).
  So the fast path never decides a refusal: every 401, 403 and 404 comes from the
  route, with its error body and the request's language.

A route module registers its fast answer by appending a :class:`FastRoute` to
:data:`FAST_ROUTES` (as publish hooks go into ``api.db.versions.ON_PUBLISH``).
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from api.auth import Principal


def secret_hash(secret: str) -> str:
    """The SHA-256 hex digest of a secret (as :func:`api.db.tokens.hash_secret`)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class TokenCache:
    """Token holders by secret, each kept ``ttl`` seconds after the database confirmed it.

    Parameters
    ----------
    ttl
        Seconds a confirmed token is trusted without the database; 0 turns the cache off.
    size
        The most tokens kept (the oldest confirmed go first).
    """

    def __init__(self, ttl: float = 5.0, size: int = 10_000) -> None:
        self.ttl = ttl
        self.size = size
        self._items: OrderedDict[str, tuple[float, Principal]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, secret: str) -> Principal | None:
        """The holder of a secret confirmed less than ``ttl`` seconds ago, else ``None``."""
        if self.ttl <= 0:
            return None
        key = secret_hash(secret)
        found = self._items.get(key)
        if found is None:
            return None
        if time.monotonic() - found[0] > self.ttl:
            with self._lock:
                self._items.pop(key, None)
            return None
        return found[1]

    def put(self, secret: str, principal: Principal) -> None:
        """Remember a holder the database has just confirmed."""
        if self.ttl <= 0:
            return
        with self._lock:
            self._items[secret_hash(secret)] = (time.monotonic(), principal)
            self._items.move_to_end(secret_hash(secret))
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def forget(self, token_id: int | None = None) -> None:
        """Forget one token by its id (a revoke in this process), or every token."""
        with self._lock:
            if token_id is None:
                self._items.clear()
                return
            for key in [k for k, (_t, p) in self._items.items() if p.token_id == token_id]:
                del self._items[key]


@dataclass(frozen=True)
class FastRequest:
    """What a fast handler sees of a request.

    Attributes
    ----------
    params
        The path's named groups (:attr:`FastRoute.pattern`).
    query
        The query parameters (the last value of each name).
    principal
        The holder of the request's (cached) token.
    headers
        The request's headers, names in lower case.
    state
        The app's state (``app.state``: its engine, its caches).
    """

    params: Mapping[str, str]
    query: Mapping[str, str]
    principal: Principal
    headers: Mapping[bytes, bytes]
    state: Any


@dataclass(frozen=True)
class FastAnswer:
    """A 200 answer held in memory.

    Attributes
    ----------
    body
        The bytes.
    media_type
        The ``Content-Type``.
    etag
        The ``ETag`` (quoted), or ``""`` for none.
    headers
        More headers (``Cache-Control``, ``Content-Disposition``).
    """

    body: bytes
    media_type: str
    etag: str = ""
    headers: tuple[tuple[str, str], ...] = ()


#: A fast handler: the answer in memory, or ``None`` to let the FastAPI route answer.
FastHandler = Callable[[FastRequest], FastAnswer | None]


@dataclass(frozen=True)
class FastRoute:
    """A GET path the fast path may answer.

    Attributes
    ----------
    pattern
        The path's regular expression (``re.fullmatch``), its named groups the
        handler's :attr:`FastRequest.params`.
    handler
        The answer from memory, or ``None`` (then the route answers).
    """

    pattern: re.Pattern[str]
    handler: FastHandler


#: The fast routes, registered by the route modules.
FAST_ROUTES: list[FastRoute] = []

#: The only paths that take their token as ``?token=``: a committee's calendar, whose
#: subscription URL cannot carry a header. Everywhere else a secret in the URL would end
#: up in logs and browser histories, so only ``Authorization: Bearer`` counts there.
QUERY_TOKEN_PATH = re.compile(r"/committees/[^/]{1,64}/calendar\.(?:ics|json|html)")


def takes_query_token(path: str) -> bool:
    """Whether a request path may carry its token as ``?token=`` (:data:`QUERY_TOKEN_PATH`)."""
    return QUERY_TOKEN_PATH.fullmatch(path) is not None


def bearer_of(headers: Mapping[bytes, bytes], query: Mapping[str, str], path: str) -> str | None:
    """The secret of ``Authorization: Bearer``, or else of ``?token=`` on a calendar
    path (as :func:`api.auth.bearer_secret`)."""
    header = headers.get(b"authorization", b"").decode("latin-1")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if not takes_query_token(path):
        return None
    return query.get("token") or None


class FastPath:
    """The ASGI layer that answers :data:`FAST_ROUTES` from memory (see the module).

    Parameters
    ----------
    app
        The rest of the application.
    tokens
        The app's token cache.
    state
        The app's state, given to the handlers (:attr:`FastRequest.state`).
    routes
        The fast routes (read at each request, so later registrations count).
    """

    def __init__(
        self,
        app: ASGIApp,
        tokens: TokenCache,
        state: Any = None,
        routes: list[FastRoute] | None = None,
    ) -> None:
        self.app = app
        self.tokens = tokens
        self.state = state
        self.routes = FAST_ROUTES if routes is None else routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            for route in self.routes:
                match = route.pattern.fullmatch(scope["path"])
                if match is not None:
                    if await self._answer(route, match, scope, send):
                        return
                    break
        await self.app(scope, receive, send)

    async def _answer(
        self, route: FastRoute, match: re.Match[str], scope: Scope, send: Send
    ) -> bool:
        headers = dict(scope["headers"])
        raw_query = scope.get("query_string", b"").decode("latin-1")
        query = dict(parse_qsl(raw_query, keep_blank_values=True)) if raw_query else {}
        secret = bearer_of(headers, query, scope["path"])
        principal = self.tokens.get(secret) if secret else None
        if principal is None:
            return False
        request = FastRequest(match.groupdict(), query, principal, headers, self.state)
        answer = route.handler(request)
        if answer is None:
            return False
        extra = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers]
        if answer.etag:
            extra.append((b"etag", answer.etag.encode("latin-1")))
            wanted = headers.get(b"if-none-match", b"").decode("latin-1")
            if wanted and (wanted.strip() == "*" or answer.etag in _etags(wanted)):
                await send({"type": "http.response.start", "status": 304, "headers": extra})
                await send({"type": "http.response.body", "body": b""})
                return True
        body = b"" if scope["method"] == "HEAD" else answer.body
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", answer.media_type.encode("latin-1")),
                    (b"content-length", str(len(answer.body)).encode("ascii")),
                    *extra,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
        return True


def _etags(header: str) -> list[str]:
    """The entity tags of an ``If-None-Match`` header (weak ones compared as strong)."""
    return [tag.strip().removeprefix("W/") for tag in header.split(",")]
