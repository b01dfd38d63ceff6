"""Writes about a learner's journey. Every counter moves by atomic UPDATEs, never read-modify-write."""

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, F, OuterRef, Value, When
from django.db.models.functions import Coalesce, Greatest, Least
from django.db.models.lookups import IsNull
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerUnavailable
from redis.exceptions import ConnectionError as RedisConnectionError

from accounts.models import User
from courses.content import exercises
from courses.models import Course, Module
from courses.revisions import course_revision_current
from quizzes import exams
from quizzes import selectors as quiz_selectors
from quizzes import services as quiz_services
from quizzes.models import Attempt, Question
from quizzes.selectors import QuestionView, attempt_form, attempt_review

from .activetime import beat_credit, beat_watermark
from .models import Certificate, Enrollment, ExerciseResult, ModuleCredit, ModuleProgress, Reflection, Retraining
from .retraining import certificate_valid_until, retraining_open, retraining_passed, retraining_read
from .rollups import enrollment_rollups_update
from .selectors import course_seconds

# The browser counts active time only while the page is visible and the learner has touched
# the keyboard, mouse or screen within IDLE_CUTOFF_SECONDS; it reports every HEARTBEAT_SECONDS.
# What the server credits is decided in the database, in heartbeat_record's one UPDATE (see
# progress/activetime.py for the rule and why it bounds every total by wall-clock time + 5 s).
HEARTBEAT_SECONDS = 15
IDLE_CUTOFF_SECONDS = 60
MAX_BEAT_SECONDS = 30
BEAT_GRACE_SECONDS = 5
REFLECTION_MAX_LENGTH = 5000
CERTIFICATE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
QUEUE_ERRORS = (BrokerUnavailable, RedisConnectionError, OSError)  # the broker cannot be reached
logger = logging.getLogger(__name__)


def enrollment_ensure(*, user: User, course: Course,
                      source: str = Enrollment.Source.SELF) -> Enrollment:
    existing = Enrollment.objects.filter(user=user, course=course).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Enrollment.objects.create(user=user, course=course, source=source)
    except IntegrityError:  # a parallel request created it
        return Enrollment.objects.get(user=user, course=course)


def _progress_row(user: User, module: Module, now: datetime) -> tuple[ModuleProgress, bool]:
    existing = ModuleProgress.objects.filter(user=user, module=module).first()
    if existing is not None:
        return existing, False
    return _progress_create(user, module, now)


def _progress_create(user: User, module: Module, now: datetime) -> tuple[ModuleProgress, bool]:
    try:
        with transaction.atomic():
            return ModuleProgress.objects.create(user=user, module=module, first_viewed_at=now,
                                                 last_viewed_at=now), True
    except IntegrityError:  # a parallel request created it
        return ModuleProgress.objects.get(user=user, module=module), False


# Repeated views within this window (a reload, a quick back-and-forth) write nothing.
VIEW_WRITE_INTERVAL = timedelta(seconds=60)


# Not atomic on purpose: each statement stands alone (the row is created once, then timestamps and
# rollups are overwritten from the database's own rows), so a crash between them loses nothing
# that the next view does not write again.
def module_view_record(*, user: User, module: Module, enrollment: Enrollment) -> ModuleProgress:
    now = timezone.now()
    progress, created = _progress_row(user, module, now)
    if not created and now - progress.last_viewed_at >= VIEW_WRITE_INTERVAL:
        ModuleProgress.objects.filter(pk=progress.pk).update(last_viewed_at=now)
        progress.last_viewed_at = now
    recent = enrollment.last_activity_at and now - enrollment.last_activity_at < VIEW_WRITE_INTERVAL
    if enrollment.last_module_id != module.pk or not recent or enrollment.started_at is None:
        # Heartbeats only touch the module's row: the enrolment's rollups catch up here.
        enrollment_rollups_update(user_id=user.pk, course_id=module.course_id, last_module_id=module.pk,
                                  last_activity_at=now)
    return progress


@dataclass
class ModuleOpened:
    enrollment: Enrollment
    progress: ModuleProgress
    quiz: "QuizState | None"
    retraining: list[Retraining] = field(default_factory=list)


