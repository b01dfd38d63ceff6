"""The timed exam under load: BENCH_EXAM_LEARNERS (2,000) learners start the same exam within a
minute, each then autosaves ten times and submits; between the starts and the autosaves the quiz
is edited (its version goes up), which must not invalidate a single running attempt.

Each learner: start (POST, the server sets the deadline) → the exam page (its form read from the
HTML) → ten autosaves of the right answers → submit. Measured per step from the client, like the
learner day; afterwards the database must hold one graded attempt per learner, none by the deadline.
"""

import os
import time

from django.db.models import F
from django.middleware.csrf import _get_new_csrf_string
from django.utils import timezone

from bench.learner_day import _pool, percentile, quiz_form
from bench.measure import _forget, _learners, _session, quiz_answers
from courses.models import Course
from quizzes.models import Attempt, Quiz
from quizzes.services import quiz_timing_set

EXAM_LEARNERS = int(os.environ.get("BENCH_EXAM_LEARNERS", "2000"))
AUTOSAVES = 10
TIME_LIMIT_MINUTES = 60
STEPS = ["start", "exam_page", "autosave", "submit"]
EXPECTED = {"start": 302, "exam_page": 200, "autosave": 200, "submit": 302}


def exam_context(*, course_slug: str, busy_module_slug: str) -> dict:
    """The course's last quiz module (not the one the other measures use) made a timed exam, and
    learners who have not taken it, each with a signed-in session."""
    course = Course.objects.get(slug=course_slug)
    module = (course.modules.live().filter(quiz__isnull=False).exclude(slug=busy_module_slug)
              .select_related("quiz").order_by("-position").first())
    quiz_timing_set(quiz=module.quiz, time_limit_minutes=TIME_LIMIT_MINUTES, opens_at=None, closes_at=None)
    learners = _learners(course, EXAM_LEARNERS)
    _forget(learners, [module])
    csrf = _get_new_csrf_string()
    answers = quiz_answers(module)
    path = f"/courses/{course_slug}/{module.slug}/"
    return {"module": module, "path": path, "users": learners,
            "learners": [{"cookie": f"sessionid={_session(u)}; csrftoken={csrf}", "csrf": csrf, "answers": answers}
                         for u in learners]}


def _start(path: str):
    def job(client, learner, record):
        record("start", *client.request("POST", path + "exam/start/")[::2])
        status, page, ms = client.request("GET", path)
        record("exam_page", status, ms)
        learner["form"] = quiz_form(page, learner["answers"]) if status == 200 else None
    return job


def _autosave(path: str):
    def job(client, learner, record):
        if learner["form"] is not None:
            record("autosave", *client.request("POST", path + "exam/autosave/", learner["form"])[::2])
    return job


def _submit(path: str):
    def job(client, learner, record):
        if learner["form"] is not None:
            record("submit", *client.request("POST", path + "quiz/", learner["form"])[::2])
    return job


def exam_load(host: str, port: int, ctx: dict, *, threads: int = 4) -> dict:
    path, learners = ctx["path"], ctx["learners"]
    records, start_wall = _pool(host, port, learners, threads, _start(path))
    # An edit published while every attempt is running: a new quiz version.
    Quiz.objects.filter(pk=ctx["module"].quiz_id).update(version=F("version") + 1, updated_at=timezone.now())
    walls = {"start": start_wall}
    started = time.perf_counter()
    for _ in range(AUTOSAVES):
        records += _pool(host, port, learners, threads, _autosave(path))[0]
    walls["autosave"] = time.perf_counter() - started
    submitted, walls["submit"] = _pool(host, port, learners, threads, _submit(path))
    records += submitted
    graded = Attempt.objects.filter(quiz_id=ctx["module"].quiz_id, user__in=ctx["users"], status="submitted")
    result = {
        "learners": len(learners), "start_seconds": start_wall, "walls": walls,
        "errors": sum(1 for step, status, _ in records if status != EXPECTED[step]),
        "graded": graded.count(), "graded_at_deadline": graded.filter(auto_submitted=True).count(),
        "full_marks": graded.filter(score=100).count(),
        "steps": {step: _step(records, step) for step in STEPS},
    }
    quiz_timing_set(quiz=ctx["module"].quiz, time_limit_minutes=None, opens_at=None, closes_at=None)
    return result


def _step(records: list, step: str) -> dict:
    times = [ms for name, _, ms in records if name == step]
    return {"requests": len(times), "p50_ms": percentile(times, 0.5), "p99_ms": percentile(times, 0.99),
            "errors": sum(1 for name, status, _ in records if name == step and status != EXPECTED[step])}
