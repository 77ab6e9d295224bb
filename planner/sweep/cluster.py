"""The local Dask cluster that sweeps and split solves start when given no scheduler.

Such a cluster is the program's own: :func:`close_local` closes it quietly. Dask's
``distributed`` logs to the terminal (stderr), in English, and as a cluster closes
around a worker still busy it logs errors and tracebacks ("Failed to communicate with
scheduler during heartbeat", "Worker process still alive after 4.0 seconds, killing")
that say nothing to a planner. A cluster given by its scheduler's address is someone
else's: its logging is left as it is.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

#: A level above every record's: a logger set to it logs nothing.
SILENT = logging.CRITICAL + 1
#: Seconds to reach the workers to quiet their logging before the close.
QUIET_SECONDS = 5.0


def local_cluster(n_workers: int | None) -> Any:
    """A :class:`distributed.LocalCluster` of worker processes, one thread each, on
    loopback and without a dashboard (``n_workers`` None: Dask's choice, the cores),
    whose workers ignore Ctrl-C (:mod:`planner.sweep.local_worker`)."""
    from distributed import LocalCluster

    # A terminal's Ctrl-C goes to the whole process group, the workers being started
    # too, which died mid-start ("Nanny failed to start"): SIGINT is ignored while they
    # start (an ignored signal stays ignored in the processes started meanwhile, and the
    # workers keep ignoring it, local_worker), then handled again. A Ctrl-C in those
    # seconds is lost; the next one stops the solve.
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.getsignal(signal.SIGINT)
    if previous is not None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return _local_cluster(LocalCluster, n_workers)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _local_cluster(cls: Any, n_workers: int | None) -> Any:
    """``cls`` (LocalCluster) with the settings of :func:`local_cluster`."""
    return cls(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        # The scheduler serves HTTP even without a dashboard, by default on port 8787,
        # and warns on the terminal when that port is taken: any free loopback port.
        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
        preload=["planner.sweep.local_worker"],
    )


def close_local(cluster: Any, client: Any = None) -> None:
    """Close a local cluster this program started, and its client, with nothing of
    ``distributed``'s logging on the terminal.

    The workers' loggers are set to log nothing (they are about to end), and this
    process's for as long as the close takes; then the client is closed, and the
    cluster, which closes its workers before its scheduler. The caller lets the
    workers' tasks end first (a worker still inside one is killed after a few seconds).

    Parameters
    ----------
    cluster
        The :class:`distributed.LocalCluster` (:func:`local_cluster`).
    client
        Its client, if one was made.
    """
    with quiet_logging():
        if client is not None:
            # A worker out of reach is killed by the close, and says nothing more.
            with suppress(OSError, TimeoutError):
                client.run(silence_logging, callback_timeout=QUIET_SECONDS)
            client.close()
        cluster.close()


def silence_logging() -> None:
    """Set every logger of ``distributed`` in this process to log nothing (on a worker
    about to close: it is not set back)."""
    for logger in _distributed_loggers():
        logger.setLevel(SILENT)


@contextmanager
def quiet_logging() -> Iterator[None]:
    """Within the block, the loggers of ``distributed`` in this process log nothing;
    their levels are set back after it."""
    loggers = _distributed_loggers()
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(SILENT)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _distributed_loggers() -> list[logging.Logger]:
    """The ``distributed`` logger and every one below it made so far (one made later
    without a level of its own takes the ``distributed`` logger's)."""
    names = [
        name
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger) and name.startswith("distributed.")
    ]
    return [logging.getLogger("distributed"), *(logging.getLogger(n) for n in sorted(names))]
