"""Exact query counts for the learner's requests (the SQL is printed when one changes).

Counts include the SAVEPOINT/RELEASE pairs that atomic blocks issue inside the test's own
transaction; in production the outer block is a plain BEGIN/COMMIT, which is not counted.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.models import Attempt
from tests.coursebuilder import module_file, write_course
from tests.quizhelpers import MODULE_URL, SUBMIT_URL, answers, open_attempt

# session, user, roles (header), module (+ course version), enrolment, progress, attempts, and the
# SAVEPOINT/RELEASE of the one transaction that opening a module is.
MODULE_SEEN_AGAIN = 9
# ... plus creating the enrolment, the progress row and the quiz attempt (each with its savepoint),
# the enrolment's rollups, and the quiz questions and choices (cached per quiz version afterwards).
MODULE_FIRST_VIEW = 23
HEARTBEAT = 3  # session, user, one conditional UPDATE
READ = 8
# session, user, module, attempt, grade (UPDATE), results (one upsert), progress UPDATE and read,
# rollups, the certificate check once complete, and the transaction's SAVEPOINT/RELEASE.
QUIZ_SUBMIT = 12
OUTLINE = 7
DASHBOARD = 10  # ... with the modules to learn again (retraining)


def counted(client, method: str, url: str, data=None, expected: int | None = None) -> int:
    with CaptureQueriesContext(connection) as context:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302), (url, response.status_code)
    if expected is not None:
        assert len(context) == expected, "\n".join(q["sql"] for q in context.captured_queries)
    return len(context)


def test_module_page_first_view_and_seen_again(learner_client, imported_course):
    counted(learner_client, "get", MODULE_URL, expected=MODULE_FIRST_VIEW)
    counted(learner_client, "get", MODULE_URL, expected=MODULE_SEEN_AGAIN)


def test_heartbeat_read_and_quiz_submit(learner_client, learner, imported_course):
    module = imported_course.modules.get(slug="m-1-1")
    attempt = open_attempt(learner_client, learner)
    counted(learner_client, "post", f"/progress/beat/{module.pk}/", {"seconds": 15}, expected=HEARTBEAT)
    counted(learner_client, "post", MODULE_URL + "read/", expected=READ)
    counted(learner_client, "post", SUBMIT_URL, answers(attempt), expected=QUIZ_SUBMIT)


@pytest.mark.parametrize(("url", "expected"), [("/courses/test-course/", OUTLINE), ("/me/", DASHBOARD)])
def test_outline_and_dashboard(learner_client, learner, imported_course, url, expected):
    learner_client.get(MODULE_URL)
    learner_client.get(url)
    counted(learner_client, "get", url, expected=expected)


def _seen_again(client) -> int:
    client.get(MODULE_URL)
    return counted(client, "get", MODULE_URL)


def test_the_module_page_does_not_grow_with_course_size_history_or_reflections(db, tmp_path, learner_client,
                                                                              learner):
    call_command("import_content", str(write_course(tmp_path / "small", modules_per_part=2)))
    few = _seen_again(learner_client)
    course = write_course(tmp_path / "big", parts=4, modules_per_part=10)
    path = module_file(course)
    prompts = "".join(f"\n\n::: reflection p-{n}\n问题{n}？\n:::\n" for n in range(6))
    path.write_text(path.read_text(encoding="utf-8").replace("的正文。", "的正文。" + prompts), encoding="utf-8")
    call_command("import_content", str(course.parent))
    for _ in range(5):  # attempt history: five graded attempts
        attempt = open_attempt(learner_client, learner)
        learner_client.post(SUBMIT_URL, answers(attempt, right=False))
    for n in range(6):
        learner_client.post(f"/progress/reflections/{attempt.quiz.module.pk}/", {"key": f"p-{n}", "text": "答"})
    many = _seen_again(learner_client)
    assert Attempt.objects.filter(user=learner, status="submitted").count() == 5
    assert many == few + 1, "the reflections query is the one that a module with prompts adds"
