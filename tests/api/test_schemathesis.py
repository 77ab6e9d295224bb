"""Schemathesis against the service's own OpenAPI description: every operation, with
generated (derandomized, bounded) requests as a planner, over HTTP to a real server on
loopback. No request gets a 5xx, and every response has a documented status, content
type and body shape."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.db import tokens as token_store
from api.db import versions as version_store
from api.db.engine import writing
from api.settings import Settings
from tests.api.live import serving
from tests.api.support import stored_plan

#: Generated requests per operation: enough to reach every documented status of most
#: routes, few enough that the whole run takes well under a minute on 2 cores.
EXAMPLES = 12

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


class Target:
    """The running server: its base URL and a planner's headers."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.url = url
        self.headers = headers


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """The service on a fresh SQLite file, served on loopback, with a small scenario
    solved and published as version 1 (so that ids 1 name real rows); solves of the
    generated jobs are short."""
    app = create_app(
        Settings(
            data_dir=tmp_path_factory.mktemp("schemathesis") / "data",
            workers=1,
            bootstrap=False,
            max_body_bytes=200_000,
            solve_time_limit=1.0,
            max_time_limit=2.0,
            max_solve_workers=2,
        )
    )
    with serving(app) as url:
        engine = app.state.engine
        sid, plan_id = stored_plan(engine)
        with writing(engine) as conn:
            version_store.publish(conn, sid, plan_id)
            secret = token_store.create(conn, "planner").secret
        yield Target(url, {"Authorization": f"Bearer {secret}", "Accept-Language": "en"})


def description() -> dict[str, Any]:
    """The app's OpenAPI description (``create_app().openapi()``); the app is made on a
    temporary data directory, removed at once (nothing is written to it)."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(Settings(data_dir=Path(folder), bootstrap=False))
        try:
            return app.openapi()
        finally:
            app.state.engine.dispose()


schema = schemathesis.openapi.from_dict(description())


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_responses_match_the_description(
    case: schemathesis.Case, target: Target
) -> None:
    """A generated request as a planner answers without a 5xx, with a status, content
    type and body the OpenAPI description documents for its operation."""
    case.call_and_validate(base_url=target.url, headers=target.headers, checks=CHECKS)
