"""The dispatcher and the guarded send: every rule end to end, once, with live checks at send time."""

import smtplib
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from hr import services as hr
from progress.models import ModuleProgress
from progress.services import certificate_issue
from reminders.models import ReminderLog, ReminderOptOut
from reminders.services import is_transient, reminder_send, reminders_dispatch
from reminders.tasks import reminder_send_task
from tests.factories import UserFactory

from .backends import FlakyBackend
from .conftest import MORNING, TODAY, enrol

pytestmark = pytest.mark.django_db


def sent(mailoutbox) -> list[tuple[str, str]]:
    return sorted((m.to[0], m.extra_headers["Message-ID"].split("-")[0].lstrip("<")) for m in mailoutbox)


def kinds_sent() -> list[tuple[str, str]]:
    return sorted(ReminderLog.objects.filter(status="sent").values_list("recipient__email", "rule__kind"))


def test_every_default_rule_sends_its_email_once(course, dispatch, mailoutbox, hr_user):
    boss = UserFactory(email="boss@example.com")
    enrol(UserFactory(email="soon@example.com"), course, due=TODAY + timedelta(days=3),
          at="2026-11-19 10:00 +0800")
    enrol(UserFactory(email="late@example.com"), course, due=TODAY - timedelta(days=1),
          at="2026-11-19 10:00 +0800")
    enrol(UserFactory(email="idle@example.com"), course)  # enrolled 19 days ago, never active
    enrol(UserFactory(email="very-late@example.com", manager=boss), course, due=TODAY - timedelta(days=14),
          at="2026-11-19 10:00 +0800")
    done = UserFactory(email="done@example.com")
    enrol(done, course, at="2026-11-19 10:00 +0800")
    with time_machine.travel("2026-11-19 18:00 +0800", tick=False):
        certificate_issue(user=done, course=course)

    result = dispatch(MORNING)

    assert kinds_sent() == [
        ("boss@example.com", "escalation"), ("done@example.com", "completed"),
        ("hr@example.com", "hr_digest"), ("idle@example.com", "inactive"),
        ("late@example.com", "overdue"), ("soon@example.com", "due_soon"),
        ("very-late@example.com", "overdue"),
    ]
    assert len(mailoutbox) == 7 and result.queued == 7 and result.batches == 1
    dispatch("2026-11-20 15:00 +0800")
    dispatch("2026-11-20 15:00 +0800")
    assert len(mailoutbox) == 7  # reruns the same day: nothing new


def test_overdue_reminders_repeat_every_three_days_up_to_the_cap(course, dispatch, mailoutbox):
    enrol(UserFactory(), course, due=TODAY - timedelta(days=1), at="2026-11-19 10:00 +0800")
    for day in range(0, 30):
        dispatch(f"{TODAY + timedelta(days=day)} 10:00 +0800")
    periods = list(ReminderLog.objects.filter(rule__kind="overdue").order_by("pk").values_list("period", flat=True))
    assert periods == [f"2026-11-19#{n}" for n in range(5)] and len(mailoutbox) == 5


def test_nobody_is_emailed_at_night_in_their_own_time_zone(course, dispatch, mailoutbox):
    enrol(UserFactory(email="sh@example.com"), course, due=TODAY + timedelta(days=3), at="2026-11-19 10:00 +0800")
    enrol(UserFactory(email="ldn@example.com", timezone="Europe/London"), course, due=TODAY + timedelta(days=3),
          at="2026-11-19 10:00 +0800")
    dispatch("2026-11-19 23:30 +0800")  # Shanghai night, London afternoon (a day early: 4 days left)
    assert [m.to[0] for m in mailoutbox] == ["ldn@example.com"]
    dispatch("2026-11-20 06:00 +0800")  # Shanghai before 09:00, London 22:00
    assert len(mailoutbox) == 1
    dispatch("2026-11-20 09:00 +0800")
    assert sorted(m.to[0] for m in mailoutbox) == ["ldn@example.com", "sh@example.com"]


