"""Why demand stays unmet, in the names of the hard rules of ``docs/rules.md``.

:func:`unmet_frame` gives one row per unmet demand line with its reason and an
explanation; :data:`REASONS` lists every reason the table can show and
:data:`NOT_A_REASON` the hard rules that never can, each with why.
"""

from __future__ import annotations

from collections.abc import Sequence

from planner.explain.reasons import NOT_A_REASON, REASONS
from planner.explain.unmet import UNMET_COLUMNS, explain_line, unmet_frame

__all__: Sequence[str] = [
    "NOT_A_REASON",
    "REASONS",
    "UNMET_COLUMNS",
    "explain_line",
    "unmet_frame",
]
