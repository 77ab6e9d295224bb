"""Write the reference scenario files: ``python -m planner.generate [directory]``.

The directory defaults to ``scenarios``; every file written is printed.
"""

from __future__ import annotations

import sys

from planner.generate import write_reference_scenarios

if __name__ == "__main__":
    for written in write_reference_scenarios(sys.argv[1] if len(sys.argv) > 1 else "scenarios"):
        print(written)
