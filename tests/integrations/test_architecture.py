"""integrations is a ground-floor app (ARCHITECTURE.md): it imports no other app of ours, and
every setting it reads is documented in the README's configuration table."""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
OUR_APPS = {"accounts", "audit", "directory", "quizzes", "courses", "search", "progress", "hr", "reminders",
            "insights", "demo", "bench", "config"}


def test_integrations_imports_no_app_of_ours():
    for path in (ROOT / "integrations").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            assert not {n.split(".")[0] for n in names} & OUR_APPS, f"{path.name} imports {names}"


def test_every_integrations_setting_is_in_the_readme_configuration_table():
    table = [line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines() if line.startswith("| `")]
    names = [n for n in dir(settings) if re.match(r"(INTEGRATIONS|WECOM|DINGTALK|FEISHU)_", n)]
    assert len(names) >= 20
    for name in names:
        assert any(f"`{name}`" in row for row in table), f"{name} is missing from the README configuration table"
