"""``cultplan init``: a small, commented starter scenario that validates and solves.

The file is a starting point for a planner's own season: one grid, three committees,
a book set, a board set, a troupe, a lecturer and a trainer, with a demand line or two
each, every part commented. The comments are in the current language (Chinese by
default, see :mod:`planner.i18n`); the names are Chinese in both, as in a Shanghai
subdistrict. Each comment block is one text per language, kept here side by side
rather than in the message catalogue, because a translator must see the YAML around it.
"""

from __future__ import annotations

from pathlib import Path

from planner.i18n import current_language

#: The YAML of the starter scenario; ``{c[key]}`` are its comments.
_TEMPLATE = """\
# {c[head]}
# {c[check]}
#   cultplan validate {path}
#   cultplan solve {path} --out plan
# {c[schema]}

name: 示例街道 春季文化配送
season:
  start: 2027-03-01          # {c[start]}
  weeks: 8                   # {c[weeks]}
  closed_weeks: []           # {c[closed]}
  fixtures:                  # {c[fixtures]}
    - {{id: reading-month, name: 读书月, weeks: [3, 4], product: book_set, bonus: 1.0}}

# {c[centre]}
centre: {{id: centre, name: 示例社区文化中心, location: {{lat: 31.300, lon: 121.514}}}}
grids:
  - id: G1
    name: 第一网格
    subcentre: {{id: S1, name: 第一分中心, location: {{lat: 31.302, lon: 121.510}}}}

# {c[committees]}
committees:
  - id: C01
    name: 示例一居委会
    grid: G1
    population: 4200         # {c[population]}
    location: {{lat: 31.301, lon: 121.507}}
    venue: {{audience_capacity: 80, stage: true, fitness_floor: true}}
    max_events_per_week: 2   # {c[events]}
  - id: C02
    name: 示例二居委会
    grid: G1
    population: 3100
    location: {{lat: 31.305, lon: 121.512}}
    venue: {{audience_capacity: 50, fitness_floor: true}}
  - id: C03
    name: 示例三居委会
    grid: G1
    population: 2600
    location: {{lat: 31.298, lon: 121.516}}
    venue: {{fitness_floor: true}}
    closed_weeks: [5]        # {c[committee_closed]}

# {c[resources]}
resources:
  book_sets:  [{{id: B01, title: 上海故事, theme: 地方史, copies: 2, stay_weeks: 4}}]
  board_sets: [{{id: E01, title: 垃圾分类新时尚, theme: 垃圾分类, stay_weeks: 2}}]
  van: {{moves_per_week: 2, depot: centre}}
  troupes:    [{{id: T01, name: 示例沪剧团, genre: 沪剧, shows_per_week: 1, home_grid: G1}}]
  lecturers:  [{{id: L01, name: 王老师, topics: [健康养生], sessions_per_week: 1}}]
  trainers:   [{{id: R01, name: 李教练, skills: [太极], home_grid: G1, course_weeks: 4}}]

# {c[demand]}
demand:
  - {{id: C01/book_set/1, committee: C01, product: book_set, count: 1}}
  - {{id: C01/performance/1, committee: C01, product: performance, count: 2, themes: [沪剧]}}
  - {{id: C02/exhibition/1, committee: C02, product: exhibition, count: 1}}
  - {{id: C02/lecture/1, committee: C02, product: lecture, count: 2, preferred_weeks: [2, 3]}}
  - {{id: C03/book_set/1, committee: C03, product: book_set, count: 1}}
  - {{id: C03/fitness_course/1, committee: C03, product: fitness_course, count: 1}}

# {c[objective]}
objective: {{coverage: 100, fairness: 10, travel: 0.1}}
# {c[pins]}
pins: []
"""

#: The comments of the starter scenario, by language.
_COMMENTS: dict[str, dict[str, str]] = {
    "zh_CN": {
        "head": "cultplan 入门场景：改成本街道的居委、资源和需求即可。",
        "check": "改完后检查并求解：",
        "schema": "每个字段的含义：cultplan schema",
        "start": "第1周从这天开始，须为星期一",
        "weeks": "本季周数",
        "closed": "各处都不配送的周",
        "fixtures": "固定活动：在这些周偏好某种产品",
        "centre": "文化中心和网格（每个网格有一个分中心）",
        "committees": "接收配送的居委；id 用于引用，name 给人看",
        "population": "居民人数",
        "events": "每周最多的演出、讲座和课程场次",
        "committee_closed": "该居委不接收配送的周",
        "resources": "资源：图书套、展板套、货车、团队、讲师、教练",
        "demand": "需求：每个居委要什么、要几次",
        "objective": "目标权重（这里是默认值）",
        "pins": "锁定：已公布、必须保留的配送",
    },
    "en": {
        "head": "cultplan starter scenario: change it to your subdistrict's committees, "
        "resources and demand.",
        "check": "Then check and solve it:",
        "schema": "What each field means: cultplan schema",
        "start": "week 1 starts on this day, a Monday",
        "weeks": "length of the season in weeks",
        "closed": "weeks nothing is delivered anywhere",
        "fixtures": "fixtures: favour a product in their weeks",
        "centre": "the culture centre and the grids (each grid has a sub-centre)",
        "committees": "the committees that receive deliveries; the id is for references, "
        "the name for people",
        "population": "residents",
        "events": "most performances, lectures and course sessions a week",
        "committee_closed": "weeks this committee receives nothing",
        "resources": "resources: book sets, board sets, the van, troupes, lecturers, trainers",
        "demand": "demand lines: what each committee asks for, and how many",
        "objective": "weights of the plan's goals (the defaults here)",
        "pins": "pins: deliveries already published that must stay",
    },
}


def starter_text(path: str = "scenario.yaml", language: str | None = None) -> str:
    """Return the starter scenario's YAML, commented in ``language`` (default: the
    current language; a language without comments of its own gets the Chinese ones)."""
    lang = language or current_language()
    comments = _COMMENTS.get(lang, _COMMENTS["zh_CN"])
    return _TEMPLATE.format(c=comments, path=path)


def write_starter(path: Path, force: bool = False) -> bool:
    """Write the starter scenario to ``path``; False (nothing written) when the file
    exists and ``force`` is not given."""
    if path.exists() and not force:
        return False
    path.write_text(starter_text(str(path)), encoding="utf-8")
    return True


__all__ = ["starter_text", "write_starter"]
