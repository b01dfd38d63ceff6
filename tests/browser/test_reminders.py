"""The reminder pages in a real Chromium: axe finds no serious problem, on a phone and on a desktop."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from progress.models import Enrollment
from reminders.emails import unsubscribe_token
from reminders.models import ReminderOptOut
from reminders.rules import local_today
from tests.browser.conftest import PHONE
from tests.browser.test_accessibility import blocking_violations
from tests.factories import UserFactory
from tests.reminders.conftest import ensure_default_rules

pytestmark = pytest.mark.browser


def person(email: str, **fields):
    user = UserFactory(email=email, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def test_a_learner_manages_reminder_emails_on_a_phone(page, live_server, sign_in, shoot):
    learner = person("prefs@example.com")
    page.set_viewport_size(PHONE)
    sign_in(page, "prefs@example.com")
    page.goto(f"{live_server.url}/reminders/preferences/")
    assert blocking_violations(page) == []
    checkbox = page.locator('input[name="category_deadlines"]')
    assert checkbox.is_checked()
    checkbox.uncheck()
    page.locator("form.reminder-preferences button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".messages").count() == 1 and not page.locator('input[name="category_deadlines"]').is_checked()
    shoot(page, "reminders-preferences-phone")
    assert list(ReminderOptOut.objects.filter(user=learner).values_list("category", flat=True)) == ["deadlines"]


def test_the_unsubscribe_link_asks_then_confirms(page, live_server, shoot):
    learner = person("unsub@example.com")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/reminders/unsubscribe/"
              f"{unsubscribe_token(user_id=learner.pk, category='inactivity')}/")
    assert blocking_violations(page) == []
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".verify-ok").count() == 1 and blocking_violations(page) == []
    shoot(page, "reminders-unsubscribed-phone")
    assert ReminderOptOut.objects.filter(user=learner, category="inactivity").exists()


def test_hr_previews_tomorrows_reminders(page, live_server, sign_in, shoot, real_course):
    ensure_default_rules()
    person("hr-preview@example.com", roles=["learner", "hr"])
    due = local_today(timezone.now(), "Asia/Shanghai") + timedelta(days=4)
    for n in range(3):
        Enrollment.objects.create(user=person(f"p{n}@example.com", display_name=f"学员{n}"), course=real_course,
                                  due_date=due)
    sign_in(page, "hr-preview@example.com")
    page.goto(f"{live_server.url}/reminders/preview/")
    assert page.locator("tbody tr").count() >= 3
    assert blocking_violations(page) == []
    shoot(page, "reminders-hr-preview")
