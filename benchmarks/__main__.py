"""``python -m benchmarks``: the benchmark suite's command line (see ``benchmarks/README.md``)."""

from benchmarks.suite import main

if __name__ == "__main__":
    raise SystemExit(main())
