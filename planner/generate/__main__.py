"""Write the reference scenario files: ``python -m planner.generate [directory]``.

The directory defaults to ``scenarios``; every file written is printed.
"""

from __future__ import annotations

import argparse

from planner.generate import write_reference_scenarios

if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        prog="python -m planner.generate", description="Write the reference scenario files."
    )
    parser.add_argument(
        "directory", nargs="?", default="scenarios", help="where to write (default: scenarios)"
    )
    for written in write_reference_scenarios(parser.parse_args().directory):
        print(written)
