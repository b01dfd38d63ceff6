"""The reminder pages in a real Chromium: axe finds no serious problem, on a phone and on a desktop."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.utils import timezone

from progress.models import Enrollment
from reminders.emails import unsubscribe_token
from reminders.models import ReminderLog, ReminderOptOut, ReminderRule
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


def test_a_wecom_member_chooses_channels_per_category(page, live_server, sign_in, shoot, settings):
    settings.WECOM_CORP_ID, settings.WECOM_AGENT_ID, settings.WECOM_SECRET = "corp", "1000002", "secret"
    learner = person("im-prefs@example.com")
    SocialAccount.objects.create(user=learner, provider="wecom", uid="im-prefs")
    page.set_viewport_size(PHONE)
    sign_in(page, "im-prefs@example.com")
    page.goto(f"{live_server.url}/reminders/preferences/")
    assert blocking_violations(page) == []
    page.locator('input[name="category_deadlines_wecom"]').uncheck()
    page.locator("form.reminder-preferences button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator('input[name="category_deadlines"]').is_checked()
    assert not page.locator('input[name="category_deadlines_wecom"]').is_checked()
    shoot(page, "reminders-channel-preferences-phone")
    assert list(ReminderOptOut.objects.filter(user=learner).values_list("category", "channel")) == [
        ("deadlines", "wecom")]


def test_hr_reads_delivery_per_channel_and_day(page, live_server, sign_in, shoot):
    ensure_default_rules()
    hr = person("hr-delivery@example.com", roles=["learner", "hr"])
    rule = ReminderRule.objects.first()
    for n, (channel, status, code) in enumerate([("email", "sent", ""), ("wecom", "sent", ""),
                                                 ("wecom", "failed", "40056"), ("feishu", "deferred", "")]):
        ReminderLog.objects.create(rule=rule, recipient=hr, period=f"p{n}", channel=channel, status=status,
                                   error_code=code, last_error="invalid agentid" if code else "")
    sign_in(page, "hr-delivery@example.com")
    page.goto(f"{live_server.url}/reminders/delivery/")
    assert page.locator("tbody tr").count() == 3
    assert page.locator('tr[data-channel="wecom"] code').inner_text() == "40056"
    assert blocking_violations(page) == []
    shoot(page, "reminders-delivery")
