"""Writes about a learner's journey. Every counter moves by atomic UPDATEs, never read-modify-write."""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, Min, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.content import exercises
from courses.models import Course, Module
from quizzes import selectors as quiz_selectors
from quizzes import services as quiz_services
from quizzes.models import Attempt, Question
from quizzes.selectors import QuestionView, attempt_form, attempt_review

from .models import Certificate, Enrollment, ExerciseResult, ModuleProgress, Reflection

# The browser counts active time only while the page is visible and the learner has touched
# the keyboard, mouse or screen within IDLE_CUTOFF_SECONDS; it reports every
# HEARTBEAT_SECONDS. The server accepts at most MAX_BEAT_SECONDS per report and never more
# than the wall-clock time since the previous report, so totals cannot be inflated.
HEARTBEAT_SECONDS = 15
IDLE_CUTOFF_SECONDS = 60
MAX_BEAT_SECONDS = 30
BEAT_GRACE_SECONDS = 5
REFLECTION_MAX_LENGTH = 5000
CERTIFICATE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def enrollment_ensure(*, user: User, course: Course,
                      source: str = Enrollment.Source.SELF) -> Enrollment:
    existing = Enrollment.objects.filter(user=user, course=course).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            enrollment, _ = Enrollment.objects.get_or_create(user=user, course=course,
                                                             defaults={"source": source})
    except IntegrityError:  # a parallel request created it
        enrollment = Enrollment.objects.get(user=user, course=course)
    return enrollment


def _progress_row(user: User, module: Module, now: datetime) -> tuple[ModuleProgress, bool]:
    existing = ModuleProgress.objects.filter(user=user, module=module).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return ModuleProgress.objects.get_or_create(
                user=user, module=module, defaults={"first_viewed_at": now, "last_viewed_at": now})
    except IntegrityError:
        return ModuleProgress.objects.get(user=user, module=module), False


# Repeated views within this window (a reload, a quick back-and-forth) write nothing. The module
# page cache (module_page._FINGERPRINT_SQL) serves a stored page only when module_view_record
# would write nothing: change the two together.
VIEW_WRITE_INTERVAL = timedelta(seconds=60)


def module_view_record(*, user: User, module: Module, enrollment: Enrollment) -> ModuleProgress:
    now = timezone.now()
    progress, created = _progress_row(user, module, now)
    if not created and now - progress.last_viewed_at >= VIEW_WRITE_INTERVAL:
        ModuleProgress.objects.filter(pk=progress.pk).update(last_viewed_at=now)
        progress.last_viewed_at = now
    recent = enrollment.last_activity_at and now - enrollment.last_activity_at < VIEW_WRITE_INTERVAL
    if enrollment.last_module_id != module.pk or not recent or enrollment.started_at is None:
        Enrollment.objects.filter(pk=enrollment.pk).update(last_module=module, last_activity_at=now,
                                                           started_at=Coalesce(F("started_at"), Value(now)))
    return progress


def enrollment_rollup_refresh(*, user: User, course_id: int) -> None:
    """Recompute the per-enrolment rollups HR reports read (a few dozen rows at most)."""
    rows = ModuleProgress.objects.filter(user=user, module__course_id=course_id, module__archived_at__isnull=True)
    totals = rows.aggregate(started=Min("first_viewed_at"), seconds=Sum("active_seconds"),
                            done=Count("id", filter=Q(completed_at__isnull=False)), score=Avg("best_score"))
    Enrollment.objects.filter(user=user, course_id=course_id).update(
        started_at=totals["started"], active_seconds=totals["seconds"] or 0, modules_completed=totals["done"],
        average_best_score=totals["score"])


def heartbeat_record(*, user: User, module: Module, seconds: int, reached_end: bool) -> ModuleProgress:
    now = timezone.now()
    progress, _ = _progress_row(user, module, now)
    allowed = max(0, min(seconds, MAX_BEAT_SECONDS))
    if progress.last_beat_at:
        elapsed = (now - progress.last_beat_at).total_seconds() + BEAT_GRACE_SECONDS
        allowed = int(min(allowed, max(elapsed, 0)))
    ModuleProgress.objects.filter(pk=progress.pk).update(
        active_seconds=F("active_seconds") + allowed, last_beat_at=now, last_viewed_at=now)
    Enrollment.objects.filter(user=user, course_id=module.course_id).update(
        last_activity_at=now, active_seconds=F("active_seconds") + allowed)
    if reached_end:
        return module_mark_read(user=user, module=module)
    progress.refresh_from_db()
    return progress


def module_mark_read(*, user: User, module: Module) -> ModuleProgress:
    now = timezone.now()
    progress, _ = _progress_row(user, module, now)
    ModuleProgress.objects.filter(pk=progress.pk, read_at__isnull=True).update(read_at=now)
    return _complete_if_ready(progress.pk, module)


def quiz_result_record(*, user: User, module: Module, attempt: Attempt) -> ModuleProgress:
    now = timezone.now()
    progress, _ = _progress_row(user, module, now)
    ModuleProgress.objects.filter(pk=progress.pk).update(
        best_score=Greatest(Coalesce(F("best_score"), Value(0)), Value(attempt.score)))
    if attempt.passed:
        ModuleProgress.objects.filter(pk=progress.pk, passed_at__isnull=True).update(passed_at=now)
    progress = _complete_if_ready(progress.pk, module)
    enrollment_rollup_refresh(user=user, course_id=module.course_id)
    return progress


