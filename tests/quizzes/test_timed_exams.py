"""Timed exams: the server's deadline, autosave, grading at the deadline by the task, the sweep or
the next request (worker stopped), late submits refused, focus losses, edits during an exam."""

import io
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from progress.models import ModuleProgress
from progress.services import attempt_deadline_record, exam_deadline_sweep
from progress.tasks import attempt_deadline_task, exam_deadline_sweep_task
from quizzes.models import Attempt, QuestionResult, Quiz
from tests.coursebuilder import module_file
from tests.factories import UserFactory
from tests.quizhelpers import token

URL = "/courses/test-course/m-1-1/"
OTHER_URL = "/courses/test-course/m-1-2/"
START = datetime.fromisoformat("2026-12-01 09:00:00+08:00")
LIMIT = timedelta(minutes=30)
GRACE = timedelta(seconds=10)


def make_timed(course_dir, extra: str = "time_limit_minutes: 30\n", module: int = 1) -> None:
    path = module_file(course_dir, 1, module)
    path.write_text(path.read_text(encoding="utf-8").replace("minutes: 10\n", f"minutes: 10\n{extra}", 1),
                    encoding="utf-8")


@pytest.fixture
def exam_course(db, course_dir):
    make_timed(course_dir)
    make_timed(course_dir, module=2)
    call_command("import_content", str(course_dir.parent))
    return course_dir


def start(client, user, url: str = URL) -> Attempt:
    response = client.post(url + "exam/start/")
    assert response.status_code == 302
    return Attempt.objects.get(user=user, status="open", quiz__module__slug=url.strip("/").rsplit("/", 1)[-1])


def right(attempt: Attempt) -> dict:
    return {"attempt": attempt.pk, "q-q-one": token(attempt, "q-one", "a"), "q-q-two": "true"}


def wrong(attempt: Attempt) -> dict:
    return {"attempt": attempt.pk, "q-q-one": token(attempt, "q-one", "b"), "q-q-two": "false"}


@pytest.fixture
def started(exam_course, learner_client, learner):
    with time_machine.travel(START, tick=False):
        learner_client.get(URL)
        return start(learner_client, learner)


def test_viewing_the_page_does_not_start_the_clock_and_start_sets_the_server_deadline(exam_course, learner_client,
                                                                                       learner):
    with time_machine.travel(START, tick=False):
        page = learner_client.get(URL).content.decode()
        assert "开始考试" in page and not Attempt.objects.exists()
        attempt = start(learner_client, learner)
        page = learner_client.get(URL).content.decode()
    assert attempt.deadline == START + LIMIT
    assert f'data-exam-deadline="{attempt.deadline.astimezone(START.tzinfo).isoformat()}"' in page
    assert "剩余时间" in page and "离开考试页面" in page


def test_autosave_keeps_the_answers_and_the_page_shows_them_again(started, learner_client, learner):
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        response = learner_client.post(URL + "exam/autosave/", right(started))
        assert response.status_code == 200 and response.json()["ok"]
        page = learner_client.get(URL).content.decode()
    started.refresh_from_db()
    assert started.draft["q-q-two"] == ["true"]
    assert f'value="{token(started, "q-one", "a")}" checked' in page


def test_autosave_of_another_learners_attempt_is_refused_and_writes_nothing(started, client):
    intruder = UserFactory(email="intruder@example.com")
    client.force_login(intruder)
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        response = client.post(URL + "exam/autosave/", right(started))
    assert response.status_code == 400 and response.json()["reason"] == "unknown"
    started.refresh_from_db()
    assert started.draft == {} and started.draft_saved_at is None


def test_autosave_to_another_modules_url_or_with_a_foreign_field_is_refused(started, learner_client):
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        other = learner_client.post(OTHER_URL + "exam/autosave/", right(started))
        forged = learner_client.post(URL + "exam/autosave/", {**right(started), "q-not-here": "x"})
    assert other.status_code == 400 and other.json()["reason"] == "other_quiz"
    assert forged.status_code == 400 and forged.json()["reason"] == "invalid"
    started.refresh_from_db()
    assert started.draft == {}


def test_autosave_after_the_deadline_is_refused_and_grades_what_was_saved(started, learner_client, learner):
    with time_machine.travel(START + timedelta(minutes=2), tick=False):
        learner_client.post(URL + "exam/autosave/", wrong(started))
    with time_machine.travel(START + LIMIT + GRACE + timedelta(seconds=1), tick=False):
        response = learner_client.post(URL + "exam/autosave/", right(started))
    assert response.status_code == 400 and response.json()["reason"] == "late"
    started.refresh_from_db()
    assert started.status == "submitted" and started.score == 0 and started.auto_submitted


