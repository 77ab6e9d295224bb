"""The load client of the service benchmark: many HTTP/1.1 clients on one event loop.

Run as its own process by :mod:`benchmarks.service_load` (``python -m
benchmarks.load_client`` with a JSON spec on stdin), so that the client's work is not
the server's. Each client keeps one keep-alive connection (raw asyncio streams, no
HTTP library: the client's own cost per request is a few tens of microseconds) and takes
requests from a shared count until ``requests`` have been sent; each request is one
target drawn at random (a path and the token of its holder). The answer is a JSON
object on stdout: every request's latency in milliseconds, the statuses, the bytes and
the wall time.

The spec::

    {"host": "127.0.0.1", "port": 8000, "requests": 2000, "clients": 50, "seed": 1,
     "targets": [{"path": "/committees/C01/calendar.ics?scenario=1", "token": "..."}]}
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Tally:
    """What the clients saw.

    Attributes
    ----------
    latencies_ms
        Each answered request's time, from the first byte sent to the last byte read.
    statuses
        How many answers of each HTTP status.
    failures
        How many requests got no answer (the connection broke), by the error's type.
    body_bytes
        The bytes of every answer's body.
    """

    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    body_bytes: int = 0


def request_bytes(host: str, port: int, path: str, token: str) -> bytes:
    """The bytes of a keep-alive GET of ``path`` with a bearer token."""
    return (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: Bearer {token}\r\nAccept-Encoding: identity\r\n\r\n"
    ).encode("latin-1")


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Read one HTTP/1.1 response: ``(status, body, keep_alive)``.

    The body is read by ``Content-Length`` or by chunks (``Transfer-Encoding:
    chunked``); a response without either ends with the connection.
    """
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    keep_alive = headers.get("connection", "").lower() != "close"
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(parts)
    else:
        body = await reader.read()
        keep_alive = False
    return status, body, keep_alive


async def run_load(spec: dict[str, Any]) -> dict[str, Any]:
    """Send ``spec["requests"]`` requests from ``spec["clients"]`` concurrent clients;
    return the tally as a JSON-safe dict (see the module's docstring)."""
    host, port = str(spec["host"]), int(spec["port"])
    targets = [request_bytes(host, port, t["path"], t["token"]) for t in spec["targets"]]
    rng = random.Random(int(spec.get("seed", 1)))
    plan = [rng.randrange(len(targets)) for _ in range(int(spec["requests"]))]
    tally = Tally()
    position = 0

    def take() -> int | None:
        nonlocal position
        if position >= len(plan):
            return None
        index = plan[position]
        position += 1
        return index

    async def client() -> None:
        reader: asyncio.StreamReader | None = None
        writer: asyncio.StreamWriter | None = None
        while (index := take()) is not None:
            try:
                if writer is None or reader is None:
                    reader, writer = await asyncio.open_connection(host, port)
                started = time.perf_counter()
                writer.write(targets[index])
                status, body, keep_alive = await read_response(reader)
                tally.latencies_ms.append((time.perf_counter() - started) * 1000.0)
                tally.statuses[status] += 1
                tally.body_bytes += len(body)
                if not keep_alive:
                    writer.close()
                    reader = writer = None
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                tally.failures[type(exc).__name__] += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(int(spec["clients"]))))
    wall = time.perf_counter() - started
    return {
        "latencies_ms": tally.latencies_ms,
        "statuses": {str(k): v for k, v in tally.statuses.items()},
        "failures": dict(tally.failures),
        "body_bytes": tally.body_bytes,
        "wall_seconds": wall,
    }


def main() -> int:
    """Read the spec from stdin, run the load, print the tally as JSON."""
    spec = json.load(sys.stdin)
    try:
        import uvloop

        result = uvloop.run(run_load(spec))
    except ImportError:  # pragma: no cover - the service's extras bring uvloop
        result = asyncio.run(run_load(spec))
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
