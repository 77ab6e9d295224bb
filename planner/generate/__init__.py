"""Scenario generators: the Wujiaochang reference scenario and synthetic scale tiers.

:func:`reference_scenario` builds the Wujiaochang subdistrict (Yangpu district, Shanghai)
from the public facts of ``docs/domain.md`` (committee names, grids, residents, area, centre,
calendar) and seeded, generated figures for everything else; :func:`write_reference_scenarios`
writes the two reference files with a header that says which is which.
:func:`generate` builds synthetic scenarios at the subdistrict, district and city tiers.

Every generator is deterministic. It draws only from :class:`random.Random` instances
seeded from its ``seed`` argument, one stream per purpose (``"<seed>/<purpose>"``), so that
the 13- and 26-week reference scenarios share their committees and resources and differ
only where the season length matters (closures, availability, fixtures, demand).

Demand is generated to exceed what the resources can deliver (:func:`capacity_summary`)
by at least :data:`MIN_OVERALL_RATIO` overall and :data:`MIN_PRODUCT_RATIO` for every
product, while every demand line fits at least one resource that serves its committee
and suits its venue, and no committee asks for more than its venue and calendar can take.
A committee has at most three lines per product, each asking for up to 3 stays or
4 events per 13 weeks of season; lines of one committee never wish for the same theme.

The package is split by responsibility:

- :mod:`~planner.generate.reference`: the public facts and the reference scenario files;
- :mod:`~planner.generate.tiers`: :func:`generate` and the tier shapes;
- :mod:`~planner.generate.resources`: one subdistrict (a block) and its resources;
- :mod:`~planner.generate.geography`: locations, subdistrict tiles, grids, committees;
- :mod:`~planner.generate.demand` and :mod:`~planner.generate.catalogue`: demand lines;
- :mod:`~planner.generate.capacity`: what the resources can deliver per product;
- :mod:`~planner.generate.season`: season start, accepted lengths, calendar fixtures;
- :mod:`~planner.generate.vocab` and :mod:`~planner.generate.streams`: vocabularies,
  name makers and the seeded random streams.
"""

from __future__ import annotations

from planner.capacity import capacity_summary
from planner.generate.demand import MIN_OVERALL_RATIO, MIN_PRODUCT_RATIO
from planner.generate.geography import Bounds
from planner.generate.reference import (
    REFERENCE_FILES,
    REFERENCE_SEED,
    WUJIAOCHANG_AREA_KM2,
    WUJIAOCHANG_BOUNDS,
    WUJIAOCHANG_CENTRE,
    WUJIAOCHANG_COMMITTEES,
    WUJIAOCHANG_GRIDS,
    WUJIAOCHANG_POPULATION,
    reference_scenario,
    write_reference_scenarios,
)
from planner.generate.season import SEASON_START, WEEKS_RANGE
from planner.generate.tiers import TIERS, generate

__all__ = [
    "MIN_OVERALL_RATIO",
    "MIN_PRODUCT_RATIO",
    "REFERENCE_FILES",
    "REFERENCE_SEED",
    "SEASON_START",
    "TIERS",
    "WEEKS_RANGE",
    "WUJIAOCHANG_AREA_KM2",
    "WUJIAOCHANG_BOUNDS",
    "WUJIAOCHANG_CENTRE",
    "WUJIAOCHANG_COMMITTEES",
    "WUJIAOCHANG_GRIDS",
    "WUJIAOCHANG_POPULATION",
    "Bounds",
    "capacity_summary",
    "generate",
    "reference_scenario",
    "write_reference_scenarios",
]
