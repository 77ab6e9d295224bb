"""The benchmark's instances: a tier name and a seed give one scenario, the same every time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from planner.generate import generate, reference_scenario
from planner.io import read_scenario
from planner.scenario import Scenario

#: Each tier: how a seed makes its scenario, and its default time limit in seconds.
#: The reference tiers are the bundled reference scenarios (``scenarios/``), one
#: instance each: there the seed is only the solvers' seed. The generated tiers take
#: the seed as the instance's seed too (``cultplan generate --tier TIER --seed N``).
TIERS: dict[str, tuple[Callable[[int], Scenario], float]] = {
    "reference13": (lambda seed: reference_scenario(13), 30.0),
    "reference26": (lambda seed: reference_scenario(26), 60.0),
    "small": (lambda seed: generate("subdistrict", seed, weeks=4), 5.0),
    "subdistrict": (lambda seed: generate("subdistrict", seed), 10.0),
    "district": (lambda seed: generate("district", seed), 60.0),
    "city": (lambda seed: generate("city", seed), 600.0),
}

#: Prefix of a tier naming a scenario file (``file:path/to/scenario.yaml``).
FILE_PREFIX = "file:"


def check_tier(tier: str) -> None:
    """Raise ValueError unless ``tier`` is a name of :data:`TIERS` or ``file:PATH``."""
    if tier.startswith(FILE_PREFIX):
        if not Path(tier[len(FILE_PREFIX) :]).is_file():
            raise ValueError(f"no scenario file {tier[len(FILE_PREFIX) :]!r}")
        return
    if tier not in TIERS:
        raise ValueError(f"unknown tier {tier!r}; expected one of {', '.join(TIERS)} or file:PATH")


def default_time_limit(tier: str) -> float:
    """The tier's default time limit in seconds (10 s for a scenario file)."""
    return TIERS[tier][1] if tier in TIERS else 10.0


def load(tier: str, seed: int) -> Scenario:
    """The scenario of ``tier`` and ``seed`` (a scenario file ignores the seed)."""
    check_tier(tier)
    if tier.startswith(FILE_PREFIX):
        return read_scenario(tier[len(FILE_PREFIX) :])
    return TIERS[tier][0](seed)
