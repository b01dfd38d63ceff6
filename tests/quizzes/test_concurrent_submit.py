"""Twenty simultaneous posts of one attempt record exactly one graded attempt (PostgreSQL)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from progress.models import ModuleProgress
from quizzes.models import Attempt, QuestionResult
from tests.quizhelpers import SUBMIT_URL, answers, open_attempt

POSTERS = 20


def test_concurrent_submits_grade_once(transactional_db, course_dir, learner):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI sets DATABASE_URL): SQLite serialises every writer")
    call_command("import_content", str(course_dir.parent))
    client = Client()
    client.force_login(learner)
    attempt = open_attempt(client, learner)
    data = answers(attempt, right=False)
    barrier = threading.Barrier(POSTERS)

    def post(_):
        poster = Client()
        poster.force_login(learner)
        barrier.wait()
        try:
            return poster.post(SUBMIT_URL, data).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(POSTERS) as pool:
        statuses = list(pool.map(post, range(POSTERS)))
    assert statuses == [302] * POSTERS
    assert Attempt.objects.filter(user=learner, status="submitted").count() == 1
    assert set(QuestionResult.objects.filter(user=learner).values_list("wrong_count", flat=True)) == {1}
    assert ModuleProgress.objects.get(user=learner, module__slug="m-1-1").best_score == 0
