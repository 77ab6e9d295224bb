"""The local Dask cluster that sweeps and split solves start when given no scheduler."""

from __future__ import annotations

from typing import Any


def local_cluster(n_workers: int | None) -> Any:
    """A :class:`distributed.LocalCluster` of worker processes, one thread each, on
    loopback and without a dashboard (``n_workers`` None: Dask's choice, the cores)."""
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
