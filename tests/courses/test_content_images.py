"""Module images come from this site or from CONTENT_IMAGE_HOSTS only: no tracking pixels."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from courses.content.sanitise import render_markdown
from tests.coursebuilder import module_file, module_text

ROOT = Path(__file__).resolve().parents[2]


def write_module(course_dir, body: str):
    path = module_file(course_dir, 1, 1)
    path.write_text(module_text(body, slug="m-1-1"), encoding="utf-8")
    return path


OUTSIDE = [
    "![像素](https://tracker.example.net/p.gif?u=1)",
    '<img src="//tracker.example.net/p.gif">',
    "<IMG SRC='http://tracker.example.net/p.gif'>",
    "![像素][pixel]\n\n[pixel]: https://tracker.example.net/p.gif",
]


@pytest.mark.parametrize("image", OUTSIDE)
def test_validation_names_the_line_of_an_image_from_another_host(course_dir, capsys, image):
    module = write_module(course_dir, f"## 第一节\n\n正文。\n\n{image}\n")
    with pytest.raises(CommandError):
        call_command("validate_content", str(module))
    out = capsys.readouterr().err
    line = module.read_text(encoding="utf-8").split("\n").index(image.split("\n")[0]) + 1
    assert f"{module.name}:{line}: image " in out and "tracker.example.net" in out


def test_same_site_images_are_fine(course_dir, capsys):
    module = write_module(course_dir, "## 第一节\n\n![图](/static/img/favicon.svg)\n\n![图](figure.png)\n")
    call_command("validate_content", str(module))
    assert "content is valid" in capsys.readouterr().out


@override_settings(CONTENT_IMAGE_HOSTS=["cdn.example.com"])
def test_a_listed_host_is_allowed_over_https_only(course_dir, capsys):
    module = write_module(course_dir, "## 第一节\n\n![图](https://cdn.example.com/a.png)\n\n"
                                      "![图](http://cdn.example.com/b.png)\n")
    with pytest.raises(CommandError):
        call_command("validate_content", str(module))
    out = capsys.readouterr().err
    assert "b.png" in out and "a.png" not in out


@pytest.mark.parametrize("image", OUTSIDE)
def test_the_sanitiser_drops_what_validation_would_refuse(image):
    html, _ = render_markdown(image)
    assert "tracker.example.net" not in html


def test_the_page_csp_allows_images_from_this_site_only(client, db):
    policy = client.get("/").headers["Content-Security-Policy"]
    directive = next(part.strip() for part in policy.split(";") if part.strip().startswith("img-src"))
    assert directive == "img-src 'self'"


def test_the_csp_names_the_configured_hosts():
    env = {**os.environ, "CONTENT_IMAGE_HOSTS": "cdn.example.com, IMG.example.cn",
           "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    code = "import django; django.setup(); from django.conf import settings; " \
           "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[\"'self'\", 'https://cdn.example.com', 'https://img.example.cn']"
