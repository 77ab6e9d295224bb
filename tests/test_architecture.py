"""The floors of the house: which package may import what (see docs/architecture.md)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLANNER = ROOT / "planner"

#: Third-party packages that only one room may import, and that room.
CONFINED = {
    "ortools": "planner/solver/",
    "matplotlib": "planner/plotting/",
    "dask": "planner/sweep/",
    "distributed": "planner/sweep/",
    "fastapi": "api/",
    "sqlalchemy": "api/",
    "alembic": "api/",
    "icalendar": "planner/io/ical.py",
}

#: The floors of docs/architecture.md: each package or module of planner/ and its floor.
#: A module may import the project's modules of its own floor and the floors below.
FLOORS: dict[str, int] = {
    **dict.fromkeys(("scenario", "plan", "params", "result", "i18n"), 0),  # data, catalogue
    "wording": 1,  # words
    **dict.fromkeys(("options", "network", "capacity", "ledger"), 2),  # static facts
    **dict.fromkeys(("solver", "baseline"), 3),  # solving
    **dict.fromkeys(
        (
            "validate",
            "kpis",
            "levels",
            "fairness",
            "explain",
            "report",
            "frames",
            "score",
            "publish",
            "robust",
            "decompose",
        ),
        4,
    ),
    **dict.fromkeys(
        (
            "io",
            "cli",
            "cli_init",
            "cli_sweep",
            "cli_report",
            "cli_language",
            "cli_progress",
            "cli_summary",
            "cli_support",
            "generate",
            "sweep",
            "__init__",
        ),
        5,
    ),  # files and people
}

#: What the solver-free validator may import from the project.
VALIDATOR_MAY_IMPORT = (
    "planner.scenario",
    "planner.plan",
    "planner.i18n",
    "planner.wording",
    "planner.validate",
)
#: Folders of planner/ that hold data, not code (the message catalogues).
DATA_FOLDERS = {"locale"}


def _imports(path: Path) -> list[str]:
    """The modules a Python file imports (absolute imports; the project uses no others)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    imported: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "planner":  # from planner import wording: the module
                imported.extend(f"planner.{alias.name}" for alias in node.names)
            else:
                imported.append(node.module)
    return imported


def _modules(root: Path) -> Iterator[tuple[str, list[str]]]:
    """Every Python file under ``root``: its posix path and the modules it imports."""
    for path in sorted(root.rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), _imports(path)


def test_confined_packages_are_imported_only_in_their_room() -> None:
    """OR-Tools only in planner/solver/, matplotlib only in planner/plotting/, Dask only
    in planner/sweep/, FastAPI and SQLAlchemy only in api/, icalendar only in
    planner/io/ical.py."""
    wrong = [
        f"{name} imports {module}"
        for root in (PLANNER, ROOT / "api")
        if root.exists()
        for name, imported in _modules(root)
        for module in imported
        if (room := CONFINED.get(module.split(".")[0])) is not None and not name.startswith(room)
    ]
    assert wrong == []


def test_planner_never_imports_the_service() -> None:
    """Floors only point down: nothing in planner/ imports api/."""
    wrong = [
        f"{name} imports {module}"
        for name, imported in _modules(PLANNER)
        for module in imported
        if module == "api" or module.startswith("api.")
    ]
    assert wrong == []


def test_validator_imports_only_the_scenario_the_plan_and_the_wording() -> None:
    """The validator is the independent check of the solver: from the project it
    imports only the scenario, the plan and the wording (no solver, options, ledger,
    KPIs or baseline)."""
    validator = [PLANNER / "validate.py"] if (PLANNER / "validate.py").exists() else []
    validator += sorted((PLANNER / "validate").rglob("*.py"))
    assert validator
    wrong = []
    for path in validator:
        for module in _imports(path):
            if module.split(".")[0] == "planner" and not module.startswith(VALIDATOR_MAY_IMPORT):
                wrong.append(f"{path.relative_to(ROOT).as_posix()} imports {module}")
    assert wrong == []


def test_only_the_entry_points_reach_the_solver() -> None:
    """Reading a plan needs no solver: outside planner/solver/ only the package's lazy
    ``planner.solve``, the command line and the rooms that run many solves (sweeps,
    robust candidates, the parts of a scenario split by subdistrict) import it."""
    allowed = {"planner/__init__.py", "planner/cli.py"}
    rooms = ("planner/solver/", "planner/sweep/", "planner/robust/", "planner/decompose/")
    wrong = [
        f"{name} imports {module}"
        for name, imported in _modules(PLANNER)
        if not name.startswith(rooms) and name not in allowed
        for module in imported
        if module == "planner.solver" or module.startswith("planner.solver.")
    ]
    assert wrong == []


def _floor(module_path: str) -> int:
    """The floor of ``planner.<name>...`` or of the file ``planner/<name>...``."""
    name = module_path.replace("/", ".").split(".")[1]
    return FLOORS[name.removesuffix(".py")]


def test_every_module_of_planner_has_a_floor() -> None:
    """Every package and module of planner/ is on one floor of the table."""
    names = {p.name.removesuffix(".py") for p in PLANNER.iterdir() if p.name != "__pycache__"}
    assert names - DATA_FOLDERS == set(FLOORS)


def test_imports_point_down_the_floors() -> None:
    """No module imports one of a higher floor (data, words, static facts, solving,
    reading a plan, files and people)."""
    wrong = [
        f"{name} (floor {_floor(name)}) imports {module} (floor {_floor(module)})"
        for name, imported in _modules(PLANNER)
        for module in imported
        if module.startswith("planner.") and _floor(module) > _floor(name)
    ]
    assert wrong == []
