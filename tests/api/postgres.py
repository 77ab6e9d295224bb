"""A real PostgreSQL server for the test suite, from Debian's ``postgresql`` package.

The service runs on SQLite or PostgreSQL by URL, so its persistence and migration tests
run against both. This module starts one throwaway PostgreSQL cluster per test session:
``initdb`` into a temporary directory, ``pg_ctl start`` on a free loopback TCP port, and
``pg_ctl stop`` and removal of the directory at the end. The cluster trusts local
connections (it listens on 127.0.0.1 only) and trades durability for start-up speed
(``fsync=off``, no WAL beyond the minimum, small shared buffers): it holds test data only.

PostgreSQL refuses to run as root, and CI runs as root: then ``initdb`` and ``pg_ctl``
run as the ``postgres`` system user (the one Debian's package makes), in a directory
handed over to it. As any other user they run directly.

The fixtures, registered for the whole suite by ``pytest_plugins`` in ``tests/conftest.py``:

``postgres_server``
    the running :class:`PostgresServer` (session scope).
``postgres_url``
    a SQLAlchemy URL (``postgresql+psycopg://...``) of a database made once per session.
``fresh_postgres_url``
    the URL of a database of its own for one test, dropped after it.

Without the server programs the tests that ask for these fixtures fail, saying what to
install (the README's "Requirements"); they never skip.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import URL

#: How to get the server programs on Debian or Ubuntu.
INSTALL = "apt-get install -y postgresql"
#: The programs of the server package this module runs.
SERVER_PROGRAMS = ("initdb", "pg_ctl", "postgres")
#: An environment variable naming the one folder of server programs to use.
BINDIR_VARIABLE = "CULTPLAN_PG_BINDIR"
#: The system user that runs the server when the tests run as root.
SERVICE_USER = "postgres"
#: The cluster's superuser role (trusted on loopback, no password).
SUPERUSER = "cultplan"
#: The database that ``postgres_url`` names.
SESSION_DATABASE = "cultplan"
#: Seconds ``pg_ctl`` waits for the server to start or stop.
PG_CTL_TIMEOUT = 60
#: Settings appended to the new cluster's postgresql.conf: loopback TCP only (no unix
#: socket, so no writable /var/run/postgresql is needed), fast start and fast writes.
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "unix_socket_directories": "''",
    "max_connections": "100",
    "shared_buffers": "16MB",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "autovacuum": "off",
    "jit": "off",
}


class PostgresUnavailable(RuntimeError):
    """The server programs are missing, or the server could not be made or started."""


def candidate_bindirs() -> list[Path]:
    """Folders that may hold the server programs, best first.

    Only ``$CULTPLAN_PG_BINDIR`` when that is set (to pick one installed version);
    otherwise ``pg_config --bindir``, then Debian's ``/usr/lib/postgresql/<version>/bin``
    (newest version first), then the folder of an ``initdb`` on ``PATH``.

    Returns
    -------
    list of Path
        The folders, not checked (see :func:`find_bindir`).
    """
    if chosen := os.environ.get(BINDIR_VARIABLE):
        return [Path(chosen)]
    found: list[Path] = []
    if pg_config := shutil.which("pg_config"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=30
            ).stdout.strip()
            if out:
                found.append(Path(out))
    found += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version, reverse=True)
    if initdb := shutil.which("initdb"):
        found.append(Path(initdb).resolve().parent)
    return found


def _version(bindir: Path) -> tuple[int, ...]:
    """The version of ``/usr/lib/postgresql/<version>/bin`` as numbers (unknown: lowest)."""
    try:
        return tuple(int(part) for part in bindir.parent.name.split("."))
    except ValueError:
        return (-1,)


def find_bindir(candidates: Sequence[Path] | None = None) -> Path:
    """The first folder holding every server program (``initdb``, ``pg_ctl``, ``postgres``).

    Parameters
    ----------
    candidates : sequence of Path, optional
        Folders to look in, in order; default :func:`candidate_bindirs`.

    Returns
    -------
    Path
        The folder.

    Raises
    ------
    PostgresUnavailable
        No folder holds them all; the message says what to install.
    """
    searched = list(candidate_bindirs() if candidates is None else candidates)
    for folder in searched:
        if all(_executable(folder / name) for name in SERVER_PROGRAMS):
            return folder
    where = ", ".join(str(folder) for folder in searched) or "no folder found"
    if candidates is None and os.environ.get(BINDIR_VARIABLE):
        where += f", set by {BINDIR_VARIABLE}"
    raise PostgresUnavailable(
        f"the service's tests need a real PostgreSQL server, and its programs "
        f"({', '.join(SERVER_PROGRAMS)}) were not found (looked in: {where}). "
        f"Install Debian's postgresql package: {INSTALL} (README, Requirements)."
    )


def _executable(path: Path) -> bool:
    """Whether ``path`` is a file this process may run."""
    return path.is_file() and os.access(path, os.X_OK)


def _service_user() -> pwd.struct_passwd | None:
    """The system user to run the server as: ``postgres`` when running as root, else None.

    Raises
    ------
    PostgresUnavailable
        Running as root and there is no ``postgres`` user.
    """
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVICE_USER)
    except KeyError:
        raise PostgresUnavailable(
            f"PostgreSQL refuses to run as root, and the {SERVICE_USER!r} system user that "
            f"should run it instead is missing (Debian's postgresql package makes it): {INSTALL}"
        ) from None


@dataclass(frozen=True)
class PostgresServer:
    """A running throwaway PostgreSQL cluster, listening on loopback.

    Attributes
    ----------
    host, port : str, int
        Where it listens (TCP).
    root : Path
        The temporary folder holding the cluster (``data/``) and its log (``server.log``).
    bindir : Path
        The folder of the server programs it was started with.
    version : str
        The server's version, as ``SHOW server_version`` reports it.
    """

    host: str
    port: int
    root: Path
    bindir: Path
    version: str

    @property
    def data_dir(self) -> Path:
        """The cluster's data directory."""
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        """The server's log."""
        return self.root / "server.log"

    def url(self, database: str) -> str:
        """The SQLAlchemy URL (psycopg 3 driver) of one of the server's databases."""
        return URL.create(
            "postgresql+psycopg",
            username=SUPERUSER,
            host=self.host,
            port=self.port,
            database=database,
        ).render_as_string(hide_password=False)

    def connect(self, database: str = "postgres") -> psycopg.Connection[tuple[Any, ...]]:
        """A new autocommit psycopg connection as the superuser (close it, or use ``with``)."""
        return _connect(self.host, self.port, database)

    def create_database(self, name: str | None = None) -> str:
        """Create an empty database and return its name (a fresh random one by default)."""
        name = name or f"test_{secrets.token_hex(6)}"
        with self.connect() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database, ending the sessions still connected to it."""
        with self.connect() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _connect(host: str, port: int, database: str) -> psycopg.Connection[tuple[Any, ...]]:
    """An autocommit connection as the cluster's superuser."""
    return psycopg.connect(
        host=host, port=port, user=SUPERUSER, dbname=database, autocommit=True, connect_timeout=10
    )


