"""``cultplan token create|list|revoke`` and the first start's bootstrap."""

from __future__ import annotations

import contextvars
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from api.app import create_app
from api.bootstrap import bootstrap
from api.cli import app as cli_app
from api.db import scenarios as scenario_store
from api.db import tokens as token_store
from api.db import versions as version_store
from api.db.engine import make_engine
from api.db.migrate import upgrade
from api.settings import Settings
from planner import i18n
from planner.cli_language import run
from tests.api.conftest import bearer
from tests.api.support import small_yaml


def _cultplan(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    # The command line sets its language for the whole process (set_language): run it in
    # a copied context and put the process's language back, so the language it chose
    # does not leak into the tests that follow.
    saved = i18n._process_language
    try:
        with pytest.raises(SystemExit) as ended:
            contextvars.copy_context().run(run, cli_app, args)
    finally:
        i18n._process_language = saved
    captured = capsys.readouterr()
    return int(ended.value.code or 0), captured.out, captured.err


def test_token_create_prints_the_secret_once_and_stores_its_hash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``token create`` prints a secret whose SHA-256 is stored (never the secret);
    ``token list`` shows the token without it; ``token revoke`` makes it invalid."""
    data = ["--data-dir", str(tmp_path)]
    code, out, _err = _cultplan(
        ["token", "create", "--role", "committee", "--committee", "C07", *data], capsys
    )
    assert code == 0
    secret = out.strip()
    assert len(secret) >= 40
    engine = make_engine(Settings(data_dir=tmp_path).url)
    with engine.connect() as conn:
        row = token_store.find(conn, secret)
        assert row is not None and row.role == "committee" and row.committee_id == "C07"
        stored = conn.execute(sa.text("SELECT hash FROM tokens")).scalars().all()
    assert stored == [token_store.hash_secret(secret)]
    code, listed, _err = _cultplan(["token", "list", *data], capsys)
    assert code == 0 and "C07" in listed and secret not in listed
    code, _out, _err = _cultplan(["token", "revoke", str(row.id), *data], capsys)
    assert code == 0
    with engine.connect() as conn:
        assert token_store.find(conn, secret) is None
    engine.dispose()


@pytest.mark.parametrize(
    "args",
    [["--role", "committee"], ["--role", "analyst", "--committee", "C1"], ["--role", "admin"]],
)
def test_token_create_refuses_bad_roles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    """A committee token without its committee, a committee on another role and an
    unknown role are usage errors (exit 2), and no token is stored."""
    code, out, err = _cultplan(["token", "create", *args, "--data-dir", str(tmp_path)], capsys)
    assert code == 2 and out == "" and err
    assert not (tmp_path / "cultplan.db").exists()


def test_first_start_publishes_and_a_later_start_does_not_repeat(tmp_path: Path) -> None:
    """On an empty database the first start loads, solves and publishes the scenario as
    version 1; a second start of the same data directory adds nothing."""
    scenario = tmp_path / "season.yaml"
    scenario.write_text(small_yaml(), encoding="utf-8")
    settings = Settings(
        data_dir=tmp_path / "data",
        bootstrap=True,
        bootstrap_scenario=scenario,
        bootstrap_time_limit=5.0,
        workers=1,
    )
    for _start in range(2):
        app = create_app(settings)
        with TestClient(app) as client:
            engine: sa.Engine = app.state.engine
            with engine.begin() as conn:
                secret = token_store.create(conn, "analyst").secret
            scenarios = client.get("/scenarios", headers=bearer(secret)).json()
            assert len(scenarios) == 1
            versions = client.get(
                f"/scenarios/{scenarios[0]['id']}/versions", headers=bearer(secret)
            )
            assert [v["number"] for v in versions.json()] == [1]


def test_committee_token_prints_its_subscription_urls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A committee token's secret goes to stdout alone; stderr gives its calendar's URLs
    on the service's public address (``CULTPLAN_PUBLIC_URL``), with the token: the
    ``webcal://`` feed for a phone, the same over https, and the printable page."""
    monkeypatch.setenv("CULTPLAN_PUBLIC_URL", "https://plan.example.cn/")
    data = ["--data-dir", str(tmp_path)]
    code, out, err = _cultplan(
        ["token", "create", "--role", "committee", "--committee", "C07", *data], capsys
    )
    assert code == 0
    secret = out.strip()
    assert "\n" not in secret
    assert f"webcal://plan.example.cn/committees/C07/calendar.ics?token={secret}" in err
    assert f"https://plan.example.cn/committees/C07/calendar.ics?token={secret}" in err
    assert f"https://plan.example.cn/committees/C07/calendar.html?token={secret}" in err
    code, out, err = _cultplan(["token", "create", "--role", "analyst", *data], capsys)
    assert code == 0 and "calendar" not in err


def test_a_first_start_killed_mid_solve_is_taken_up_by_the_next_start(tmp_path: Path) -> None:
    """A first start that stored the scenario but died before publishing (its row there,
    no plan, no version) is finished by the next start, on the same scenario row; a
    start after that adds nothing."""
    scenario = tmp_path / "season.yaml"
    scenario.write_text(small_yaml(), encoding="utf-8")
    settings = Settings(
        data_dir=tmp_path / "data",
        bootstrap_scenario=scenario,
        bootstrap_time_limit=5.0,
        workers=1,
    )
    settings.data_dir.mkdir(parents=True)
    engine = make_engine(settings.url)
    upgrade(settings.url, engine)
    with engine.begin() as conn:  # what the killed first start left behind
        left = scenario_store.create(conn, "季", small_yaml(), "application/yaml")
    assert bootstrap(settings, engine) is not None
    assert bootstrap(settings, engine) is None
    with engine.connect() as conn:
        assert [row.id for row in scenario_store.list_all(conn)] == [left]
        assert [v.number for v in version_store.list_for(conn, left)] == [1]
    engine.dispose()
