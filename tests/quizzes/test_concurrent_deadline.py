"""The deadline task, beat's sweep, the learner's late submit and page views all racing for one
timed attempt past its deadline grade it exactly once (PostgreSQL)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from progress.models import ModuleProgress
from progress.services import attempt_deadline_record, exam_deadline_sweep
from quizzes.models import Attempt, QuestionResult
from tests.coursebuilder import module_file
from tests.quizhelpers import token

URL = "/courses/test-course/m-1-1/"
RACERS = 16


def test_every_grading_path_at_once_grades_one_attempt_once(transactional_db, course_dir, learner):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI sets DATABASE_URL): SQLite serialises every writer")
    path = module_file(course_dir, 1, 1)
    path.write_text(path.read_text(encoding="utf-8").replace("minutes: 10\n", "minutes: 10\ntime_limit_minutes: 5\n"),
                    encoding="utf-8")
    call_command("import_content", str(course_dir.parent))
    client = Client()
    client.force_login(learner)
    client.get(URL)
    client.post(URL + "exam/start/")
    attempt = Attempt.objects.get(user=learner, status="open")
    saved = {"attempt": attempt.pk, "q-q-one": token(attempt, "q-one", "a")}
    assert client.post(URL + "exam/autosave/", saved).status_code == 200
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    late = {**saved, "q-q-two": "true", "q-q-one": token(attempt, "q-one", "b")}
    barrier = threading.Barrier(RACERS)

    def race(number: int):
        poster = Client()
        poster.force_login(learner)
        barrier.wait()
        try:
            if number % 4 == 0:
                return poster.post(URL + "quiz/", late).status_code
            if number % 4 == 1:
                return poster.get(URL).status_code
            if number % 4 == 2:
                return exam_deadline_sweep()
            return attempt_deadline_record(attempt_id=attempt.pk) is not None
        finally:
            connection.close()

    with ThreadPoolExecutor(RACERS) as pool:
        outcomes = list(pool.map(race, range(RACERS)))
    assert [outcomes[n] for n in range(0, RACERS, 4)] == [400] * (RACERS // 4)  # late, refused
    assert [outcomes[n] for n in range(1, RACERS, 4)] == [200] * (RACERS // 4)
    attempt.refresh_from_db()
    assert attempt.status == "submitted" and attempt.auto_submitted and attempt.score == 50
    assert Attempt.objects.filter(user=learner, status="submitted").count() == 1
    assert sorted(QuestionResult.objects.filter(user=learner).values_list("wrong_count", flat=True)) == [0, 1]
    assert ModuleProgress.objects.get(user=learner, module__slug="m-1-1").best_score == 50
