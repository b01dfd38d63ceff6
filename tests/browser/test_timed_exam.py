"""A timed exam in a real browser: the countdown, its live-region warnings, autosave, focus losses
and the hand-in when time is up."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from quizzes.models import Attempt
from tests.coursebuilder import module_file, write_course
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def exam(transactional_db, tmp_path):
    course = write_course(tmp_path, modules_per_part=1)
    path = module_file(course, 1, 1)
    path.write_text(path.read_text(encoding="utf-8").replace("minutes: 10\n", "minutes: 10\ntime_limit_minutes: 30\n"),
                    encoding="utf-8")
    call_command("import_content", str(tmp_path))
    from allauth.account.models import EmailAddress

    learner = UserFactory(email="examinee@example.com", roles=["learner"])
    EmailAddress.objects.create(user=learner, email=learner.email, verified=True, primary=True)
    return learner


def test_countdown_autosave_focus_log_and_hand_in(page, live_server, sign_in, exam):
    url = f"{live_server.url}/courses/test-course/m-1-1/"
    sign_in(page, exam.email)
    page.goto(url)
    page.get_by_role("button", name="开始考试（立即开始计时）").click()
    page.wait_for_load_state()
    timer = page.locator("#exam-timer")
    expect(timer).to_have_text(re.compile(r"^00:(29|30):\d\d$"))
    assert timer.get_attribute("role") == "timer"

    page.locator("form.quiz-form").get_by_label("对的").check()
    expect(page.locator("#exam-save-status")).to_contain_text("作答已于")
    attempt = Attempt.objects.get(user=exam, status="open")
    assert len(attempt.draft["q-q-one"]) == 1

    page.evaluate("window.dispatchEvent(new Event('blur'))")
    page.wait_for_timeout(500)
    assert Attempt.objects.get(pk=attempt.pk).focus_losses == 1

    # Five minutes and three seconds left: the warning is announced once the clock passes five.
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(minutes=5, seconds=2))
    page.reload()
    expect(page.locator("#exam-announce")).to_have_text("还剩五分钟。", timeout=8000)
    assert page.locator("form.quiz-form").get_by_label("对的").is_checked()  # the saved draft is shown again

    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=3))
    page.reload()
    page.locator("form.quiz-form").get_by_label("正确").check()
    page.wait_for_selector("#quiz-result", timeout=10000)  # handed in by the page at zero
    graded = Attempt.objects.get(pk=attempt.pk)
    assert graded.status == "submitted" and graded.score == 100 and not graded.auto_submitted
    assert page.js_errors == []