def test_worker_stopped_the_next_page_view_grades_the_saved_answers(started, learner_client, learner):
    with time_machine.travel(START + timedelta(minutes=10), tick=False):
        learner_client.post(URL + "exam/autosave/", {"attempt": started.pk, "q-q-one": token(started, "q-one", "a")})
    with time_machine.travel(START + timedelta(hours=3), tick=False):
        page = learner_client.get(URL).content.decode()
    started.refresh_from_db()
    assert started.status == "submitted" and started.auto_submitted
    assert started.submitted_at == START + LIMIT  # when time was up, not when somebody noticed
    assert started.score == 50 and started.outcomes == {"q-one": True, "q-two": False}
    assert ModuleProgress.objects.get(user=learner, module__slug="m-1-1").best_score == 50
    assert "50" in page and "开始考试" in page  # the result, and a new attempt is a deliberate start


def test_worker_running_the_task_queued_at_start_grades_on_time(exam_course, learner_client, learner,
                                                                 django_capture_on_commit_callbacks):
    with time_machine.travel(START, tick=False):
        learner_client.get(URL)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            attempt = start(learner_client, learner)
    assert len(callbacks) == 1  # the deadline task was queued (eager here: it ran early and did nothing)
    attempt.refresh_from_db()
    assert attempt.status == "open"
    with time_machine.travel(START + timedelta(minutes=20), tick=False):
        learner_client.post(URL + "exam/autosave/", right(attempt))
    with time_machine.travel(START + LIMIT - timedelta(seconds=1), tick=False):
        assert attempt_deadline_task(attempt.pk) is False  # not due yet
    with time_machine.travel(START + LIMIT + GRACE + timedelta(seconds=1), tick=False):
        assert attempt_deadline_task(attempt.pk) is True
    attempt.refresh_from_db()
    assert attempt.status == "submitted" and attempt.score == 100 and attempt.passed
    assert ModuleProgress.objects.get(user=learner, module__slug="m-1-1").passed_at == START + LIMIT


def test_beat_sweep_grades_attempts_whose_task_was_lost(started, learner):
    with time_machine.travel(START + LIMIT, tick=False):
        assert exam_deadline_sweep_task() == 0
    with time_machine.travel(START + LIMIT + timedelta(minutes=1), tick=False):
        assert exam_deadline_sweep_task() == 1
        assert exam_deadline_sweep_task() == 0
    started.refresh_from_db()
    assert started.status == "submitted" and started.score == 0


def test_graded_exactly_once_however_many_paths_race(started, learner_client, learner):
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        learner_client.post(URL + "exam/autosave/", wrong(started))
    with time_machine.travel(START + LIMIT + timedelta(minutes=1), tick=False):
        first = attempt_deadline_record(attempt_id=started.pk)
        attempt_deadline_task(started.pk)
        exam_deadline_sweep()
        learner_client.get(URL)
        late = learner_client.post(URL + "quiz/", right(started))
    assert first is not None and late.status_code == 400
    started.refresh_from_db()
    assert started.score == 0 and started.submitted_at == START + LIMIT
    assert Attempt.objects.filter(user=learner, status="submitted").count() == 1
    assert list(QuestionResult.objects.filter(user=learner).values_list("wrong_count", flat=True)) == [1, 1]


def test_a_submit_after_the_grace_is_refused_with_a_clear_message_and_the_saved_answers_count(
        started, learner_client, learner):
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        learner_client.post(URL + "exam/autosave/", wrong(started))
    with time_machine.travel(START + LIMIT + GRACE + timedelta(seconds=1), tick=False):
        response = learner_client.post(URL + "quiz/", right(started))
    text = response.content.decode()
    assert response.status_code == 400
    assert "09:30:00" in text and "10 秒" in text and "已评分" in text
    started.refresh_from_db()
    assert started.status == "submitted" and started.score == 0 and started.auto_submitted


def test_a_submit_within_the_grace_is_graded_as_posted_even_with_a_blank(started, learner_client):
    data = {"attempt": started.pk, "q-q-one": token(started, "q-one", "a"), "q-q-two": ""}
    with time_machine.travel(START + LIMIT + GRACE - timedelta(seconds=1), tick=False):
        assert learner_client.post(URL + "quiz/", data).status_code == 302
    started.refresh_from_db()
    assert started.score == 50 and not started.auto_submitted and started.outcomes["q-two"] == 0


