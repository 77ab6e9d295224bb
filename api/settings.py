"""The service's settings: defaults, environment variables (``CULTPLAN_*``), options.

Every setting can be given as an environment variable with the ``CULTPLAN_`` prefix
(``CULTPLAN_DATA_DIR=/srv/cultplan``, ``CULTPLAN_DATABASE_URL=postgresql+psycopg://...``)
or as a keyword argument (what ``cultplan serve`` does with its options).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """The service's settings.

    Attributes
    ----------
    host, port
        Where ``cultplan serve`` listens.
    data_dir
        The data directory: holds the embedded SQLite database by default.
    database_url
        An SQLAlchemy URL; empty means ``sqlite:///<data_dir>/cultplan.db``
        (see :attr:`url`).
    workers
        Size of the solve pool (worker processes).
    solve_nice
        The niceness a solve's worker process takes (0 to 19; ``os.nice``): the solver
        yields the cores to the service's answers, so that calendars stay fast while a
        solve runs; an idle machine gives the solve the cores all the same.
    access_log
        Whether uvicorn logs every request (one line each; off for load measurements).
    token_cache_seconds
        How long a token the database confirmed is trusted from memory (0: never); a
        token revoked from the command line is refused at the latest this much later.
    max_body_bytes
        The largest request body accepted (413 above it).
    public_url
        The service's address as seen by committees (for subscription links).
    language
        The default language of messages (``zh_CN``; ``Accept-Language`` may switch).
    solve_time_limit
        The default time limit of a solve, in seconds.
    max_time_limit
        The longest time limit a solve job may ask for, in seconds.
    max_solve_workers
        The most CP-SAT search workers a solve job may ask for.
    bootstrap_time_limit
        The time limit of the first start's solve of the reference scenario.
    bootstrap
        Whether the first start on an empty database loads, solves and publishes the
        reference scenario.
    bootstrap_scenario
        The scenario file of the first start (default: the bundled reference scenario).
    """

    model_config = SettingsConfigDict(env_prefix="CULTPLAN_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    data_dir: Path = Path("data")
    database_url: str = ""
    workers: int = Field(default=1, ge=1, le=64)
    solve_nice: int = Field(default=10, ge=0, le=19)
    access_log: bool = True
    token_cache_seconds: float = Field(default=5.0, ge=0, le=3600)
    max_body_bytes: int = Field(default=2_000_000, ge=1024)
    public_url: str = ""
    language: str = "zh_CN"
    solve_time_limit: float = Field(default=30.0, gt=0, le=86_400)
    max_time_limit: float = Field(default=3600.0, gt=0, le=86_400)
    max_solve_workers: int = Field(default=8, ge=1, le=64)
    bootstrap_time_limit: float = Field(default=20.0, gt=0, le=86_400)
    bootstrap: bool = True
    bootstrap_scenario: Path | None = None

    @property
    def url(self) -> str:
        """The database URL in use: :attr:`database_url`, or the SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'cultplan.db').resolve()}"
