"""A module page seen again comes from the render cache, and still shows every change at once."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError

from accounts.roles import role_grant
from courses.authoring.services import module_reorder
from progress.models import Enrollment, ModuleProgress
from quizzes.models import Quiz
from tests.coursebuilder import module_file
from tests.factories import UserFactory
from tests.quizhelpers import MODULE_URL, submit

OTHER_URL = "/courses/test-course/m-1-2/"


def cached_view(client, url: str = MODULE_URL) -> str:
    """Visit until the page comes from the cache (three queries: session, user, fingerprint)."""
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        if len(queries) <= 3:
            return page
    raise AssertionError(f"{url} is rendered on every visit")


@pytest.fixture
def warm(learner_client, imported_course):
    cached_view(learner_client)
    return learner_client


def test_marking_as_read_shows_at_once(warm):
    warm.post(MODULE_URL + "read/")
    assert "你已读完本模块" in warm.get(MODULE_URL).content.decode()


def test_a_submitted_quiz_shows_its_result_and_a_fresh_form(warm, learner):
    attempt, _ = submit(warm, learner, right=False)
    page = warm.get(MODULE_URL).content.decode()
    assert "尚未通过" in page
    assert f'name="attempt" value="{attempt.pk}"' not in page


def test_a_content_change_shows_at_once(warm, course_dir):
    for number, title in ((1, "改过的标题"), (2, "改过的下一个模块")):
        path = module_file(course_dir, 1, number)
        path.write_text(re.sub(r"^title: .*$", f"title: {title}", path.read_text(encoding="utf-8"), count=1,
                               flags=re.M), encoding="utf-8")
    call_command("import_content", str(course_dir.parent))
    page = warm.get(MODULE_URL).content.decode()
    assert "<h1>改过的标题</h1>" in page
    assert "改过的下一个模块</a>" in page


def test_reordered_neighbours_show_at_once(warm, imported_course, trainer):
    assert module_reorder(module=imported_course.modules.get(slug="m-1-3"), direction=-1, author=trainer)
    assert 'rel="next" href="/courses/test-course/m-1-3/"' in warm.get(MODULE_URL).content.decode()


def test_quiz_settings_changed_in_the_database_show_at_once(warm):
    Quiz.objects.filter(module__slug="m-1-1").update(pass_mark=55)
    assert "及格线 55%" in warm.get(MODULE_URL).content.decode()


def test_a_new_role_and_a_new_name_show_in_the_header(warm, learner):
    role_grant(user=learner, role="trainer")
    assert 'href="/trainer/"' in warm.get(MODULE_URL).content.decode()
    cached_view(warm)
    learner.display_name = "新名字"
    learner.save()
    assert "新名字" in warm.get(MODULE_URL).content.decode()


def test_the_language_switch_gets_its_own_page(warm, settings):
    warm.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "You have read this module." not in warm.get(MODULE_URL).content.decode()
    assert "I have finished reading" in warm.get(MODULE_URL).content.decode()


def test_another_learner_never_gets_this_learners_page(warm, learner, imported_course):
    other = Client()
    other.force_login(UserFactory(email="peer@example.com", display_name="同事乙"))
    page = cached_view(other)
    assert "同事乙" in page and learner.display_name not in page


def test_a_url_with_a_query_string_is_never_kept(warm):
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            assert "?utm=mail" in warm.get(f"{MODULE_URL}?utm=mail").content.decode()
        assert len(queries) > 3


def test_a_flash_message_is_shown_once_even_on_a_cached_page(warm, learner):
    warm.post("/accounts/profile/", {"display_name": learner.display_name, "department": "运营部",
                                     "timezone": "Asia/Shanghai", "language": "zh-hans"})
    assert "个人资料已保存" in warm.get(MODULE_URL).content.decode()
    assert "个人资料已保存" not in warm.get(MODULE_URL).content.decode()


def test_the_csrf_token_belongs_to_the_browser_not_to_the_cached_page(learner, imported_course):
    browsers = [Client(enforce_csrf_checks=True) for _ in range(2)]
    for browser in browsers:
        browser.force_login(learner)
    cached_view(browsers[0])
    page = cached_view(browsers[1])  # the same learner in a second browser gets the cached page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browsers[1].post(MODULE_URL + "read/", {"csrfmiddlewaretoken": token}).status_code == 302


def test_a_cooldown_notice_lasts_only_as_long_as_the_cooldown(warm, learner):
    Quiz.objects.filter(module__slug="m-1-1").update(cooldown_minutes=5)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        submit(warm, learner, right=False)
        assert "之后可以再试" in cached_view(warm)
    module = ModuleProgress.objects.get(user=learner, module__slug="m-1-1").module
    with time_machine.travel(start + timedelta(minutes=5, seconds=-5), tick=False):
        warm.post(f"/progress/beat/{module.pk}/", {"seconds": 10})  # the page stayed open: the view is recent
    with time_machine.travel(start + timedelta(minutes=5, seconds=1), tick=False):
        assert 'class="quiz-form"' in warm.get(MODULE_URL).content.decode()


def test_views_are_still_recorded_and_continue_follows_the_last_module(warm, learner):
    later = timezone.now() + timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        cached_view(warm)
    assert ModuleProgress.objects.get(user=learner, module__slug="m-1-1").last_viewed_at == later
    warm.get(OTHER_URL)
    warm.get(MODULE_URL)
    assert Enrollment.objects.get(user=learner).last_module.slug == "m-1-1"


def test_the_page_still_renders_when_the_cache_is_down(warm, monkeypatch):
    def down(*args, **kwargs):
        raise RedisConnectionError("connection refused")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    warm.post(MODULE_URL + "read/")
    assert "你已读完本模块" in warm.get(MODULE_URL).content.decode()