@transaction.atomic
def module_open(*, user: User, module: Module, data=None, error: str = "") -> ModuleOpened:
    """What opening a module writes (enrolment, view, the quiz attempt it starts) as one transaction:
    one commit instead of three, and never a view without its enrolment."""
    enrollment = enrollment_ensure(user=user, course=module.course)
    progress = module_view_record(user=user, module=module, enrollment=enrollment)
    # Retraining only ever follows a completion of the module: no query for everyone else.
    retraining = retraining_open(user=user, module=module) if progress.completed_at else []
    since = retraining[0].assigned_at if retraining else None
    quiz = module_quiz_open(user=user, module=module, data=data, error=error, attempts_since=since)
    return ModuleOpened(enrollment, progress, quiz, retraining)


def enrollment_rollup_refresh(*, user: User, course_id: int) -> None:
    """Recompute the per-enrolment rollups HR reports read, in one UPDATE."""
    enrollment_rollups_update(user_id=user.pk, course_id=course_id)


def heartbeat_record(*, user: User, module_id: int, seconds: int, now: datetime | None = None) -> bool:
    """Credit active time on a module the learner has opened, in one conditional UPDATE.

    False when nothing was updated: no such live module, or the learner never opened it.
    """
    now = now or timezone.now()
    reported = max(0, min(seconds, MAX_BEAT_SECONDS))
    credit = beat_credit(reported=reported, now=now, grace=BEAT_GRACE_SECONDS)
    return bool(ModuleProgress.objects.filter(
        user=user, module_id=module_id, module__archived_at__isnull=True, module__course__archived_at__isnull=True,
    ).update(active_seconds=F("active_seconds") + credit,
             last_beat_at=beat_watermark(credit=credit, now=now, grace=BEAT_GRACE_SECONDS), last_viewed_at=now))


@transaction.atomic
def module_mark_read(*, user: User, module: Module) -> ModuleProgress | None:
    """Mark an opened module as read; None when the learner never opened it (nothing written)."""
    now = timezone.now()
    rows = ModuleProgress.objects.filter(user=user, module=module)
    first_read = rows.filter(read_at__isnull=True).update(read_at=now)
    progress = _complete_if_ready(user, module, rows)
    if progress is not None and not first_read:  # retraining only follows an earlier completion
        retraining_read(user=user, module=module, now=now)
    return progress


def _completion(module: Module, passed_at) -> Case:
    """completed_at as one expression: kept once set; otherwise the moment both read and (if any) the
    quiz's pass were true, so a reconcile from attempts and views computes the very same value.
    ``passed_at`` is the value passed_at gets in the same UPDATE (SET sees the old row)."""
    if not module.quiz_id:
        return Case(When(completed_at__isnull=False, then=F("completed_at")), default=F("read_at"))
    ready = IsNull(F("read_at"), False) & IsNull(passed_at, False)
    return Case(When(completed_at__isnull=False, then=F("completed_at")),
                When(ready, then=Greatest(F("read_at"), passed_at)), default=Value(None))


@dataclass
class SubmissionOutcome:
    attempt: Attempt
    graded_now: bool
    progress: ModuleProgress
    late: bool = False  # the posted answers came after the deadline: the saved ones were graded


@transaction.atomic
def quiz_submission_record(*, user: User, module: Module, attempt_id: int, data) -> SubmissionOutcome:
    """Grade the posted attempt against this module's quiz and record the result, all in one transaction.

    Submitting a graded attempt again records it again, which changes nothing once applied (and
    heals a result that was never recorded). Raises AttemptRefused or InvalidResponse with nothing
    written. A timed attempt posted after its deadline is graded with what it saved (late=True).
    """
    quiz = module.quiz
    try:
        result = quiz_services.attempt_submit(user=user, quiz=quiz, attempt_id=attempt_id, data=data,
                                              questions=quiz_selectors.current_questions(quiz))
    except quiz_services.DeadlinePassed as late:  # raised before anything was written
        result = exams.attempt_expire(attempt_id=late.attempt.pk)
        if result is None:
            raise
        progress = quiz_result_record(user=user, module=module, attempt=result.attempt)
        return SubmissionOutcome(result.attempt, result.graded_now, progress, late=True)
    progress = quiz_result_record(user=user, module=module, attempt=result.attempt)
    return SubmissionOutcome(result.attempt, result.graded_now, progress)