@pytest.mark.parametrize("change", ["completes", "extension", "leaves_cohort", "opts_out", "withdrawn"])
def test_who_qualifies_is_checked_again_when_the_email_is_sent(course, hr_user, mailoutbox, change,
                                                               django_capture_on_commit_callbacks):
    learner = UserFactory(email="a@example.com")
    cohort = hr.cohort_create(name="c", members=[learner], created_by=hr_user)
    with time_machine.travel("2026-11-19 10:00 +0800", tick=False):
        assignment = hr.assignment_create(cohort=cohort, course=course, due_date=TODAY + timedelta(days=3),
                                          assigned_by=hr_user)
    enrollment = learner.enrollments.get()
    with time_machine.travel(MORNING, tick=False):
        with django_capture_on_commit_callbacks() as queued:  # queued, not yet run by a worker
            reminders_dispatch()
        if change == "completes":
            certificate_issue(user=learner, course=course)
        elif change == "extension":
            hr.due_date_extend(enrollment=enrollment, new_due_date=TODAY + timedelta(days=30), reason="病假",
                               granted_by=hr_user)
        elif change == "leaves_cohort":
            hr.cohort_member_remove(cohort=cohort, user=learner)
        elif change == "opts_out":
            ReminderOptOut.objects.create(user=learner, category="deadlines")
        else:
            hr.assignment_withdraw(assignment=assignment)
        for callback in queued:
            callback()
    learner_mail = [m for m in mailoutbox if m.to == ["a@example.com"]]
    assert learner_mail == []
    assert set(ReminderLog.objects.filter(recipient=learner).values_list("status", flat=True)) == {"skipped"}


def test_a_due_date_extension_starts_the_countdown_again(course, hr_user, dispatch, mailoutbox):
    enrollment = enrol(UserFactory(), course, due=TODAY + timedelta(days=1), at="2026-11-19 10:00 +0800")
    dispatch(MORNING)
    hr.due_date_extend(enrollment=enrollment, new_due_date=TODAY + timedelta(days=10), reason="出差",
                       granted_by=hr_user)
    for day in range(1, 4):
        dispatch(f"{TODAY + timedelta(days=day)} 10:00 +0800")  # 9, 8, 7 days left
    periods = list(ReminderLog.objects.filter(enrollment=enrollment).order_by("pk")
                   .values_list("rule__days", "period"))
    assert periods == [(1, "2026-11-21"), (7, "2026-11-30")]
    assert len([m for m in mailoutbox if m.to == [enrollment.user.email]]) == 2


def test_two_dispatchers_at_once_queue_each_email_once(course, mailoutbox, django_capture_on_commit_callbacks):
    for _ in range(3):
        enrol(UserFactory(), course, due=TODAY + timedelta(days=3), at="2026-11-19 10:00 +0800")
    with time_machine.travel(MORNING, tick=False):
        with django_capture_on_commit_callbacks() as first:
            reminders_dispatch()
        with django_capture_on_commit_callbacks() as second:
            reminders_dispatch()
        assert len(first) == 1 and second == []  # one batch task for the three emails
        for callback in first + first:  # the broker delivers every message twice
            callback()
    assert len(mailoutbox) == 3


def test_the_send_task_is_idempotent_and_ignores_missing_rows(course, mailoutbox,
                                                              django_capture_on_commit_callbacks):
    enrol(UserFactory(), course, due=TODAY + timedelta(days=3), at="2026-11-19 10:00 +0800")
    with time_machine.travel(MORNING, tick=False):
        with django_capture_on_commit_callbacks():
            reminders_dispatch()
        log = ReminderLog.objects.get()
        assert reminder_send_task.delay(log.pk).get() == "sent"
        assert reminder_send_task.delay(log.pk).get() == "already-handled"
        assert reminder_send_task.delay(999_999).get() == "gone"
    assert len(mailoutbox) == 1


def test_a_reminder_claimed_by_a_worker_that_died_is_sent_later_once(course, mailoutbox, settings,
                                                                     django_capture_on_commit_callbacks):
    enrol(UserFactory(), course, due=TODAY + timedelta(days=3), at="2026-11-19 10:00 +0800")
    with time_machine.travel(MORNING, tick=False), django_capture_on_commit_callbacks():
        reminders_dispatch()
    log = ReminderLog.objects.get()
    with time_machine.travel(MORNING, tick=False):
        ReminderLog.objects.filter(pk=log.pk).update(status="sending", claimed_at=timezone.now())
    with time_machine.travel("2026-11-20 10:05 +0800", tick=False):
        assert reminder_send(log_id=log.pk) == "already-handled"  # maybe still sending: hands off
    later = "2026-11-20 10:16 +0800"  # REMINDER_REQUEUE_SECONDS (15 min) later: the worker is gone
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert reminders_dispatch().requeued == 1
    log.refresh_from_db()
    assert (log.status, log.attempts, len(mailoutbox)) == ("sent", 1, 1)