def _run(
    command: Sequence[str | Path], owner: pwd.struct_passwd | None, cwd: Path
) -> subprocess.CompletedProcess[str]:
    """Run a server program, as ``owner`` when given (what ``runuser -u`` does), in ``cwd``.

    The environment loses every ``PG*`` variable (they would redirect the programs) and
    speaks C, so that messages read the same everywhere.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env["LC_ALL"] = "C"
    as_owner: dict[str, Any] = {}
    if owner is not None:
        env.update(HOME=owner.pw_dir, USER=owner.pw_name, LOGNAME=owner.pw_name)
        as_owner = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        **as_owner,
    )


def _free_port(host: str) -> int:
    """A TCP port on ``host`` that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _failure(what: str, result: subprocess.CompletedProcess[str], log: Path | None) -> str:
    """A message for a server program that failed: its output and the log's last lines."""
    parts = [f"{what} failed (exit {result.returncode})", result.stdout.strip()]
    parts.append(result.stderr.strip())
    if log is not None and log.exists():
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-20:]
        parts.append(f"{log.name}:\n" + "\n".join(tail))
    return "\n".join(part for part in parts if part)


@contextlib.contextmanager
def running_server(bindir: Path | None = None, host: str = "127.0.0.1") -> Iterator[PostgresServer]:
    """Make, start, and at the end stop and remove a throwaway PostgreSQL cluster.

    Parameters
    ----------
    bindir : Path, optional
        The folder of the server programs; default :func:`find_bindir`.
    host : str
        The loopback address to listen on.

    Yields
    ------
    PostgresServer
        The running server; it is stopped and its folder removed when the block ends,
        however it ends.

    Raises
    ------
    PostgresUnavailable
        The programs are missing, or ``initdb`` or the start failed (with their output
        and the server log's last lines).
    """
    bindir = bindir or find_bindir()
    owner = _service_user()
    root = Path(tempfile.mkdtemp(prefix="cultplan-pg-"))
    data = root / "data"
    log = root / "server.log"
    try:
        if owner is not None:
            os.chown(root, owner.pw_uid, owner.pw_gid)
        initdb = _run(
            [
                bindir / "initdb",
                "--pgdata",
                data,
                "--username",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
                "--no-instructions",
            ],
            owner,
            root,
        )
        if initdb.returncode != 0:
            hint = f" ({owner.pw_name} must be able to reach {root})" if owner else ""
            raise PostgresUnavailable(_failure(f"initdb{hint}", initdb, None))
        with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# cultplan test cluster\n")
            conf.writelines(f"{key} = {value}\n" for key, value in SETTINGS.items())
        port = _start(bindir, data, log, owner, root, host)
        with _connect(host, port, "postgres") as conn:
            row = conn.execute("SHOW server_version").fetchone()
        version = str(row[0]) if row else ""
        yield PostgresServer(host=host, port=port, root=root, bindir=bindir, version=version)
    finally:
        try:
            _stop(bindir, data, owner, root)
        finally:
            shutil.rmtree(root, ignore_errors=True)


