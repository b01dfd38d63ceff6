"""Imports point one way (docs/architecture.md): an app imports only the apps below it.

Every `import` and `from … import` in every module of our apps is read from the source (inside
functions too, so a late import cannot hide an upward dependency).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Each app and the apps it may import directly; what those may import, it may import too.
DIRECT = {
    "audit": set(),
    "integrations": set(),
    "accounts": {"audit", "integrations"},  # the sign-in providers use the platform clients
    "directory": {"accounts", "integrations"},
    "quizzes": {"accounts"},
    "courses": {"quizzes"},
    "search": {"courses"},
    "progress": {"courses"},
    "hr": {"progress"},
    "reminders": {"progress", "integrations"},
    "insights": {"progress"},
    "team": {"hr", "reminders"},  # 团队学习 reads HR's statuses and nudges through reminders
    "demo": {"hr", "reminders", "insights", "directory"},
}
# Wiring, the benchmark harness and the tests may import anything; no app imports them.
UNRESTRICTED = {"config", "bench", "tests"}
OURS = set(DIRECT) | UNRESTRICTED


def allowed(app: str) -> set[str]:
    reachable, todo = set(), list(DIRECT[app])
    while todo:
        other = todo.pop()
        if other not in reachable:
            reachable.add(other)
            todo.extend(DIRECT[other])
    return reachable | {app}


def imported_apps(path: Path) -> set[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {(alias.name.split(".")[0], node.lineno) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.module.split(".")[0], node.lineno))
    return {(name, line) for name, line in found if name in OURS}


def app_sources(app: str) -> list[Path]:
    folder = ROOT / app
    return sorted(folder.rglob("*.py")) if folder.is_dir() else []


def test_every_top_level_package_is_declared():
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    assert packages - OURS == set(), "declare new apps in DIRECT (and in docs/architecture.md)"


def test_apps_import_only_apps_below_them():
    wrong = []
    for app in DIRECT:
        permitted = allowed(app) - UNRESTRICTED
        for path in app_sources(app):
            for name, line in sorted(imported_apps(path)):
                if name not in permitted:
                    wrong.append(f"{path.relative_to(ROOT)}:{line}: {app} imports {name}")
    assert wrong == [], "\n".join(wrong)


def test_the_three_reporting_apps_and_demo_stay_apart():
    for app in ("hr", "reminders", "insights"):
        assert not allowed(app) & ({"hr", "reminders", "insights", "demo"} - {app}), app
    assert not allowed("progress") & {"hr", "reminders", "insights", "demo"}
    assert [app for app in DIRECT if "demo" in allowed(app) - {"demo"}] == []


def test_the_checker_sees_a_late_upward_import(tmp_path):
    module = tmp_path / "late.py"
    module.write_text("def f():\n    from hr.services import export_start\n", encoding="utf-8")
    assert imported_apps(module) == {("hr", 2)}
