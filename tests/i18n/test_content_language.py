"""Course text carries the course's own language; the interface keeps the reader's. The language
menu changes nothing until its button is pressed (WCAG 3.2.2)."""

import re

import pytest
from django.core.management import call_command

from courses.services import content_validate


def test_course_text_is_marked_with_the_course_language_in_either_interface(learner_client, imported_course):
    assert imported_course.language == "zh-Hans"
    learner_client.cookies["django_language"] = "en"
    page = learner_client.get("/courses/test-course/m-1-1/").content.decode()
    assert '<html lang="en">' in page
    assert '<div class="prose" lang="zh-Hans">' in page and '<h1 lang="zh-Hans">模块1</h1>' in page
    assert re.search(r'<div class="question-text" lang="zh-Hans"><p>第一题？</p>', page)


def test_a_course_written_in_english_says_so(learner_client, course_dir):
    course_file = course_dir / "_course.md"
    course_file.write_text(course_file.read_text(encoding="utf-8").replace(
        "pass_mark: 80\n", "pass_mark: 80\nlanguage: en\n"), encoding="utf-8")
    call_command("import_content", str(course_dir.parent))
    page = learner_client.get("/courses/test-course/m-1-1/").content.decode()
    assert '<html lang="zh-hans">' in page and '<div class="prose" lang="en">' in page


def test_an_unknown_course_language_is_refused_with_its_line(course_dir):
    course_file = course_dir / "_course.md"
    course_file.write_text(course_file.read_text(encoding="utf-8").replace(
        "pass_mark: 80\n", "pass_mark: 80\nlanguage: chinese\n"), encoding="utf-8")
    problems = [str(p) for p in content_validate(root=course_dir.parent)]
    assert any("_course.md:5" in p and "language" in p and "zh-Hans" in p for p in problems), problems


@pytest.mark.django_db
def test_language_menu_waits_for_its_button(client):
    page = client.get("/accounts/login/").content.decode()
    form = page[page.index('<form class="language-form"'):]
    form = form[:form.index("</form>")]
    assert "data-autosubmit" not in form
    assert re.search(r'<button type="submit" class="button button-small">', form)
    assert '<option value="zh-hans" lang="zh-Hans" selected>简体中文</option>' in form
