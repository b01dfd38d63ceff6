"""Email preferences, one-click unsubscribe, HR's preview for tomorrow, and send_reminders."""

import re
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from reminders.emails import unsubscribe_token
from reminders.models import ReminderLog, ReminderOptOut
from tests.factories import UserFactory

from .conftest import MORNING, TODAY, enrol

pytestmark = pytest.mark.django_db


def test_preferences_need_a_sign_in(client):
    response = client.get("/reminders/preferences/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_learner_switches_categories_off_and_on(learner_client, learner):
    page = learner_client.get("/reminders/preferences/").content.decode()
    assert 'name="category_deadlines"' in page and 'name="category_digest"' not in page
    assert 'name="category_escalations"' not in page
    response = learner_client.post("/reminders/preferences/", {"reminder_opt_in": "on",
                                                               "category_inactivity": "on"}, follow=True)
    assert response.status_code == 200
    assert set(ReminderOptOut.objects.filter(user=learner).values_list("category", flat=True)) == {
        "deadlines", "achievements", "certificates"}
    learner_client.post("/reminders/preferences/", {"category_deadlines": "on", "category_inactivity": "on",
                                                    "category_achievements": "on", "category_certificates": "on"})
    learner.refresh_from_db()
    assert not ReminderOptOut.objects.filter(user=learner).exists() and learner.reminder_opt_in is False


def test_hr_and_managers_see_their_own_categories(client, hr_user):
    UserFactory(manager=hr_user)
    client.force_login(hr_user)
    page = client.get("/reminders/preferences/").content.decode()
    assert 'name="category_digest"' in page and 'name="category_escalations"' in page


def test_the_profile_links_to_the_preferences(learner_client):
    assert "/reminders/preferences/" in learner_client.get("/accounts/profile/").content.decode()


def test_opening_an_unsubscribe_link_only_asks_for_confirmation(client, learner):
    url = f"/reminders/unsubscribe/{unsubscribe_token(user_id=learner.pk, category='deadlines')}/"
    response = client.get(url)
    assert response.status_code == 200 and f'action="{url}"' in response.content.decode()
    assert not ReminderOptOut.objects.exists()  # link scanners open URLs: nothing happens on GET


def test_one_click_unsubscribe_works_without_cookies_or_csrf(learner):
    url = f"/reminders/unsubscribe/{unsubscribe_token(user_id=learner.pk, category='deadlines')}/"
    mail_provider = Client(enforce_csrf_checks=True)
    for _ in range(2):  # repeating it is harmless
        response = mail_provider.post(url, "List-Unsubscribe=One-Click",
                                      content_type="application/x-www-form-urlencoded")
        assert response.status_code == 200
    assert list(ReminderOptOut.objects.values_list("user_id", "category")) == [(learner.pk, "deadlines")]


def test_a_tampered_unsubscribe_link_is_refused(client, learner):
    token = unsubscribe_token(user_id=learner.pk, category="deadlines")
    other = UserFactory()
    forged = token.replace(token.split(":")[0], unsubscribe_token(user_id=other.pk, category="deadlines")
                           .split(":")[0])
    for bad in (forged, "nonsense", token[:-2]):
        assert client.post(f"/reminders/unsubscribe/{bad}/").status_code == 400
    assert not ReminderOptOut.objects.exists()


def test_unsubscribing_from_an_email_stops_that_category_only(course, dispatch, mailoutbox):
    learner = UserFactory()
    enrol(learner, course, due=TODAY + timedelta(days=7), at="2026-11-19 10:00 +0800")
    dispatch(MORNING)
    link = re.fullmatch(r"<http://127.0.0.1:8000(.+)>", mailoutbox[0].extra_headers["List-Unsubscribe"]).group(1)
    Client().post(link, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    dispatch("2026-11-24 10:00 +0800")  # 3 days before: would be a deadline email
    assert len(mailoutbox) == 1
    dispatch("2026-11-27 10:00 +0800")  # idle for 8 days: a different category still arrives
    assert [log.rule.kind for log in ReminderLog.objects.filter(status="sent")] == ["due_soon", "inactive"]


def test_the_hr_preview_is_for_hr_only(client, learner, hr_user):
    assert client.get("/reminders/preview/").status_code == 302
    client.force_login(learner)
    assert client.get("/reminders/preview/").status_code == 403
    client.force_login(hr_user)
    assert client.get("/reminders/preview/").status_code == 200


def test_hr_sees_who_would_get_what_tomorrow_and_why(client, hr_user, course):
    enrol(UserFactory(email="tomorrow@example.com", language="en"), course, due=TODAY + timedelta(days=4),
          at="2026-11-19 10:00 +0800")
    enrol(UserFactory(email="later@example.com"), course, due=TODAY + timedelta(days=5), at="2026-11-19 10:00 +0800")
    opted_out = UserFactory(email="quiet@example.com")
    ReminderOptOut.objects.create(user=opted_out, category="deadlines")
    enrol(opted_out, course, due=TODAY + timedelta(days=4), at="2026-11-19 10:00 +0800")
    client.force_login(hr_user)
    with time_machine.travel(MORNING, tick=False):
        page = client.get("/reminders/preview/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "tomorrow@example.com" in page and "2026-11-21" in page
    assert "later@example.com" in page  # 4 days left tomorrow: the 7-day rule still covers it
    assert "quiet@example.com" not in page
    assert not ReminderLog.objects.exists()


def test_send_reminders_dry_run_lists_and_sends_nothing(course, mailoutbox):
    enrol(UserFactory(email="soon@example.com"), course, due=TODAY + timedelta(days=3), at="2026-11-19 10:00 +0800")
    out = StringIO()
    call_command("send_reminders", "--dry-run", "--now", "2026-11-20T10:00+08:00", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("soon@example.com\tdue_soon\t截止前 3 天 · 测试课程\t")
    assert "2026-11-23" in lines[0] and lines[-1].startswith("1 reminder(s) would be sent")
    assert mailoutbox == [] and not ReminderLog.objects.exists()


def test_send_reminders_sends_in_process_without_a_broker(course, mailoutbox, django_capture_on_commit_callbacks):
    enrol(UserFactory(email="soon@example.com"), course, due=TODAY + timedelta(days=3), at="2026-11-19 10:00 +0800")
    out = StringIO()
    with time_machine.travel(MORNING, tick=False), django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=out)
    assert "1 reminder(s) queued" in out.getvalue()
    assert [m.to for m in mailoutbox] == [["soon@example.com"]]
    night = StringIO()
    call_command("send_reminders", "--dry-run", "--now", "2026-11-20T23:00+08:00", stdout=night)
    assert night.getvalue().startswith("0 reminder(s)")


def test_an_unsubscribe_link_works_for_a_year_then_says_it_expired(client, learner):
    with time_machine.travel("2026-01-10 10:00 +0800", tick=False):
        url = f"/reminders/unsubscribe/{unsubscribe_token(user_id=learner.pk, category='deadlines')}/"
    with time_machine.travel("2027-01-09 10:00 +0800", tick=False):
        assert client.get(url).status_code == 200
    with time_machine.travel("2027-01-11 10:00 +0800", tick=False):
        page = client.get(url)
        one_click = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert page.status_code == one_click.status_code == 410
    assert "已过期" in page.content.decode() and 'href="/reminders/preferences/"' in page.content.decode()
    assert not ReminderOptOut.objects.exists()
