"""Lists of names written with a Chinese comma: ``themes: [沪剧，越剧]``.

YAML separates the items of a list only with an ASCII comma. A full-width ``，`` or an
ideographic ``、`` typed with a Chinese input method leaves the list one item long
(``沪剧，越剧``), which no resource offers, so a demand line would go unmet without a
word. An item of a list of names that holds one of them is named as an input problem.
"""

from __future__ import annotations

from planner.scenario.messages import message
from planner.scenario.model import Scenario
from planner.scenario.problems import Loc, Problem

#: The characters a Chinese input method types for a comma between list items.
LIST_COMMAS = ("，", "、")


def name_list_problems(s: Scenario) -> list[Problem]:
    """A problem for each item of a list of names (themes, topics, skills) that holds
    a Chinese comma."""
    lists: list[tuple[Loc, list[str]]] = [
        (("season", "fixtures", i, "themes"), f.themes) for i, f in enumerate(s.season.fixtures)
    ]
    lists += [
        (("resources", "lecturers", i, "topics"), r.topics)
        for i, r in enumerate(s.resources.lecturers)
    ]
    lists += [
        (("resources", "trainers", i, "skills"), r.skills)
        for i, r in enumerate(s.resources.trainers)
    ]
    lists += [(("demand", i, "themes"), d.themes) for i, d in enumerate(s.demand)]
    out: list[Problem] = []
    for loc, names in lists:
        for j, name in enumerate(names):
            char = next((c for c in LIST_COMMAS if c in name), None)
            if char is not None:
                out.append(Problem((*loc, j), message("comma_in_name", item=name, char=char)))
    return out


__all__ = ["LIST_COMMAS", "name_list_problems"]
