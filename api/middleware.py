"""ASGI middleware: the request size limit and the language of each request."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from planner.i18n import UnknownLanguageError, _, normalize_language, use_language


class BodyTooLarge(Exception):
    """A request body went past the limit while it was read."""


class BodyLimit:
    """Refuse request bodies above ``max_bytes`` with 413 and the error body.

    ``Content-Length`` is checked first; a body sent in chunks is counted as it is
    read, and once past the limit the app's answer (whatever it made of the cut-off
    body, such as FastAPI's 400 for a body it could not parse) is replaced by the 413.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await self._refuse(send)
            return
        seen = 0
        over = False
        started = False
        replaced = False

        async def counted() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    over = True
                    raise BodyTooLarge
            return message

        async def watched(message: Message) -> None:
            # Once the body went past the limit, whatever the app answers (FastAPI
            # turns an error while it parses a body into its own 400) becomes the 413.
            nonlocal started, replaced
            if replaced or (over and not started):
                if not replaced:
                    replaced = started = True
                    await self._refuse(send)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        text = _("the request is larger than the limit of {n} bytes").format(n=self.max_bytes)
        body = json.dumps(
            {"error": "too_large", "message": text, "problems": []}, ensure_ascii=False
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class Language:
    """Give each request's texts in its ``Accept-Language`` (the first known one), else
    in the service's default language."""

    def __init__(self, app: ASGIApp, default: str) -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = dict(scope["headers"]).get(b"accept-language", b"").decode("latin-1")
        with use_language(choose_language(header, self.default)):
            await self.app(scope, receive, send)


def choose_language(header: str, default: str) -> str:
    """The first language of an ``Accept-Language`` header with a catalogue, else
    ``default`` (quality values are honoured in order of preference)."""
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(header.split(",")):
        name, _sep, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if name and q > 0:
            ranked.append((-q, i, name))
    for _q, _i, name in sorted(ranked):
        try:
            return normalize_language(name)
        except UnknownLanguageError:
            continue
    return default


class HeadAsGet:
    """Answer ``HEAD`` on every ``GET`` route: the ``GET`` answer's status and headers
    (``Content-Length``, ``ETag``, ``Content-Type`` included), without its body.

    Calendar clients and monitors ask ``HEAD`` to see whether a feed or the service is
    there; FastAPI's routes take only the methods they declare.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
