"""The service's commands, added to the ``cultplan`` command line: ``serve`` and
``token create|list|revoke``. The console script points here (``api.cli:app``), so that
``planner`` never imports ``api``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer

from planner.cli import app, err, out
from planner.i18n import N_, _

token_app = typer.Typer(
    help=N_("Access tokens of the service: create, list, revoke."), no_args_is_help=True
)
app.add_typer(token_app, name="token")

#: Exit code of a usage error (as the other commands).
EXIT_USAGE = 2


def _settings(**given: Any) -> Any:
    from api.settings import Settings

    return Settings(**{k: v for k, v in given.items() if v is not None})


DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help=N_("Data directory (the SQLite file); or set CULTPLAN_DATA_DIR."),
        show_default=False,
    ),
]
DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help=N_("Database URL (default: SQLite in the data directory); or CULTPLAN_DATABASE_URL."),
        show_default=False,
    ),
]


@app.command(help=N_("Start the planning service (first start: the reference plan is published)."))
def serve(
    host: Annotated[
        str | None, typer.Option(help=N_("Address to listen on."), show_default=False)
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(help=N_("Port to listen on."), min=1, max=65535, show_default=False),
    ] = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help=N_("Solve worker processes (default 1); or CULTPLAN_WORKERS."),
            min=1,
            max=64,
            show_default=False,
        ),
    ] = None,
) -> None:
    """Start the service with uvicorn."""
    import uvicorn

    from api.app import create_app, served
    from api.logs import log_config

    settings = _settings(
        host=host, port=port, data_dir=data_dir, database_url=database_url, workers=workers
    )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    out.print(
        _("cultplan service on http://{host}:{port} (database {url})").format(
            host=settings.host, port=settings.port, url=_masked(settings.url)
        ),
        markup=False,
    )
    uvicorn.run(
        served(create_app(settings)),
        host=settings.host,
        port=settings.port,
        log_level="info",
        log_config=log_config(),
        access_log=settings.access_log,
    )


def _masked(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _engine(data_dir: Path | None, database_url: str | None) -> Any:
    from api.db.engine import make_engine
    from api.db.migrate import upgrade

    settings = _settings(data_dir=data_dir, database_url=database_url)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.url)
    upgrade(settings.url, engine)
    return engine


@token_app.command("create", help=N_("Create a token and print its secret (shown once)."))
def token_create(
    role: Annotated[
        str,
        typer.Option(help=N_("planner, analyst or committee."), show_default=False),
    ],
    committee: Annotated[
        str | None,
        typer.Option(help=N_("The committee of a committee token."), show_default=False),
    ] = None,
    label: Annotated[
        str | None, typer.Option(help=N_("A note on whose token it is."), show_default=False)
    ] = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a token; the secret is printed once and only its hash is stored."""
    from api.db import tokens
    from api.db.engine import writing

    if role not in tokens.ROLES:
        err.print(
            _("unknown role {role!r}; the roles are {roles}").format(
                role=role, roles=", ".join(tokens.ROLES)
            ),
            markup=False,
        )
        raise typer.Exit(EXIT_USAGE)
    if role == "committee" and not committee:
        err.print(_("a committee token needs --committee ID"), markup=False)
        raise typer.Exit(EXIT_USAGE)
    if role != "committee" and committee:
        err.print(_("only a committee token takes --committee"), markup=False)
        raise typer.Exit(EXIT_USAGE)
    engine = _engine(data_dir, database_url)
    try:
        with writing(engine) as conn:
            made = tokens.create(conn, role, committee, label)
    finally:
        engine.dispose()
    err.print(
        _("token {id} ({role}) created; its secret is shown only now:").format(
            id=made.id, role=role
        ),
        markup=False,
    )
    if role == "committee" and committee:
        err.print(_("its calendar, to subscribe to on a phone or open in a browser:"), markup=False)
        for url in subscription_urls(_settings(), committee, made.secret):
            err.print(f"  {url}", markup=False, soft_wrap=True)
    out.print(made.secret, markup=False)


def subscription_urls(settings: Any, committee: str, secret: str) -> list[str]:
    """A committee's calendar URLs with its token: the feed (``webcal://`` for a phone's
    one-tap subscription, and ``https://`` or ``http://``) and the printable page.

    The address is ``settings.public_url`` (``CULTPLAN_PUBLIC_URL``), else the one the
    service listens on.
    """
    from urllib.parse import quote

    base = (settings.public_url or f"http://{settings.host}:{settings.port}").rstrip("/")
    path = f"/committees/{quote(committee, safe='')}/calendar"
    token = f"token={quote(secret, safe='')}"
    feed = f"{base}{path}.ics?{token}"
    _scheme, _sep, rest = feed.partition("://")
    return [f"webcal://{rest}", feed, f"{base}{path}.html?{token}"]


@token_app.command("list", help=N_("List the tokens (never their secrets)."))
def token_list(data_dir: DataDir = None, database_url: DatabaseUrl = None) -> None:
    """Print one line per token: id, role, committee, label, created, revoked."""
    from api.db import tokens

    engine = _engine(data_dir, database_url)
    try:
        with engine.connect() as conn:
            rows = tokens.list_all(conn)
    finally:
        engine.dispose()
    for row in rows:
        state = _("revoked") if row.revoked_at is not None else _("active")
        cells = [str(row.id), row.role, row.committee_id or "-", row.label or "-", state]
        out.print("\t".join(cells), markup=False)


@token_app.command("revoke", help=N_("Revoke a token by its id."))
def token_revoke(
    token_id: Annotated[int, typer.Argument(help=N_("The token's id (token list)."))],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Revoke a token: its secret is refused from now on."""
    from api.db import tokens
    from api.db.engine import writing

    engine = _engine(data_dir, database_url)
    try:
        with writing(engine) as conn:
            done = tokens.revoke(conn, token_id)
    finally:
        engine.dispose()
    if not done:
        err.print(_("no active token {id}").format(id=token_id), markup=False)
        raise typer.Exit(EXIT_USAGE)
    out.print(_("token {id} revoked").format(id=token_id), markup=False)


__all__ = ["app"]
