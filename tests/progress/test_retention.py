"""Data lifecycle (PIPL), with time travel: what the daily purge removes after each retention
period, what it keeps (scores, passes, completion, totals, certificates), and that it is idempotent."""

from datetime import datetime, timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEntry
from progress.models import ExerciseResult, ModuleProgress, Reflection
from progress.retention import retention_purge
from progress.tasks import retention_purge_task
from quizzes.models import Attempt
from tests.factories import UserFactory
from tests.quizhelpers import submit

START = datetime.fromisoformat("2024-03-01T10:00:00+08:00")


@pytest.fixture
def history(client, imported_course, settings):
    """At START: an old learner answers the quiz, writes a reflection and an exercise; a leaver
    leaves. 700 days later a recent learner does the same. Periods: answers and reflections 730
    days, leavers 1095 days."""
    settings.RETENTION_ATTEMPT_ANSWERS_DAYS = 730
    settings.RETENTION_REFLECTIONS_DAYS = 730
    settings.RETENTION_LEAVERS_DAYS = 1095
    module = imported_course.modules.get(slug="m-1-1")
    people = {}
    with time_machine.travel(START, tick=False) as clock:
        people["old"] = _learn(client, "old@example.com", module)
        people["leaver"] = UserFactory(email="leaver@example.com", display_name="王离职", employee_no="E042",
                                       job_title="店长", is_active=False, left_at=timezone.now())
        EmailAddress.objects.create(user=people["leaver"], email="leaver@example.com", verified=True)
        clock.shift(timedelta(days=700))
        people["recent"] = _learn(client, "recent@example.com", module)
        people["recent_leaver"] = UserFactory(email="gone@example.com", is_active=False, left_at=timezone.now())
    return people


def _learn(client, email, module):
    user = UserFactory(email=email)
    client.force_login(user)
    _attempt, response = submit(client, user)
    assert response.status_code in (200, 302)
    Reflection.objects.create(user=user, module=module, key="plan", text=f"{email} 的计划")
    ExerciseResult.objects.create(user=user, module=module, key="calc", answers={"b1": "42"}, results={"b1": True},
                                  attempts=1, solved_at=timezone.now())
    return user


def at(days_after_start: int):
    return time_machine.travel(START + timedelta(days=days_after_start), tick=False)


def test_before_any_period_ends_nothing_is_purged(history):
    with at(729):
        report = retention_purge()
    assert report.total == 0
    assert not AuditEntry.objects.filter(action="data.purge").exists()
    assert Attempt.objects.get(user=history["old"]).responses != {}


def test_old_answers_and_reflections_go_but_scores_and_completion_stay(history):
    old_attempt = Attempt.objects.get(user=history["old"])
    progress_before = ModuleProgress.objects.get(user=history["old"])
    with at(731):
        report = retention_purge()
    assert (report.attempt_answers, report.exercise_answers, report.reflections) == (1, 1, 1)
    old_attempt.refresh_from_db()
    assert old_attempt.responses == {}
    assert (old_attempt.score, old_attempt.passed, old_attempt.outcomes) == (100, True, {"q-one": True, "q-two": True})
    progress = ModuleProgress.objects.get(user=history["old"])
    assert (progress.best_score, progress.passed_at, progress.active_seconds) == (
        progress_before.best_score, progress_before.passed_at, progress_before.active_seconds)
    exercise = ExerciseResult.objects.get(user=history["old"])
    assert exercise.answers == {} and exercise.results == {"b1": True} and exercise.solved_at is not None
    assert not Reflection.objects.filter(user=history["old"]).exists()
    # the recent learner's details are inside their period: untouched
    assert Attempt.objects.get(user=history["recent"]).responses != {}
    assert Reflection.objects.get(user=history["recent"]).text == "recent@example.com 的计划"
    assert ExerciseResult.objects.get(user=history["recent"]).answers == {"b1": "42"}


def test_leavers_are_pseudonymised_after_their_period_and_keep_their_records(history):
    leaver = history["leaver"]
    with at(1094):
        assert retention_purge().leavers_pseudonymised == 0
    with at(1096):
        report = retention_purge()
    assert report.leavers_pseudonymised == 1
    leaver.refresh_from_db()
    assert leaver.email == f"left-{leaver.pk}@pseudonymised.invalid"
    assert (leaver.display_name, leaver.employee_no, leaver.job_title) == ("", "", "")
    assert not leaver.has_usable_password() and leaver.pseudonymised_at is not None
    assert leaver.department == "运营部" and leaver.left_at is not None  # HR still reports on the team
    assert not EmailAddress.objects.filter(user=leaver).exists()
    recent = User.objects.get(pk=history["recent_leaver"].pk)
    assert recent.email == "gone@example.com" and recent.pseudonymised_at is None


def test_the_purge_is_recorded_once_and_a_second_run_changes_nothing(history):
    with at(1096):
        first = retention_purge_task()
        second = retention_purge()
    assert first == {"attempt_answers": 1, "exercise_answers": 1, "reflections": 1, "leavers_pseudonymised": 1}
    assert second.total == 0
    (entry,) = AuditEntry.objects.filter(action="data.purge")
    assert entry.actor is None and entry.actor_label == "retention purge" and entry.after == first


def test_small_batches_purge_everything_too(history):
    with at(2000):
        report = retention_purge(batch_size=1)
    assert (report.attempt_answers, report.reflections, report.leavers_pseudonymised) == (2, 2, 2)
    assert not Attempt.objects.exclude(responses={}).exists()


def test_zero_keeps_a_category_without_limit(history, settings):
    settings.RETENTION_ATTEMPT_ANSWERS_DAYS = 0
    settings.RETENTION_REFLECTIONS_DAYS = 0
    settings.RETENTION_LEAVERS_DAYS = 0
    with at(5000):
        assert retention_purge().total == 0
    assert Reflection.objects.count() == 2


def test_the_command_prints_the_periods_and_what_it_purged(history):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    with at(1096):
        call_command("retention_purge", stdout=out)
    text = out.getvalue()
    assert "reflections=730" in text and "leavers_pseudonymised: 1" in text and "attempt_answers: 1" in text
