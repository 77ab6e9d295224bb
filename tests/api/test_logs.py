"""Secrets kept out of the server's log (``api/logs.py``): the ``token`` query value
of a request line is masked before uvicorn's access formatter prints it."""

from __future__ import annotations

import logging

from uvicorn.logging import AccessFormatter

from api.logs import MaskTokens, log_config, mask_tokens


def _access_record(path: str) -> logging.LogRecord:
    """A record as uvicorn's HTTP protocol logs one request."""
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", path, "1.1", 200),
        None,
    )


def test_mask_tokens_replaces_only_the_token_values() -> None:
    """Every ``token`` value (also a percent-encoded name, several of them) becomes
    ``***``; other parameters and texts without a query stay as they are."""
    assert mask_tokens("/committees/C07/calendar.ics?token=s3cr-t_x") == (
        "/committees/C07/calendar.ics?token=***"
    )
    assert mask_tokens("/c?scenario=2&token=abc&x=1") == "/c?scenario=2&token=***&x=1"
    assert mask_tokens("/c?tok%65n=abc&TOKEN=def") == "/c?tok%65n=***&TOKEN=***"
    assert mask_tokens("/c?tokens=abc") == "/c?tokens=abc"
    assert mask_tokens("no query here") == "no query here"


def test_an_access_record_is_masked_before_formatting() -> None:
    """uvicorn's access formatter prints the filtered record's request line with
    ``token=***`` and never the secret."""
    record = _access_record("/committees/C07/calendar.ics?scenario=3&token=topsecret")
    assert MaskTokens().filter(record) is True
    line = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s').format(record)
    assert "topsecret" not in line
    assert "GET /committees/C07/calendar.ics?scenario=3&token=*** HTTP/1.1" in line


def test_the_serve_log_configuration_filters_the_access_logger() -> None:
    """:func:`api.logs.log_config` (what ``cultplan serve`` gives uvicorn) is uvicorn's
    configuration with the masking filter on ``uvicorn.access`` and ``uvicorn.error``;
    the real server's log is checked end to end in ``test_serve_e2e``."""
    config = log_config()
    assert config["filters"]["mask_tokens"] == {"()": "api.logs.MaskTokens"}
    for name in ("uvicorn.access", "uvicorn.error"):
        assert "mask_tokens" in config["loggers"][name]["filters"]
    assert config["loggers"]["uvicorn.access"]["handlers"] == ["access"]
