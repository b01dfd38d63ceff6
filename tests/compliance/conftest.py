import pytest
from django.core.management import call_command

from courses.models import Course
from tests.coursebuilder import write_course

COURSE_WITH_VALIDITY = """\
---
title: 测试课程
slug: test-course
pass_mark: 80
valid_for: {valid_for}
recertify_within: {window}
---
一门用于测试的课程。
"""


def set_validity(course_dir, valid_for: str = "12 months", window: str = "30 days") -> None:
    (course_dir / "_course.md").write_text(COURSE_WITH_VALIDITY.format(valid_for=valid_for, window=window),
                                           encoding="utf-8")


def import_tree(course_dir) -> Course:
    call_command("import_content", str(course_dir.parent))
    return Course.objects.get(slug="test-course")


@pytest.fixture
def expiring_course_dir(tmp_path):
    course_dir = write_course(tmp_path / "content")
    set_validity(course_dir)
    return course_dir


@pytest.fixture
def expiring_course(db, expiring_course_dir):
    return import_tree(expiring_course_dir)