@transaction.atomic
def exam_start(*, user: User, module: Module) -> Attempt:
    """Start (or resume) the learner's timed attempt on the module's exam; the deadline grading is
    queued for when it is due. Raises AttemptNotAllowed (window, limit, cooldown)."""
    quiz = module.quiz
    open_attempt = Attempt.objects.filter(user=user, quiz=quiz, status=Attempt.Status.OPEN).first()
    if open_attempt is not None and quiz_selectors.attempt_overdue(open_attempt):
        attempt_deadline_record(attempt_id=open_attempt.pk)
        open_attempt = None
    attempt = quiz_services.attempt_start(user=user, quiz=quiz, questions=quiz_selectors.current_questions(quiz),
                                          existing=open_attempt)
    if attempt.deadline is not None and attempt.pk != getattr(open_attempt, "pk", None):
        deadline_grading_queue(attempt=attempt)
    return attempt


def deadline_grading_queue(*, attempt: Attempt) -> None:
    """After commit, queue the grading for when the attempt is due. A broker that is down only
    delays it: beat's sweep and the learner's next request grade it too."""
    from .tasks import attempt_deadline_task  # tasks call this module: import here, not at the top

    def send() -> None:
        try:
            attempt_deadline_task.apply_async((attempt.pk,), eta=exams.deadline_due_at(attempt))
        except QUEUE_ERRORS:
            logger.warning("deadline grading of attempt %s not queued; the sweep grades it", attempt.pk,
                           exc_info=True)

    transaction.on_commit(send)


@transaction.atomic
def attempt_deadline_record(*, attempt_id: int, now: datetime | None = None) -> Attempt | None:
    """Grade a timed attempt past its deadline with its saved answers and record the result, in one
    transaction; however many paths (task, sweep, the learner's next request) race, it is graded
    once. None when there is nothing to grade."""
    result = exams.attempt_expire(attempt_id=attempt_id, now=now)
    if result is None:
        return None
    module = Module.objects.filter(quiz_id=result.attempt.quiz_id).select_related("course").first()
    if module is not None:
        quiz_result_record(user=result.attempt.user, module=module, attempt=result.attempt)
    return result.attempt


def exam_deadline_sweep(*, now: datetime | None = None) -> int:
    """Grade every attempt past its deadline that no task graded (worker down, broker lost)."""
    graded = 0
    for attempt_id in exams.overdue_attempt_ids(now=now):
        graded += attempt_deadline_record(attempt_id=attempt_id, now=now) is not None
    return graded


def exam_draft_save(*, user: User, module: Module, attempt_id: int, data) -> datetime:
    """Autosave; an attempt found past its deadline is graded now (the worker may be late)."""
    try:
        return exams.draft_save(user=user, quiz=module.quiz, attempt_id=attempt_id, data=data)
    except quiz_services.DeadlinePassed as late:
        attempt_deadline_record(attempt_id=late.attempt.pk)
        raise


def exam_focus_record(*, user: User, module: Module, attempt_id: int, kind: str) -> int:
    try:
        return exams.focus_loss_record(user=user, quiz=module.quiz, attempt_id=attempt_id, kind=kind)
    except quiz_services.DeadlinePassed as late:
        attempt_deadline_record(attempt_id=late.attempt.pk)
        raise


