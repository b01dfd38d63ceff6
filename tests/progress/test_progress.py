"""Enrolment, reading progress, completion, the outline, "continue" and the dashboard."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from progress.models import Enrollment, ModuleProgress
from progress.services import MAX_BEAT_SECONDS
from tests.coursebuilder import write_course
from tests.quizhelpers import submit

COURSE_URL = "/courses/test-course/"


def beat(client, module, seconds, reached_end=False):
    return client.post(f"/progress/beat/{module.pk}/",
                       {"seconds": seconds, "reached_end": "1" if reached_end else "0"})


@pytest.fixture
def modules(imported_course):
    return list(imported_course.modules.order_by("position"))


def test_enrol_from_the_outline_then_continue_opens_the_first_module(learner_client, learner, modules):
    page = learner_client.get(COURSE_URL).content.decode()
    assert "报名并开始学习" in page
    response = learner_client.post(COURSE_URL + "enrol/", follow=True)
    assert response.redirect_chain[-1][0] == "/courses/test-course/m-1-1/"
    assert Enrollment.objects.get(user=learner).source == "self"


def test_outline_offers_sign_in_to_anonymous_visitors(client, modules):
    assert "登录后开始学习" in client.get(COURSE_URL).content.decode()


def test_first_and_last_view_are_recorded(learner_client, learner, modules):
    with time_machine.travel("2026-11-20 09:00 +0800", tick=False):
        learner_client.get("/courses/test-course/m-1-1/")
    with time_machine.travel("2026-11-21 10:00 +0800", tick=False):
        learner_client.get("/courses/test-course/m-1-1/")
    progress = ModuleProgress.objects.get(user=learner, module=modules[0])
    assert progress.first_viewed_at.day == 20 and progress.last_viewed_at.day == 21


def test_heartbeats_are_capped_per_beat_and_by_elapsed_time(learner_client, learner, modules):
    module = modules[0]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        learner_client.get("/courses/test-course/m-1-1/")
        beat(learner_client, module, 15)  # right after the page view: only the grace is allowed
        beat(learner_client, module, 500)  # same instant, grace already used: nothing
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        beat(learner_client, module, 500)  # long gap: still capped per beat
    progress = ModuleProgress.objects.get(user=learner, module=module)
    assert progress.active_seconds == 5 + 0 + MAX_BEAT_SECONDS


def test_bad_heartbeat_input_is_refused(learner_client, modules):
    assert learner_client.post(f"/progress/beat/{modules[0].pk}/", {"seconds": "x"}).status_code == 400
    assert learner_client.post("/progress/beat/99999/", {"seconds": 5}).status_code == 404
    # A module this learner never opened: nothing to credit.
    assert learner_client.post(f"/progress/beat/{modules[0].pk}/", {"seconds": 5}).status_code == 404
    assert not ModuleProgress.objects.exists()
    assert learner_client.get(f"/progress/beat/{modules[0].pk}/").status_code == 405


def test_module_completes_when_read_and_quiz_passed(learner_client, learner, modules):
    module = modules[0]
    submit(learner_client, learner, right=True)
    progress = ModuleProgress.objects.get(user=learner, module=module)
    assert progress.passed_at and progress.completed_at is None
    beat(learner_client, module, 10, reached_end=True)
    progress.refresh_from_db()
    assert progress.read_at and progress.completed_at
    page = learner_client.get(COURSE_URL).content.decode()
    assert "已完成 33%" in page and page.count("✓</span> 已完成") == 1


def test_read_button_works_without_javascript(learner_client, learner, modules):
    learner_client.get("/courses/test-course/m-1-2/")
    response = learner_client.post("/courses/test-course/m-1-2/read/")
    assert response.status_code == 302
    assert ModuleProgress.objects.get(user=learner, module=modules[1]).read_at is not None
    assert "你已读完本模块" in learner_client.get("/courses/test-course/m-1-2/").content.decode()


def test_continue_reopens_the_last_unfinished_module(learner_client, learner, modules):
    learner_client.get("/courses/test-course/m-1-2/")
    assert learner_client.get(COURSE_URL + "continue/")["Location"] == "/courses/test-course/m-1-2/"
    submit(learner_client, learner, right=True, url="/courses/test-course/m-1-2/quiz/")
    learner_client.post("/courses/test-course/m-1-2/read/")
    assert learner_client.get(COURSE_URL + "continue/")["Location"] == "/courses/test-course/m-1-1/"


def test_dashboard_shows_progress_due_date_next_module_results_and_time(learner_client, learner, modules):
    learner_client.get("/courses/test-course/m-1-1/")
    Enrollment.objects.filter(user=learner).update(due_date="2026-12-31")
    submit(learner_client, learner, right=False)
    beat(learner_client, modules[0], 20)
    page = learner_client.get("/me/").content.decode()
    assert "我的学习" in page and "测试课程" in page
    assert "截止日期 2026-12-31" in page  # the one date format (config/formats)
    assert "继续学习" in page and "模块1" in page
    assert "最近的测验成绩" in page and "尚未通过" in page
    assert "错题本中有 2 道题" in page


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("url", [COURSE_URL, "/me/", "/me/mistakes/"])
def test_learner_pages_use_constant_queries_whatever_the_history(db, tmp_path, learner_client, learner, url):
    call_command("import_content", str(write_course(tmp_path / "a", modules_per_part=2)))
    submit(learner_client, learner, right=False)
    few = _queries(learner_client, url)
    call_command("import_content", str(write_course(tmp_path / "b", parts=3, modules_per_part=8)))
    for n in range(1, 7):
        for _ in range(2):
            submit(learner_client, learner, right=False, url=f"/courses/test-course/m-1-{n}/quiz/")
    many = _queries(learner_client, url)
    assert few == many, f"{url}: {few} queries with little history, {many} with more"