def _start(
    bindir: Path, data: Path, log: Path, owner: pwd.struct_passwd | None, root: Path, host: str
) -> int:
    """Start the cluster on a free port (another try on a port taken meanwhile); the port."""
    result: subprocess.CompletedProcess[str] | None = None
    for _attempt in range(3):
        port = _free_port(host)
        log.unlink(missing_ok=True)
        result = _run(
            [
                bindir / "pg_ctl",
                "start",
                "--pgdata",
                data,
                "--log",
                log,
                "--wait",
                "--timeout",
                str(PG_CTL_TIMEOUT),
                "--options",
                f"-p {port}",
            ],
            owner,
            root,
        )
        if result.returncode == 0:
            return port
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        if "could not bind" not in text and "already in use" not in text:
            break
        _stop(bindir, data, owner, root)
    assert result is not None
    raise PostgresUnavailable(_failure("pg_ctl start", result, log))


def _stop(bindir: Path, data: Path, owner: pwd.struct_passwd | None, root: Path) -> None:
    """Stop the cluster if it runs (fast shutdown; immediate if that does not end it)."""
    for mode in ("fast", "immediate"):
        if not (data / "postmaster.pid").exists():
            return
        _run(
            [
                bindir / "pg_ctl",
                "stop",
                "--pgdata",
                data,
                "--mode",
                mode,
                "--wait",
                "--timeout",
                str(PG_CTL_TIMEOUT),
            ],
            owner,
            root,
        )


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the whole session (stopped and removed at its end).

    Fails, saying what to install, when the server programs are missing.
    """
    with contextlib.ExitStack() as stack:
        problem = None
        try:
            server = stack.enter_context(running_server())
        except PostgresUnavailable as exc:
            problem = str(exc)
        if problem is not None:  # failed outside the handler: one message, no chain
            pytest.fail(problem, pytrace=False)
        yield server


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """The SQLAlchemy URL (``postgresql+psycopg://...``) of a database made for the session.

    Tests share it: use :func:`fresh_postgres_url` for a database of a test's own.
    """
    return postgres_server.url(postgres_server.create_database(SESSION_DATABASE))


@pytest.fixture
def fresh_postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The SQLAlchemy URL of an empty database made for one test, dropped after it."""
    name = postgres_server.create_database()
    try:
        yield postgres_server.url(name)
    finally:
        postgres_server.drop_database(name)
