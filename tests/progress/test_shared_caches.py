"""What may be cached is shared by all learners and keyed by content versions only; nothing a
trainer types is ever replaced by something per learner (issue 12 §4, issue 14 §1)."""

import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from courses.models import Module
from quizzes.models import Attempt
from quizzes.selectors import current_questions
from tests.coursebuilder import module_file
from tests.factories import UserFactory

MODULE_URL = "/courses/test-course/m-1-1/"
# The old page cache's stand-in for the CSRF token, and other strings a cache might have swapped.
MARKERS = ["csrf0placeholder0module0page", "{{ csrf_token }}", "%CSRF%", "__csrf__", "NOTPROVIDED"]


@pytest.fixture
def trap_module(imported_course, course_dir):
    path = module_file(course_dir)
    text = path.read_text(encoding="utf-8").replace("的正文。", "的正文。\n\n" + " ".join(
        f"![{n}](/static/img/{marker}.png) 标记{n}：{marker}" for n, marker in enumerate(MARKERS)) + "\n")
    path.write_text(text, encoding="utf-8")
    call_command("import_content", str(course_dir.parent))
    return Module.objects.get(slug="m-1-1")


def _token(client) -> str:
    return client.cookies["csrftoken"].value


def test_trainer_text_that_looks_like_a_placeholder_is_shown_verbatim(trap_module, learner_client):
    for _ in range(2):  # first view and repeat view
        page = learner_client.get(MODULE_URL).content.decode()
        article = page[page.index('class="module-article"'):page.index('id="quiz"')]
        for marker in MARKERS:
            assert f"/static/img/{marker}.png" in article or f"/static/img/{marker.replace('%', '%25')}.png" in article
        token = _token(learner_client)
        assert token not in article  # the session's token appears only in the forms' hidden inputs
        assert 'name="csrfmiddlewaretoken"' in page


def _cache_dump() -> str:
    """Everything in the (local-memory) cache, as text."""
    return " ".join(repr(cache.get(key.split(":", 2)[-1])) for key in list(cache._cache.keys()))


def test_no_cached_fragment_holds_a_learners_data_or_a_token(trap_module, learner, learner_client):
    other = UserFactory(email="zhang.san@example.com", display_name="张三丰")
    other_client = Client()
    other_client.force_login(other)
    for client in (learner_client, other_client):
        client.get(MODULE_URL)
        client.get("/courses/test-course/")
        client.get("/me/")
    dump = _cache_dump()
    assert "course-structure" in " ".join(cache._cache.keys())  # the outline structure is cached
    for person in (learner, other):
        assert person.email not in dump and person.display_name not in dump
    for client in (learner_client, other_client):
        assert _token(client) not in dump
    for attempt in Attempt.objects.all():
        for token, _key in attempt.layout["q-one"]["choices"]:
            assert token not in dump  # per-attempt option tokens never reach a shared cache


def test_cached_quiz_content_is_per_version_and_holds_no_attempt(trap_module, learner_client, learner, course_dir):
    learner_client.get(MODULE_URL)
    questions = current_questions(trap_module.quiz)
    assert all(not hasattr(q, "layout") and not hasattr(q, "user_id") for q in questions)
    path = module_file(course_dir)
    path.write_text(path.read_text(encoding="utf-8").replace("第一题？", "第一题（新）？"), encoding="utf-8")
    call_command("import_content", str(course_dir.parent))
    trap_module.quiz.refresh_from_db()
    assert "第一题（新）？" in current_questions(trap_module.quiz)[0].text_html


def test_the_outline_structure_changes_with_the_content_at_once(learner_client, imported_course, course_dir):
    assert "模块2" in learner_client.get("/courses/test-course/").content.decode()
    path = module_file(course_dir, 1, 2)
    path.write_text(re.sub(r"^title: .*$", "title: 改名的模块", path.read_text(encoding="utf-8"), count=1,
                           flags=re.M), encoding="utf-8")
    call_command("import_content", str(course_dir.parent))
    page = learner_client.get("/courses/test-course/").content.decode()
    assert "改名的模块" in page
    assert "改名的模块" in learner_client.get(MODULE_URL).content.decode()  # the "next" link too
