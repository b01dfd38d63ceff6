"""Stored XSS: whatever a trainer writes into titles and quiz text, HR pages show it as text."""

import json
from pathlib import Path

import pytest
from django.utils.html import escape

from courses.services import ContentInvalid, module_source, module_upsert

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "security" / "xss-rsnake.txt"
HAND = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\"><svg onload=alert(1)>",
        "javascript:alert(1)", "'><iframe src=javascript:alert(1)>"]


def vectors() -> list[str]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines() if CORPUS.exists() else []
    return HAND + [line for line in lines if line.strip()]


def retitle(module, title: str) -> None:
    text = module.source.replace(f"title: {module.title}", "title: " + json.dumps(title))
    module_upsert(course=module.course, part=module.part, source=module_source(text=text), module=module)


@pytest.mark.parametrize("vector", vectors())
def test_module_titles_are_escaped_on_hr_pages(hr_client, org, vector):
    module = org["modules"][0]
    if len(vector.strip()) > 200:  # longer than a title may be: refused, nothing stored
        with pytest.raises(ContentInvalid):
            retitle(module, vector)
        return
    retitle(module, vector)
    module.refresh_from_db()
    assert module.title == vector.strip()
    pages = [hr_client.get(f"/hr/matrix/?course={org['course'].pk}").content.decode(),
             hr_client.get(f"/hr/learners/{org['ops'][0].pk}/").content.decode()]
    for page in pages:
        assert escape(module.title) in page
        if "<" in module.title:
            assert module.title not in page
