"""Many solves at once: what-if sweeps over scenario variants, on Dask or one by one.

:func:`read_spec` reads a sweep file (a base scenario and its variants: one more
trainer, a troupe away, scaled demand, closed weeks, Monte Carlo samples of demand);
:func:`run_sweep` solves every variant on the workers of a ``dask.distributed`` cluster
(a :class:`distributed.LocalCluster` by default) or serially, and :func:`write_table`
writes the table of variants and KPIs. Dask is imported only here (and only when a
sweep runs on it). See ``docs/sweeps.md``.
"""

from planner.sweep.run import KPI_KEYS, VariantResult, run_sweep, solve_variant
from planner.sweep.spec import CHANGES, SweepSpec, Variant, parse_spec, read_spec, sample_count
from planner.sweep.table import write_table

__all__ = [
    "CHANGES",
    "KPI_KEYS",
    "SweepSpec",
    "Variant",
    "VariantResult",
    "parse_spec",
    "read_spec",
    "run_sweep",
    "sample_count",
    "solve_variant",
    "write_table",
]
