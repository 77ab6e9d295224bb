"""Seeded random streams.

Every generator draws only from :class:`random.Random` instances made here, one stream
per purpose (``"<seed>/<purpose>"``), so that what one purpose draws never shifts another.
"""

from __future__ import annotations

import random


def _rng(seed: int | str, purpose: str) -> random.Random:
    """A random stream for one purpose, seeded from the caller's seed only."""
    return random.Random(f"{seed}/{purpose}")
