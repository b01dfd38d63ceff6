"""A submission is graded only against its own quiz and version, and graded and recorded together."""

from unittest import mock

import pytest
from django.core.management import call_command

from progress.models import Certificate, Enrollment, ModuleProgress
from quizzes.models import Attempt, QuestionResult
from tests.factories import UserFactory
from tests.quizhelpers import answers

A_URL, B_URL = "/courses/test-course/m-1-1/", "/courses/test-course/m-1-2/"


def open_attempt(client, user, url: str) -> Attempt:
    assert client.get(url).status_code == 200
    slug = url.rstrip("/").rsplit("/", 1)[-1]
    return Attempt.objects.get(user=user, status="open", quiz__module__slug=slug)


@pytest.fixture
def two_attempts(learner_client, learner, imported_course):
    return open_attempt(learner_client, learner, A_URL), open_attempt(learner_client, learner, B_URL)


def _state(learner) -> tuple:
    return (sorted(Attempt.objects.filter(user=learner).values_list("pk", "status", "score")),
            sorted(ModuleProgress.objects.filter(user=learner).values_list(
                "module__slug", "best_score", "passed_at", "completed_at")),
            QuestionResult.objects.filter(user=learner).count())


def test_an_attempt_of_module_a_posted_to_module_b_is_refused_and_writes_nothing(learner_client, learner,
                                                                                  two_attempts):
    a_attempt, b_attempt = two_attempts
    before = _state(learner)
    response = learner_client.post(B_URL + "quiz/", answers(a_attempt))
    assert response.status_code == 400 and "属于另一个测验" in response.content.decode()
    assert _state(learner) == before
    assert Attempt.objects.get(pk=b_attempt.pk).status == "open"


def test_another_learners_attempt_is_refused(client, learner, two_attempts):
    a_attempt, _ = two_attempts
    intruder = UserFactory(email="intruder@example.com")
    client.force_login(intruder)
    open_attempt(client, intruder, A_URL)
    response = client.post(A_URL + "quiz/", answers(a_attempt))
    assert response.status_code == 400 and "这不是你的作答" in response.content.decode()
    assert Attempt.objects.get(pk=a_attempt.pk).status == "open"
    assert not QuestionResult.objects.exists()


def test_a_closed_attempt_is_refused(learner_client, learner, two_attempts):
    a_attempt, _ = two_attempts
    Attempt.objects.filter(pk=a_attempt.pk).update(status="abandoned")
    response = learner_client.post(A_URL + "quiz/", answers(a_attempt))
    assert response.status_code == 400 and "已关闭" in response.content.decode()
    assert Attempt.objects.get(pk=a_attempt.pk).score is None


def test_resubmitting_a_graded_attempt_heals_a_result_that_was_never_recorded(learner_client, learner,
                                                                              two_attempts):
    a_attempt, _ = two_attempts
    learner_client.post(A_URL + "read/")
    assert learner_client.post(A_URL + "quiz/", answers(a_attempt)).status_code == 302
    recorded = _state(learner)
    # A server that died between grading and recording (the old two-transaction shape) left this:
    ModuleProgress.objects.filter(user=learner, module__slug="m-1-1").update(
        best_score=None, passed_at=None, completed_at=None)
    assert learner_client.post(A_URL + "quiz/", answers(a_attempt)).status_code == 302
    assert _state(learner) == recorded
    assert learner_client.post(A_URL + "quiz/", answers(a_attempt)).status_code == 302  # and again: no-op
    assert _state(learner) == recorded


def test_a_crash_inside_the_recording_leaves_nothing_half_written(learner_client, learner, two_attempts):
    a_attempt, _ = two_attempts
    learner_client.post(A_URL + "read/")
    before = _state(learner)
    with mock.patch("progress.services.enrollment_rollup_refresh", side_effect=RuntimeError("killed")), \
            pytest.raises(RuntimeError):
        learner_client.post(A_URL + "quiz/", answers(a_attempt))
    assert _state(learner) == before  # not graded, not recorded: the learner simply submits again
    assert learner_client.post(A_URL + "quiz/", answers(a_attempt)).status_code == 302
    assert ModuleProgress.objects.get(user=learner, module__slug="m-1-1").completed_at is not None


def _snapshot(learner) -> dict:
    return {"progress": _state(learner)[1],
            "enrollment": list(Enrollment.objects.filter(user=learner).values_list(
                "started_at", "active_seconds", "modules_completed", "average_best_score", "completed_at")),
            "certificates": list(Certificate.objects.filter(user=learner).values_list("course_id", "total_seconds"))}


def test_reconcile_restores_the_exact_state_from_a_broken_one(learner_client, learner, imported_course, capsys):
    for url in ("/courses/test-course/m-1-1/", "/courses/test-course/m-1-2/", "/courses/test-course/m-1-3/"):
        attempt = open_attempt(learner_client, learner, url)
        learner_client.post(url + "read/")
        learner_client.post(url + "quiz/", answers(attempt, right=url.endswith("2/") is False))
    expected = _snapshot(learner)
    assert expected["progress"][1][2] is None  # m-1-2 failed: not passed, not complete
    # Break everything recording derives: scores, passes, completions, rollups, the certificate.
    ModuleProgress.objects.filter(user=learner).update(best_score=None, passed_at=None, completed_at=None)
    Enrollment.objects.filter(user=learner).update(modules_completed=0, average_best_score=None,
                                                   started_at=None, completed_at=None)
    call_command("progress_reconcile", "--dry-run")
    assert "difference(s) would fix" in capsys.readouterr().out
    assert ModuleProgress.objects.filter(user=learner, best_score__isnull=False).count() == 0  # dry run
    call_command("progress_reconcile")
    assert "best_score None → 100" in capsys.readouterr().out
    assert _snapshot(learner) == expected
    call_command("progress_reconcile")
    assert "0 difference(s) fixed" in capsys.readouterr().out


def test_reconcile_issues_a_missing_certificate_and_never_revokes_one(learner_client, learner, imported_course,
                                                                      capsys):
    for url in ("/courses/test-course/m-1-1/", "/courses/test-course/m-1-2/", "/courses/test-course/m-1-3/"):
        attempt = open_attempt(learner_client, learner, url)
        learner_client.post(url + "read/")
        learner_client.post(url + "quiz/", answers(attempt))
    expected = _snapshot(learner)
    Certificate.objects.filter(user=learner).delete()
    Enrollment.objects.filter(user=learner).update(completed_at=None)
    call_command("progress_reconcile")
    assert "no certificate: issued" in capsys.readouterr().out
    assert _snapshot(learner)["certificates"] == expected["certificates"]
    ModuleProgress.objects.filter(user=learner, module__slug="m-1-3").update(read_at=None)
    call_command("progress_reconcile")
    out = capsys.readouterr().out
    assert "kept:" in out and Certificate.objects.filter(user=learner).count() == 1