def quiz_result_record(*, user: User, module: Module, attempt: Attempt) -> ModuleProgress:
    """Fold one graded attempt into the module's progress, rollups and certificate. Idempotent:
    best score is a maximum, passed_at the earliest passing submission, completion is set once."""
    if attempt.status != Attempt.Status.SUBMITTED or attempt.quiz_id != module.quiz_id or attempt.user_id != user.pk:
        raise ValueError(f"attempt {attempt.pk} is not a graded attempt of {user.pk} on quiz {module.quiz_id}")
    passed_at = F("passed_at")
    if attempt.passed:
        passed_at = Least(Coalesce(F("passed_at"), Value(attempt.submitted_at)), Value(attempt.submitted_at))
    changes = {"best_score": Greatest(Coalesce(F("best_score"), Value(0)), Value(attempt.score)),
               "passed_at": passed_at, "completed_at": _completion(module, passed_at)}
    rows = ModuleProgress.objects.filter(user=user, module=module)
    if not rows.update(**changes):  # graded without a recorded view (a view always creates the row)
        _progress_create(user, module, attempt.submitted_at)
        rows.update(**changes)
    progress = _complete_if_ready(user, module, rows, refresh_rollups=True)
    if progress.completed_at is not None and progress.completed_at < attempt.submitted_at:
        retraining_passed(user=user, module=module, attempt=attempt)  # only follows an earlier completion
    return progress


def _complete_if_ready(user: User, module: Module, rows, *, refresh_rollups: bool = False
                       ) -> ModuleProgress | None:
    """rows: the queryset of the learner's one progress row on the module (None if there is none)."""
    if not refresh_rollups:
        ready = rows.filter(completed_at__isnull=True, read_at__isnull=False)
        if module.quiz_id:
            ready = ready.filter(passed_at__isnull=False)
        refresh_rollups = bool(ready.update(completed_at=_completion(module, F("passed_at"))))
    progress = rows.first()
    if progress is None:
        return None
    if refresh_rollups:
        enrollment_rollup_refresh(user=user, course_id=module.course_id)
    if progress.completed_at is not None:
        module_credit_record(user=user, module=module, completed_at=progress.completed_at)
        course_completion_check(user=user, course=module.course)
    return progress


def module_credit_record(*, user: User, module: Module, completed_at: datetime) -> None:
    """Fix the module's 学时 as it grants them now, once per learner and module: one INSERT that a
    recorded credit (the unique constraint) turns into nothing. A module without hours writes nothing."""
    hours = module.effective_credit_hours
    if not hours:
        return
    ModuleCredit.objects.bulk_create([ModuleCredit(
        user=user, module=module, course_id=module.course_id, hours=hours,
        category=module.effective_credit_category, required_seconds=module.credit_min_active_seconds,
        completed_at=completed_at)], ignore_conflicts=True)


def course_completion_check(*, user: User, course: Course) -> Certificate | None:
    """Issue the certificate once every required live module is complete (one query when not yet)."""
    done = ModuleProgress.objects.filter(user=user, module=OuterRef("pk"), completed_at__isnull=False)
    if Module.objects.live().filter(course=course, required=True).exclude(Exists(done)).exists():
        return None
    return certificate_issue(user=user, course=course)


def certificate_issue(*, user: User, course: Course) -> Certificate:
    """Issue once (a unique constraint decides a race) and mark the enrolment completed. Callers run
    it inside their recording transaction; run alone, a crash between the two statements leaves a
    certificate whose enrolment the next call (or progress_reconcile) marks completed."""
    existing = Certificate.objects.filter(user=user, course=course).first()
    if existing:
        Enrollment.objects.filter(user=user, course=course, completed_at__isnull=True).update(
            completed_at=existing.issued_at)
        return existing
    now = timezone.now()
    seconds = course_seconds(user=user, course=course)
    code = "-".join("".join(secrets.choice(CERTIFICATE_ALPHABET) for _ in range(4)) for _ in range(3))
    revision = course_revision_current(course_id=course.pk)
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                user=user, course=course, code=code, issued_at=now, learner_name=user.name,
                course_title=course.title, total_seconds=seconds, valid_until=certificate_valid_until(
                    course=course, start=now), course_revision=revision.number,
                course_fingerprint=revision.fingerprint, stamped_at=now)
    except IntegrityError:
        return Certificate.objects.get(user=user, course=course)
    Enrollment.objects.filter(user=user, course=course, completed_at__isnull=True).update(completed_at=now)
    return certificate


def certificate_revoke(*, certificate: Certificate, reason: str) -> bool:
    """Revoke once (False when it already was); verification says so from now on. The row stays."""
    return bool(Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason[:200]))


