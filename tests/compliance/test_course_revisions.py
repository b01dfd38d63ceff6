"""Course revisions: a stable fingerprint of every module text and quiz version, numbered."""

import pytest

from courses.models import CourseRevision
from tests.compliance.conftest import import_tree
from tests.coursebuilder import module_file


def test_first_import_records_revision_one(imported_course):
    revision = CourseRevision.objects.get(course=imported_course)
    assert imported_course.revision_number == 1 and revision.number == 1
    assert revision.fingerprint == imported_course.revision_fingerprint and len(revision.fingerprint) == 64
    assert sorted(m["slug"] for m in revision.modules.values()) == ["m-1-1", "m-1-2", "m-1-3"]


def test_reimporting_the_same_files_keeps_the_revision(db, course_dir):
    first = import_tree(course_dir)
    again = import_tree(course_dir)
    assert again.revision_number == first.revision_number == 1
    assert CourseRevision.objects.count() == 1


def test_a_changed_module_gives_the_next_revision_and_changing_it_back_keeps_numbering(db, course_dir):
    path = module_file(course_dir, 1, 2)
    original = path.read_text(encoding="utf-8")
    first = import_tree(course_dir)
    path.write_text(original.replace("的正文。", "的正文，改过。"), encoding="utf-8")
    second = import_tree(course_dir)
    assert second.revision_number == 2 and second.revision_fingerprint != first.revision_fingerprint
    path.write_text(original, encoding="utf-8")
    third = import_tree(course_dir)
    assert third.revision_number == 3 and third.revision_fingerprint == first.revision_fingerprint


def test_publishing_in_the_editor_records_a_revision(client, trainer, imported_course):
    from courses.models import Module

    module = Module.objects.get(slug="m-1-1")
    latest = module.revisions.order_by("-number").first()
    client.force_login(trainer)
    response = client.post("/trainer/courses/test-course/m-1-1/edit/", {
        "text": module.source.replace("的正文。", "的正文（新）。"), "base": latest.pk, "action": "publish",
        "change": "editorial"})
    assert response.status_code == 302
    imported_course.refresh_from_db()
    assert imported_course.revision_number == 2
    assert CourseRevision.objects.get(course=imported_course, number=2).modules[str(module.pk)]["revision"] == 2


@pytest.mark.parametrize(("field", "value", "message"), [
    ("valid_for", "12", "field 'valid_for' must be a duration: a number and a unit, e.g. '12 months'"),
    ("valid_for", "forever", "field 'valid_for' must be a duration"),
    ("valid_for", "0 days", "field 'valid_for' must be a duration: at least 1"),
    ("valid_for", "11 years", "field 'valid_for' must be a duration: at most 10 years"),
    ("recertify_within", "2 years", "'recertify_within' (2 years) must be shorter than 'valid_for' (12 months)"),
])
def test_bad_validity_is_reported_with_file_and_line(course_dir, capsys, field, value, message):
    from django.core.management import CommandError, call_command

    from tests.compliance.conftest import set_validity

    set_validity(course_dir, **{"valid_for": "12 months", "window": "30 days",
                                **({"valid_for": value} if field == "valid_for" else {"window": value})})
    with pytest.raises(CommandError):
        call_command("validate_content", str(course_dir.parent))
    errors = capsys.readouterr().err
    line = 5 if field == "valid_for" else 6
    assert f"_course.md:{line}: {message}" in errors


def test_a_window_without_validity_is_refused(course_dir, capsys):
    from django.core.management import CommandError, call_command

    text = (course_dir / "_course.md").read_text(encoding="utf-8")
    with_window = text.replace("pass_mark: 80\n", "pass_mark: 80\nrecertify_within: 1 month\n")
    (course_dir / "_course.md").write_text(with_window, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("validate_content", str(course_dir.parent))
    assert "_course.md:5: 'recertify_within' needs 'valid_for'" in capsys.readouterr().err


def test_validity_is_stored_in_canonical_form(db, course_dir):
    from tests.compliance.conftest import set_validity

    set_validity(course_dir, valid_for="1 年", window="4 周")
    course = import_tree(course_dir)
    assert (course.valid_for, course.recertify_within) == ("1 years", "4 weeks")


@pytest.mark.parametrize(("value", "chinese"), [
    ("12", "字段 'valid_for' 必须是一段时长：数字加单位，例如 '12 个月'、'2 年'、'30 天' 或 '90 days'，而不是 12"),
    ("0 days", "字段 'valid_for' 必须是一段时长：至少为 1，而不是 '0 days'"),
    ("11 years", "字段 'valid_for' 必须是一段时长：最长 10 年，而不是 '11 years'"),
])
def test_bad_validity_is_told_in_the_reader_language_at_its_line(course_dir, value, chinese):
    from django.utils import translation

    from courses.services import content_validate
    from tests.compliance.conftest import set_validity

    set_validity(course_dir, valid_for=value)
    (problem,) = content_validate(root=course_dir.parent)
    assert problem.line == 5 and problem.message.startswith("field 'valid_for' must be a duration: ")
    with translation.override("zh-hans"):
        assert problem.localised() == chinese
    with translation.override("en"):
        assert problem.localised() == problem.message