def _complete_if_ready(progress_id: int, module: Module) -> ModuleProgress:
    ready = Q(read_at__isnull=False) & (Q(passed_at__isnull=False) if module.quiz_id else Q())
    updated = ModuleProgress.objects.filter(ready, pk=progress_id, completed_at__isnull=True).update(
        completed_at=timezone.now())
    progress = ModuleProgress.objects.select_related("user").get(pk=progress_id)
    if updated:
        enrollment_rollup_refresh(user=progress.user, course_id=module.course_id)
        course_completion_check(user=progress.user, course=module.course)
    return progress


def course_completion_check(*, user: User, course: Course) -> Certificate | None:
    required = Module.objects.live().filter(course=course, required=True)
    done = ModuleProgress.objects.filter(user=user, module__in=required, completed_at__isnull=False)
    if done.count() < required.count():
        return None
    return certificate_issue(user=user, course=course)


def certificate_issue(*, user: User, course: Course) -> Certificate:
    existing = Certificate.objects.filter(user=user, course=course).first()
    if existing:
        return existing
    now = timezone.now()
    seconds = ModuleProgress.objects.filter(user=user, module__course=course).aggregate(
        total=Sum("active_seconds"))["total"] or 0
    code = "-".join("".join(secrets.choice(CERTIFICATE_ALPHABET) for _ in range(4)) for _ in range(3))
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                user=user, course=course, code=code, issued_at=now, learner_name=user.name,
                course_title=course.title, total_seconds=seconds)
    except IntegrityError:
        return Certificate.objects.get(user=user, course=course)
    Enrollment.objects.filter(user=user, course=course, completed_at__isnull=True).update(completed_at=now)
    return certificate


class ReflectionInvalid(ValueError):
    pass


def reflection_save(*, user: User, module: Module, key: str, text: str) -> Reflection:
    if f'data-key="{key}"' not in module.body_html or 'data-widget="reflection"' not in module.body_html:
        raise ReflectionInvalid("这个模块没有这道思考题。")
    if len(text) > REFLECTION_MAX_LENGTH:
        raise ReflectionInvalid(f"回答最多 {REFLECTION_MAX_LENGTH} 个字符。")
    reflection, _ = Reflection.objects.update_or_create(
        user=user, module=module, key=key, defaults={"text": text})
    return reflection


@dataclass
class QuizState:
    questions: list[Question]
    open_attempt: Attempt | None = None
    form: list[QuestionView] = field(default_factory=list)
    last: Attempt | None = None
    review: list[QuestionView] = field(default_factory=list)
    reveal: bool = False
    blocked: str = ""
    retry_at: datetime | None = None
    attempts_used: int = 0
    error: str = ""


def module_quiz_open(*, user: User, module: Module, data=None, error: str = "") -> QuizState | None:
    """The module's quiz as this learner sees it: their open attempt (started when allowed), the last
    result and its review, and what stands in the way of a new attempt."""
    quiz = module.quiz
    if quiz is None:
        return None
    state = QuizState(questions=quiz_selectors.current_questions(quiz), error=error)
    attempts = list(Attempt.objects.filter(user=user, quiz=quiz, status__in=[Attempt.Status.SUBMITTED,
                                                                            Attempt.Status.OPEN]))
    submitted = sorted((a for a in attempts if a.status == Attempt.Status.SUBMITTED),
                       key=lambda a: a.submitted_at, reverse=True)
    open_attempt = next((a for a in attempts if a.status == Attempt.Status.OPEN), None)
    state.attempts_used = len(submitted)
    if submitted:
        state.last = submitted[0]
        has_passed = any(a.passed for a in submitted)
        state.reveal = quiz_selectors.reveals_answers(quiz, has_passed=has_passed)
        if state.last.quiz_version == quiz.version:
            state.review = attempt_review(state.last, state.questions, reveal=state.reveal)
    try:
        state.open_attempt = quiz_services.attempt_start(user=user, quiz=quiz, questions=state.questions,
                                                         existing=open_attempt)
    except quiz_selectors.AttemptNotAllowed as refusal:
        state.blocked, state.retry_at = refusal.reason, refusal.retry_at
    else:
        state.form = attempt_form(state.open_attempt, state.questions, data)
    return state


@transaction.atomic
def exercise_submit(*, user: User, module: Module, key: str, answers: Mapping[str, str]) -> ExerciseResult:
    """Grade a data exercise against the module's stored answer sheet and keep the learner's latest
    answers. Raises exercises.ExerciseInvalid (nothing written) for a submission that cannot be graded."""
    sheet = module.exercises.get(key) if isinstance(key, str) else None
    if sheet is None:
        raise exercises.ExerciseInvalid(_("This module has no such exercise."))
    graded = exercises.grade(sheet, answers)
    try:
        with transaction.atomic():
            result, _created = ExerciseResult.objects.select_for_update().get_or_create(
                user=user, module=module, key=key)
    except IntegrityError:  # a parallel first submission created it
        result = ExerciseResult.objects.select_for_update().get(user=user, module=module, key=key)
    result.answers, result.results = graded.answers, graded.results
    result.attempts += 1
    if graded.solved and result.solved_at is None:
        result.solved_at = timezone.now()
    result.save()
    return result
