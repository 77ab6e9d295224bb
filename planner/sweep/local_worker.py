"""Set-up of the worker processes of the local cluster the program starts.

Dask runs this module's :func:`dask_setup` in each worker process as it starts
(``preload``; :func:`planner.sweep.cluster.local_cluster`).
"""

from __future__ import annotations

import signal
import threading
from typing import Any


def dask_setup(worker: Any) -> None:
    """Make the worker process ignore Ctrl-C (SIGINT).

    A terminal sends Ctrl-C to every process of the foreground job, the local cluster's
    worker processes too: each then died with a ``KeyboardInterrupt`` traceback on the
    planner's terminal, and the part it was solving with it. The program that started
    the cluster handles Ctrl-C itself (``cultplan solve`` stops the solve, which tells
    the parts running to stop) and closes the cluster; should it die, the workers end
    with it (Dask's worker processes exit when their parent does).
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
