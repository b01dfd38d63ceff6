"""Publishing, creating, reordering and moving modules, and file imports, are in the audit log."""

import pytest
from django.core.management import call_command

from audit.models import AuditEntry
from courses.authoring import services
from courses.models import Module
from tests.authoring.conftest import post_text
from tests.coursebuilder import write_course

pytestmark = pytest.mark.django_db
COURSE = "/trainer/courses/test-course/"


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


def test_the_import_command_records_what_it_changed_and_a_rerun_records_nothing(tmp_path):
    write_course(tmp_path, parts=1, modules_per_part=2)
    call_command("import_content", str(tmp_path))
    entry = AuditEntry.objects.get(action="content.import")
    assert entry.actor is None and entry.actor_label == "manage.py import_content"
    assert "test-course" in " ".join(entry.after["created"])
    call_command("import_content", str(tmp_path))
    assert actions().count("content.import") == 1


def test_publishing_records_the_revision_before_and_after(trainer_client, module, trainer):
    before = module.revisions.order_by("-number").first().number
    text = module.source.replace("的正文", "的新正文")
    assert post_text(trainer_client, module, text, action="publish").status_code in (200, 302)
    entry = AuditEntry.objects.get(action="content.publish")
    revision = module.revisions.get(number=before + 1)
    assert entry.actor == trainer and entry.target_id == str(revision.pk)
    assert entry.before == {"revision": before}
    assert entry.after == {"course": "test-course", "module": module.slug, "revision": before + 1,
                           "origin": "editor", "change": "editorial"}


def test_an_unchanged_publish_or_a_draft_records_nothing(trainer_client, module):
    post_text(trainer_client, module, module.source, action="publish")
    post_text(trainer_client, module, module.source.replace("的正文", "的草稿"))
    assert "content.publish" not in actions()


def test_an_invalid_publish_records_nothing(trainer_client, module):
    post_text(trainer_client, module, "---\ntitle: [broken\n---\n", action="publish")
    assert "content.publish" not in actions()


def test_creating_reordering_and_moving_modules_are_recorded(trainer, tmp_path):
    write_course(tmp_path, parts=2, modules_per_part=2)
    call_command("import_content", str(tmp_path))
    first = Module.objects.select_related("course", "part").get(slug="m-1-1")
    services.module_reorder(module=first, direction=1, author=trainer)
    reorder = AuditEntry.objects.get(action="content.reorder")
    assert reorder.actor == trainer and (reorder.before, reorder.after) == (
        {"order": 1}, {"course": "test-course", "order": 2})
    other_part = Module.objects.get(slug="m-2-1").part
    moving = Module.objects.select_related("course", "part").get(slug="m-1-2")
    services.module_move(module=moving, part=other_part, author=trainer)
    move = AuditEntry.objects.get(action="content.move")
    assert move.before == {"part": "part-1", "order": 1}
    assert move.after == {"course": "test-course", "part": "part-2", "order": 3}
    created = services.module_create(course=first.course, part=first.part, slug="m-new", title="新模块",
                                     author=trainer, objective="目标", heading="小节", body="正文")
    entry = AuditEntry.objects.get(action="content.module_create")
    assert entry.target_id == str(created.pk) and entry.after["slug"] == "m-new"
