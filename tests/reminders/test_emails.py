"""What a reminder email looks like: both parts, the person's language, absolute links, unsubscribe headers."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from progress.models import ModuleProgress
from progress.services import certificate_issue
from tests.factories import UserFactory

from .conftest import MORNING, TODAY, enrol

pytestmark = pytest.mark.django_db
SITE = "http://127.0.0.1:8000"


def html_of(message) -> str:
    return next(body for body, kind in message.alternatives if kind == "text/html")


def finish_first_module(user, course):
    now = timezone.now()
    ModuleProgress.objects.create(user=user, module=course.modules.order_by("position").first(),
                                  first_viewed_at=now, last_viewed_at=now, read_at=now, passed_at=now,
                                  completed_at=now)


def test_a_due_soon_email_has_everything_the_learner_needs(course, dispatch, mailoutbox):
    learner = UserFactory(email="ming@example.com", display_name="王小明")
    enrol(learner, course, due=TODAY + timedelta(days=3), at="2026-11-19 10:00 +0800")
    finish_first_module(learner, course)
    dispatch(MORNING)
    [message] = mailoutbox
    html = html_of(message)
    assert message.to == ["ming@example.com"] and "测试课程" in message.subject
    for part in (message.body, html):
        assert "王小明" in part and "测试课程" in part and "33%" in part
        assert "2026-11-23" in part
        assert f"{SITE}/courses/test-course/m-1-2/" in part  # the next module, absolute
        assert "模块2" in part
    assert '<html lang="zh-hans">' in html and "继续学习" in html  # the learner's language (default)


def test_english_speakers_get_english(course, dispatch, mailoutbox):
    enrol(UserFactory(display_name="Amy", language="en"), course, due=TODAY + timedelta(days=3),
          at="2026-11-19 10:00 +0800")
    dispatch(MORNING)
    [message] = mailoutbox
    assert message.subject == "测试课程 is due in 3 days"
    assert "Hello Amy," in message.body and 'You have 3 days left to complete "测试课程".' in message.body
    assert "Continue where you left off" in html_of(message) and '<html lang="en">' in html_of(message)


def test_every_email_carries_one_click_unsubscribe_for_its_category(course, dispatch, mailoutbox, client):
    enrol(UserFactory(), course, due=TODAY + timedelta(days=3), at="2026-11-19 10:00 +0800")
    dispatch(MORNING)
    [message] = mailoutbox
    headers = message.message()
    link = re.fullmatch(r"<(.+)>", headers["List-Unsubscribe"]).group(1)
    assert link.startswith(f"{SITE}/reminders/unsubscribe/")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.body and link in html_of(message)
    assert f"{SITE}/reminders/preferences/" in message.body
    assert re.fullmatch(r"<reminder-\d+@127\.0\.0\.1>", headers["Message-ID"])


def test_the_completion_email_links_the_certificate(course, dispatch, mailoutbox):
    learner = UserFactory(display_name="Amy", language="en")
    enrol(learner, course, at="2026-11-19 10:00 +0800")
    with time_machine.travel("2026-11-19 18:00 +0800", tick=False):
        certificate = certificate_issue(user=learner, course=course)
    dispatch(MORNING)
    [message] = mailoutbox
    assert message.subject == "Congratulations on completing 测试课程"
    assert f"{SITE}/certificates/{certificate.code}/" in message.body
    assert f'href="{SITE}/certificates/{certificate.code}/"' in html_of(message)


def test_the_manager_hears_about_a_long_overdue_learner(course, dispatch, mailoutbox):
    boss = UserFactory(email="boss@example.com", display_name="Boss", language="en")
    learner = UserFactory(email="late@example.com", display_name="Lee", manager=boss)
    enrol(learner, course, due=TODAY - timedelta(days=20), at="2026-11-19 10:00 +0800")
    dispatch(MORNING)
    to_boss = [m for m in mailoutbox if m.to == ["boss@example.com"]]
    assert [m.subject for m in to_boss] == ["Lee is 20 days overdue on 测试课程"]
    assert "late@example.com" in to_boss[0].body and "Progress: 0%" in to_boss[0].body
    assert "2026-10-31" in to_boss[0].body


def test_hr_gets_overdue_counts_by_department(course, dispatch, mailoutbox):
    UserFactory(email="hr-en@example.com", language="en", roles=["learner", "hr"])
    for n, department in enumerate(["运营部", "运营部", "销售部"]):
        enrol(UserFactory(department=department), course, due=TODAY - timedelta(days=5 + n),
              at="2026-11-19 10:00 +0800")
    enrol(UserFactory(department="销售部"), course, due=TODAY + timedelta(days=5), at="2026-11-19 10:00 +0800")
    dispatch(MORNING)
    [digest] = [m for m in mailoutbox if m.to == ["hr-en@example.com"]]
    assert digest.subject == "Overdue training by department (2026-W47)"
    assert "- 运营部: 2 overdue courses (2 learners)" in digest.body
    assert "- 销售部: 1 overdue course (1 learner)" in digest.body
    assert f"{SITE}/reminders/preview/" in digest.body
