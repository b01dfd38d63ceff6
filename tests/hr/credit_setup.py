"""A course with 学时 in its front matter, and a way to complete its modules as a browser does."""

from pathlib import Path

from django.core.management import call_command

from courses.models import Course
from progress.models import ModuleProgress
from tests.coursebuilder import module_file, write_course
from tests.quizhelpers import submit


def add_front_matter(path: Path, *lines: str) -> None:
    text = path.read_text(encoding="utf-8")
    head, rest = text.split("\n", 1)  # the opening '---'
    path.write_text(head + "\n" + "".join(f"{line}\n" for line in lines) + rest, encoding="utf-8")


def write_credit_course(root: Path) -> Path:
    """Course default 2 h of 安全生产 and half the minutes (10) as active time; module 1 grants
    1.5 h, module 2 counts under 专业技能, module 3 takes the defaults."""
    course = write_course(root)
    add_front_matter(course / "_course.md", "credit_hours: 2", "credit_category: 安全生产", "credit_min_active: 50")
    add_front_matter(module_file(course, 1, 1), "credit_hours: 1.5")
    add_front_matter(module_file(course, 1, 2), "credit_category: 专业技能")
    return course


def import_credit_course(root: Path) -> Course:
    write_credit_course(root)
    call_command("import_content", str(root))
    return Course.objects.get(slug="test-course")


def complete_module(client, user, number: int, *, active_seconds: int = 0) -> None:
    url = f"/courses/test-course/m-1-{number}/"
    submit(client, user, right=True, url=url + "quiz/")
    client.post(url + "read/")
    if active_seconds:
        ModuleProgress.objects.filter(user=user, module__slug=f"m-1-{number}").update(active_seconds=active_seconds)
