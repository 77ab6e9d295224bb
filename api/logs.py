"""The service's logging: uvicorn's configuration with the secrets masked.

A committee's calendar URL carries its token as ``?token=<secret>`` (a subscription
cannot send a header), and uvicorn's access log prints each request's path with its
query. :class:`MaskTokens` replaces every ``token`` query value in a log record's text
and arguments with ``***`` before anything formats it; :func:`log_config` is uvicorn's
own configuration with that filter on the access logger and the error logger.
``CULTPLAN_ACCESS_LOG=false`` still turns the access log off altogether.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any
from urllib.parse import unquote_plus

#: What a masked secret reads as.
MASK = "***"

#: A query string inside any text: from ``?`` to the first space, quote or ``#``.
_QUERY = re.compile(r"\?([^\s\"'#]*)")


def _masked_query(query: str) -> str:
    parts = []
    for part in query.split("&"):
        name, sep, _value = part.partition("=")
        if sep and unquote_plus(name).strip().lower() == "token":
            part = f"{name}={MASK}"
        parts.append(part)
    return "&".join(parts)


def mask_tokens(text: str) -> str:
    """``text`` with the value of every ``token`` query parameter replaced by ``***``.

    Parameters
    ----------
    text
        A path with its query (``/committees/C07/calendar.ics?token=s3cret``), or any
        text containing such paths.

    Returns
    -------
    str
        The text with ``token=***`` (the parameter's name kept, also when
        percent-encoded).
    """
    if "?" not in text:
        return text
    return _QUERY.sub(lambda m: "?" + _masked_query(m.group(1)), text)


class MaskTokens(logging.Filter):
    """A logging filter masking the ``token`` query values of a record (its message and
    its string arguments, which uvicorn's access formatter reads); it drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the record in place and keep it."""
        if isinstance(record.msg, str):
            record.msg = mask_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(mask_tokens(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: mask_tokens(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's logging configuration (``uvicorn.config.LOGGING_CONFIG``) with
    :class:`MaskTokens` on the ``uvicorn.access`` and ``uvicorn.error`` loggers.

    Returns
    -------
    dict
        A :func:`logging.config.dictConfig` configuration, for ``uvicorn.run(log_config=)``.
    """
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["mask_tokens"] = {"()": "api.logs.MaskTokens"}
    for name in ("uvicorn.access", "uvicorn.error"):
        logger = config["loggers"].setdefault(name, {})
        logger["filters"] = [*logger.get("filters", []), "mask_tokens"]
    return config