class ReflectionInvalid(ValueError):
    pass


def reflection_save(*, user: User, module: Module, key: str, text: str) -> Reflection:
    if f'data-key="{key}"' not in module.body_html or 'data-widget="reflection"' not in module.body_html:
        raise ReflectionInvalid(_("This module has no such reflection prompt."))
    if not ModuleProgress.objects.filter(user=user, module=module).exists():
        raise ReflectionInvalid(_("Open this module before answering its prompts."))
    if len(text) > REFLECTION_MAX_LENGTH:
        raise ReflectionInvalid(_("Answers are at most %(count)s characters long.") % {"count": REFLECTION_MAX_LENGTH})
    reflection, _created = Reflection.objects.update_or_create(
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
    exam_startable: bool = False


def module_quiz_open(*, user: User, module: Module, data=None, error: str = "",
                     attempts_since: datetime | None = None) -> QuizState | None:
    """The module's quiz as this learner sees it: their open attempt (started when allowed; a timed
    exam only on request), the last result and its review, and what stands in the way of a new
    attempt. One query for the attempts (the questions come from the per-version cache), however
    long the history; a timed attempt past its deadline is graded first if no worker did.
    ``attempts_since``: retraining opened then, and the attempt limit counts only the attempts after it."""
    quiz = module.quiz
    if quiz is None:
        return None
    state = QuizState(questions=quiz_selectors.current_questions(quiz), error=error)
    attempts = list(Attempt.objects.filter(user=user, quiz=quiz).order_by("-number"))
    overdue = [a for a in attempts if quiz_selectors.attempt_overdue(a)]
    for attempt in overdue:
        attempt_deadline_record(attempt_id=attempt.pk)
    if overdue:
        attempts = list(Attempt.objects.filter(user=user, quiz=quiz).order_by("-number"))
    submitted = sorted((a for a in attempts if a.status == Attempt.Status.SUBMITTED),
                       key=lambda a: a.submitted_at, reverse=True)
    open_attempt = next((a for a in attempts if a.status == Attempt.Status.OPEN), None)
    state.attempts_used = len(submitted)
    history = quiz_selectors.AttemptHistory(count=len(attempts), submitted_at=[
        a.submitted_at for a in submitted if attempts_since is None or a.submitted_at >= attempts_since])
    if submitted:
        state.last = submitted[0]
        has_passed = any(a.passed for a in submitted)
        state.reveal = quiz_selectors.reveals_answers(quiz, has_passed=has_passed)
        if state.last.paper or state.last.quiz_version == quiz.version:
            state.review = attempt_review(state.last, quiz_selectors.attempt_questions(state.last, state.questions),
                                          reveal=state.reveal)
    try:
        if quiz.is_timed and open_attempt is None:
            # The clock must not start on a page view: the learner starts the exam (exam_start).
            quiz_selectors.attempt_allowed(user=user, quiz=quiz, history=history)
            state.exam_startable = True
            return state
        state.open_attempt = quiz_services.attempt_start(
            user=user, quiz=quiz, questions=state.questions, existing=open_attempt, history=history)
    except quiz_selectors.AttemptNotAllowed as refusal:
        state.blocked, state.retry_at = refusal.reason, refusal.retry_at
    else:
        if data is None and state.open_attempt.draft:
            data = MultiValueDict(state.open_attempt.draft)
        state.form = attempt_form(state.open_attempt,
                                  quiz_selectors.attempt_questions(state.open_attempt, state.questions), data)
    return state


@transaction.atomic
def exercise_submit(*, user: User, module: Module, key: str, answers: Mapping[str, str]) -> ExerciseResult:
    """Grade a data exercise against the module's stored answer sheet and keep the learner's latest
    answers. Raises exercises.ExerciseInvalid (nothing written) for a submission that cannot be graded."""
    sheet = module.exercises.get(key) if isinstance(key, str) else None
    if sheet is None:
        raise exercises.ExerciseInvalid(_("This module has no such exercise."))
    if not ModuleProgress.objects.filter(user=user, module=module).exists():
        raise exercises.ExerciseInvalid(_("Open this module before answering its exercises."))
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