def test_an_edit_of_the_quiz_during_the_exam_does_not_touch_the_running_attempt(started, exam_course, learner_client,
                                                                                  learner):
    path = module_file(exam_course, 1, 1)
    text = path.read_text(encoding="utf-8")
    edited = text.replace("- [x] 对的\n- [ ] 错的", "- [ ] 对的\n- [x] 错的").replace("第一题？", "改过的第一题？")
    path.write_text(edited, encoding="utf-8")
    with time_machine.travel(START + timedelta(minutes=3), tick=False):
        call_command("import_content", str(exam_course.parent))
        page = learner_client.get(URL).content.decode()
        assert "改过的第一题" not in page and "第一题？" in page
        assert learner_client.post(URL + "exam/autosave/", right(started)).status_code == 200
        assert learner_client.post(URL + "quiz/", right(started)).status_code == 302
    started.refresh_from_db()
    assert started.status == "submitted" and started.score == 100  # graded by the version it asked


def test_focus_losses_are_logged_with_their_times_and_only_on_ones_own_attempt(started, learner_client, client):
    with time_machine.travel(START + timedelta(minutes=4), tick=False):
        assert learner_client.post(URL + "exam/focus/", {"attempt": started.pk, "kind": "blur"}).json()["count"] == 1
    with time_machine.travel(START + timedelta(minutes=6), tick=False):
        assert learner_client.post(URL + "exam/focus/", {"attempt": started.pk, "kind": "hidden"}).json()["count"] == 2
        assert learner_client.post(URL + "exam/focus/", {"attempt": started.pk, "kind": "x"}).status_code == 400
        client.force_login(UserFactory(email="other@example.com"))
        assert client.post(URL + "exam/focus/", {"attempt": started.pk, "kind": "blur"}).status_code == 400
    started.refresh_from_db()
    assert started.focus_losses == 2
    assert [kind for _at, kind in started.focus_log] == ["blur", "hidden"]
    assert datetime.fromisoformat(started.focus_log[0][0]) == START + timedelta(minutes=4)


def test_the_window_bounds_start_and_deadline(db, course_dir, learner):
    make_timed(course_dir, "time_limit_minutes: 60\nopens_at: 2026-12-01 09:00\ncloses_at: 2026-12-01 09:45\n")
    call_command("import_content", str(course_dir.parent))
    client = Client()
    client.force_login(learner)
    with time_machine.travel(START - timedelta(minutes=1), tick=False):
        assert "09:00" in client.get(URL).content.decode()
        client.post(URL + "exam/start/")
        assert not Attempt.objects.exists()
    with time_machine.travel(START + timedelta(minutes=15), tick=False):
        attempt = start(client, learner)
    assert attempt.deadline == START + timedelta(minutes=45)
    with time_machine.travel(START + timedelta(minutes=50), tick=False):
        client.get(URL)
        client.post(URL + "exam/start/")
    assert Attempt.objects.filter(user=learner).count() == 1
    assert Attempt.objects.get().status == "submitted"


@pytest.mark.parametrize(("extra", "message"), [
    ("opens_at: 2026-12-01 10:00\ncloses_at: 2026-12-01 09:00\n", "'closes_at' must be later than 'opens_at'"),
    ("closes_at: next tuesday\n", "must be a date and time like '2026-12-01 09:00'"),
    ("time_limit_minutes: 0\n", "'time_limit_minutes' must be at least 1"),
])
def test_bad_exam_settings_are_reported_with_file_and_line(db, course_dir, extra, message):
    make_timed(course_dir, extra)
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_content", str(course_dir.parent), stderr=errors)
    line = 5 + extra.count("\n")  # the last field added after 'minutes' (line 5)
    assert f"01-m-1-1.md:{line}: " in errors.getvalue() and message in errors.getvalue()
    assert not Attempt.objects.exists() and not Quiz.objects.exists()


def test_hr_sees_the_focus_losses_next_to_the_attempt_and_that_it_only_deters(started, learner_client, learner,
                                                                               client):
    with time_machine.travel(START + timedelta(minutes=4), tick=False):
        learner_client.post(URL + "exam/focus/", {"attempt": started.pk, "kind": "hidden"})
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        learner_client.get(URL)
    client.force_login(UserFactory(email="hr@example.com", roles=["hr"]))
    page = client.get(f"/hr/learners/{learner.pk}/").content.decode()
    assert "离开考试页面 1 次" in page and "12-01 09:04:00" in page and "只能起威慑作用" in page
    assert "截止时自动评分" in page