def test_smtp_errors_are_retried_by_the_task(course, mailoutbox, settings, monkeypatch,
                                             django_capture_on_commit_callbacks):
    from config.celery import app

    # In-process Celery only chains retries when errors do not propagate (a real worker always does).
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)
    settings.EMAIL_BACKEND = "tests.reminders.backends.FlakyBackend"
    FlakyBackend.calls, FlakyBackend.failures = 0, 2
    enrol(UserFactory(), course, due=TODAY + timedelta(days=3), at="2026-11-19 10:00 +0800")
    with time_machine.travel(MORNING, tick=False):
        with django_capture_on_commit_callbacks():
            reminders_dispatch()
        log = ReminderLog.objects.get()
        assert reminder_send_task.apply(args=[log.pk]).get() == "sent"
    log.refresh_from_db()
    assert (log.status, log.attempts, len(mailoutbox)) == ("sent", 3, 1)


def test_a_reminder_whose_retries_ran_out_is_not_lost(course, dispatch, mailoutbox, settings):
    settings.EMAIL_BACKEND = "tests.reminders.backends.FlakyBackend"
    FlakyBackend.calls, FlakyBackend.failures = 0, 1000
    enrol(UserFactory(), course, due=TODAY + timedelta(days=3), at="2026-11-19 10:00 +0800")
    dispatch(MORNING)
    log = ReminderLog.objects.get()
    assert (log.status, len(mailoutbox)) == ("pending", 0) and "SMTPServerDisconnected" in log.last_error
    FlakyBackend.failures = 0  # the server is back
    dispatch("2026-11-20 10:05 +0800")
    assert len(mailoutbox) == 0  # too soon to tell a slow queue from a lost message
    dispatch("2026-11-20 10:30 +0800")
    log.refresh_from_db()
    assert (log.status, len(mailoutbox)) == ("sent", 1)


def test_a_permanently_refused_address_is_not_retried(course, dispatch, mailoutbox, settings):
    settings.EMAIL_BACKEND = "tests.reminders.backends.RefusingBackend"
    enrol(UserFactory(), course, due=TODAY + timedelta(days=3), at="2026-11-19 10:00 +0800")
    dispatch(MORNING)
    log = ReminderLog.objects.get()
    assert (log.status, log.attempts) == ("failed", 1) and "550" in log.last_error
    dispatch("2026-11-20 11:00 +0800")
    assert ReminderLog.objects.get().attempts == 1


def test_reminders_held_back_overnight_go_out_in_the_morning(course, mailoutbox, settings,
                                                             django_capture_on_commit_callbacks):
    enrol(UserFactory(), course, due=TODAY + timedelta(days=3), at="2026-11-19 10:00 +0800")
    with time_machine.travel("2026-11-20 19:59 +0800", tick=False), django_capture_on_commit_callbacks() as queued:
        reminders_dispatch()
    with time_machine.travel("2026-11-20 20:10 +0800", tick=False):  # the queue was slow: now it is night
        for callback in queued:
            callback()
    assert ReminderLog.objects.get().status == "pending" and mailoutbox == []
    with time_machine.travel("2026-11-21 09:00 +0800", tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        reminders_dispatch()
    assert len(mailoutbox) == 1 and ReminderLog.objects.get().status == "sent"


def test_progress_counts_as_activity(course, dispatch, mailoutbox):
    learner = UserFactory()
    enrollment = enrol(learner, course)
    module = course.modules.order_by("position").first()
    with time_machine.travel("2026-11-18 10:00 +0800", tick=False):
        from progress.services import module_view_record

        module_view_record(user=learner, module=module, enrollment=enrollment)
    dispatch(MORNING)
    assert mailoutbox == [] and not ModuleProgress.objects.filter(completed_at__isnull=False).exists()


@pytest.mark.parametrize(("error", "transient"), [
    (smtplib.SMTPServerDisconnected("gone"), True),
    (ConnectionRefusedError(), True),
    (TimeoutError(), True),
    (smtplib.SMTPResponseException(421, b"try later"), True),
    (smtplib.SMTPAuthenticationError(535, b"bad login"), True),  # the server's setup: fix it, then it goes
    (smtplib.SMTPRecipientsRefused({"a@example.com": (450, b"mailbox busy")}), True),
    (smtplib.SMTPRecipientsRefused({"a@example.com": (550, b"no such user")}), False),
    (smtplib.SMTPDataError(554, b"rejected as spam"), False),
    (ValueError("a bug"), False),
])
def test_which_errors_are_worth_retrying(error, transient):
    assert is_transient(error) is transient
