"""A manager in a real browser: the 团队学习 link, their team, one learner, the nudge."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.utils import timezone

from progress.models import Enrollment
from reminders.models import ReminderKind, ReminderLog, ReminderRule
from tests.browser.test_accessibility import blocking_violations
from tests.coursebuilder import write_course
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def team(transactional_db, tmp_path):
    write_course(tmp_path / "content")
    call_command("import_content", str(tmp_path / "content"))
    ReminderRule.objects.get_or_create(kind=ReminderKind.NUDGE, defaults={"name": "经理催学"})
    boss = UserFactory(email="boss-e2e@example.com", display_name="王经理")
    EmailAddress.objects.create(user=boss, email=boss.email, verified=True, primary=True)
    worker = UserFactory(email="worker-e2e@example.com", display_name="李员工", manager=boss)
    UserFactory(email="stranger-e2e@example.com", display_name="陌生人")
    from courses.models import Course

    Enrollment.objects.create(user=worker, course=Course.objects.get(slug="test-course"),
                              due_date=timezone.localdate() - timedelta(days=2))
    return boss, worker


def test_a_manager_opens_the_team_and_nudges_an_overdue_learner(page, live_server, team, sign_in, shoot):
    boss, worker = team
    sign_in(page, boss.email)
    page.get_by_role("link", name="团队学习").click()
    assert page.get_by_role("heading", name="团队学习").is_visible()
    assert page.get_by_role("link", name="李员工").first.is_visible()
    assert page.get_by_text("陌生人").count() == 0
    assert blocking_violations(page) == []
    shoot(page, "team-learning")
    page.get_by_role("link", name="李员工").first.click()
    page.get_by_role("button", name="催学").click()
    assert page.get_by_text("已就《测试课程》发送催学提醒。").is_visible()
    page.get_by_role("button", name="催学").click()
    assert page.get_by_text("今天已经催过此人；每人每天最多催学一次。").is_visible()
    assert ReminderLog.objects.filter(rule__kind=ReminderKind.NUDGE, recipient=worker).count() == 1
    assert page.js_errors == []
