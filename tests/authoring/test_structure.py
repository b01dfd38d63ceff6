"""Reorder modules within a part and move them between parts: the text, the positions and the
history all follow, and a pending draft is kept in step."""

import pytest
from django.core.management import call_command

from courses.models import Module
from tests.authoring.conftest import post_text
from tests.coursebuilder import write_course

COURSE = "/trainer/courses/test-course/"


@pytest.fixture
def two_parts(db, tmp_path):
    write_course(tmp_path, parts=2, modules_per_part=2)
    call_command("import_content", str(tmp_path))


def outline() -> list[tuple[str, str, int, int]]:
    return list(Module.objects.live().order_by("position").values_list("part__slug", "slug", "order", "position"))


def test_move_a_module_down_and_up(trainer_client, two_parts):
    assert trainer_client.post(COURSE + "m-1-1/move/down/").status_code == 302
    assert outline() == [("part-1", "m-1-2", 1, 1), ("part-1", "m-1-1", 2, 2),
                         ("part-2", "m-2-1", 1, 3), ("part-2", "m-2-2", 2, 4)]
    moved = Module.objects.get(slug="m-1-1")
    assert "\norder: 2\n" in moved.source
    assert moved.revisions.order_by("-number").first().origin == "reorder"
    trainer_client.post(COURSE + "m-1-1/move/up/")
    assert [row[1] for row in outline()] == ["m-1-1", "m-1-2", "m-2-1", "m-2-2"]
    trainer_client.post(COURSE + "m-1-1/move/up/")  # already first: nothing happens
    assert Module.objects.get(slug="m-1-1").revisions.count() == 3


def test_move_a_module_to_another_part(trainer_client, two_parts, learner_client):
    target = Module.objects.get(slug="m-2-1").part
    assert trainer_client.post(COURSE + "m-1-1/move/", {"part": target.pk}).status_code == 302
    assert outline() == [("part-1", "m-1-2", 2, 1), ("part-2", "m-2-1", 1, 2),
                         ("part-2", "m-2-2", 2, 3), ("part-2", "m-1-1", 3, 4)]
    page = learner_client.get("/courses/test-course/").content.decode()
    assert [page.index(f"/courses/test-course/{slug}/") for slug in ("m-1-2", "m-2-1", "m-2-2", "m-1-1")] \
        == sorted(page.index(f"/courses/test-course/{slug}/") for slug in ("m-1-2", "m-2-1", "m-2-2", "m-1-1"))


def test_reorder_keeps_a_pending_draft_in_step(trainer_client, two_parts):
    module = Module.objects.get(slug="m-1-1")
    post_text(trainer_client, module, module.source.replace("的正文", "的草稿"), action="draft")
    trainer_client.post(COURSE + "m-1-1/move/down/")
    module.refresh_from_db()
    latest = module.revisions.order_by("-number").first()
    assert latest.is_draft and "\norder: 2\n" in latest.source and "的草稿" in latest.source
    assert "的草稿" not in module.body_html and "\norder: 2\n" in module.source


def test_course_page_lists_parts_modules_and_statuses(trainer_client, two_parts):
    page = trainer_client.get(COURSE).content.decode()
    assert page.count('class="authoring-module"') == 4 and "第2部分" in page
