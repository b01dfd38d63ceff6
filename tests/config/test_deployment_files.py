"""docker-compose.yml and the Dockerfile point at code that exists."""

import importlib
import re
from pathlib import Path

import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_has_the_production_services():
    services = compose()["services"]
    assert {"web", "worker", "beat", "db", "redis", "mailpit", "release"} <= set(services)
    assert services["redis"]["command"][-3:] == ["noeviction", "--appendonly", "yes"]


def test_every_app_command_refers_to_real_code():
    commands = get_commands()
    for name, service in compose()["services"].items():
        words = service.get("command") or []
        text = " ".join(words)
        for target in re.findall(r"gunicorn (\S+)", text):
            module, attribute = target.split(":")
            assert hasattr(importlib.import_module(module), attribute), (name, target)
        if words[:1] == ["celery"]:
            app_module = words[words.index("-A") + 1]
            assert importlib.import_module(app_module).celery_app.main == "ops_academy", name
        for command in re.findall(r"manage\.py (\w+)", text):
            assert command in commands, (name, command)


def test_every_compose_variable_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    for variable in set(re.findall(r"\$\{(\w+)", text)):
        assert f"`{variable}`" in readme, variable


def test_dockerfile_runs_the_same_web_command():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert '"gunicorn", "config.wsgi:application"' in dockerfile
    assert compose()["services"]["web"]["command"][:2] == ["gunicorn", "config.wsgi:application"]


def test_every_environment_variable_the_code_reads_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    readers = r"environ\.get|env_bool|env_list|environ\.setdefault|getenv"
    pattern = re.compile(rf"""(?:{readers})\(\s*["'](\w+)["']""")
    sources = [*(ROOT / "config").rglob("*.py"), *(ROOT / "tests").rglob("*.py")]
    for path in sources:
        for variable in pattern.findall(path.read_text(encoding="utf-8")):
            assert f"`{variable}`" in readme, f"{variable} (read in {path.name}) is not in README.md"
