"""cultplan's benchmarks.

``python -m benchmarks run`` is the benchmark suite of issue 11 (see
``benchmarks/README.md``): seeded instances at each tier, each solved by cultplan and by
its peers (the same model given whole to HiGHS, and CP-SAT's default search), every
run in a process of its own. The other modules of this folder are older single-purpose
scripts, run as ``python benchmarks/NAME.py``.
"""
