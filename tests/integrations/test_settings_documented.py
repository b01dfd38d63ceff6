"""Every setting the integrations read is documented in the README's configuration table (the
import direction is checked for every app by tests/config/test_architecture.py)."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
def test_every_integrations_setting_is_in_the_readme_configuration_table():
    table = [line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines() if line.startswith("| `")]
    names = [n for n in dir(settings) if re.match(r"(INTEGRATIONS|WECOM|DINGTALK|FEISHU)_", n)]
    assert len(names) >= 20
    for name in names:
        assert any(f"`{name}`" in row for row in table), f"{name} is missing from the README configuration table"
