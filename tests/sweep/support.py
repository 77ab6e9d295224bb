"""A tiny base scenario and sweep files for the sweep tests."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.factories import ask, base_data, numbered, trainer, troupe


def write_base(folder: Path) -> Path:
    """Write a three-committee, four-week scenario (one trainer, one troupe, seven
    performances and two courses asked for) as ``tiny.yaml``; return its path."""
    data = base_data(weeks=4, committees=3)
    data["resources"] = {"trainers": [trainer("N1")], "troupes": [troupe("T1")]}
    data["demand"] = numbered(
        [
            ask("C1", "fitness_course"),
            ask("C2", "fitness_course"),
            ask("C1", "performance", 2),
            ask("C2", "performance", 2),
            ask("C3", "performance", 3),
        ]
    )
    path = folder / "tiny.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


SPEC = """\
base: tiny.yaml
solve: {time_limit: 20, seed: 3, relative_gap: 0}
variants:
  - name: 现状
  - name: 多一位教练
    add_trainer: {id: N2, name: 新教练, skills: [太极], home_grid: G1}
  - name: 剧团外出
    remove_unit: {id: T1, weeks: [1, 2]}
  - name: 演出加倍
    scale_demand: {factor: 2, product: performance}
  - name: 第2周停摆
    close_weeks: {weeks: [2]}
  - name: 抽样
    monte_carlo: {samples: 3, seed: 1, demand_cv: 0.5}
"""


def write_spec(folder: Path, text: str = SPEC) -> Path:
    """Write the base scenario and a sweep file beside it; return the sweep file."""
    write_base(folder)
    path = folder / "sweep.yaml"
    path.write_text(text, encoding="utf-8")
    return path
