"""Timed exam writes: autosave of draft answers, focus losses, grading at the deadline, and
per-learner time extensions. A deadline is decided by the server alone (``Attempt.deadline``)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User

from .grading import InvalidResponse
from .models import Attempt, Quiz, TimeExtension
from .papers import paper_questions
from .parser import MAX_CHOICES
from .selectors import SUBMIT_GRACE, attempt_overdue, exam_deadline
from .services import (
    FIELD_PREFIX,
    AttemptRefused,
    DeadlinePassed,
    SubmitResult,
    attempt_get_for_submit,
    attempt_grade_once,
    read_response,
)

FOCUS_KINDS = ("blur", "hidden")
FOCUS_LOG_MAX = 200  # the count goes on; the log keeps the first times
MAX_DRAFT_VALUE = 500
MAX_EXTRA_MINUTES = 600


def _open_timed_attempt(*, user: User, quiz: Quiz, attempt_id: int, now: datetime) -> Attempt:
    attempt = attempt_get_for_submit(user=user, quiz=quiz, attempt_id=attempt_id)
    if attempt.status != Attempt.Status.OPEN or attempt.deadline is None:
        raise AttemptRefused("closed")
    if attempt_overdue(attempt, now):
        raise DeadlinePassed(attempt)
    return attempt


def draft_save(*, user: User, quiz: Quiz, attempt_id: int, data, now: datetime | None = None) -> datetime:
    """Store the learner's answers so far on their open timed attempt; returns when it was saved.

    ``data`` is the posted form: only this attempt's question fields, each value short. Refused
    (AttemptRefused, InvalidResponse) with nothing written for another learner's attempt, another
    quiz's, a closed one, one past its deadline, or a field the form does not have."""
    now = now or timezone.now()
    attempt = _open_timed_attempt(user=user, quiz=quiz, attempt_id=attempt_id, now=now)
    fields = {FIELD_PREFIX + item["key"] for item in attempt.paper}
    draft = {}
    for name in data:
        if not name.startswith(FIELD_PREFIX):
            continue
        values = data.getlist(name)
        if name not in fields:
            raise InvalidResponse(f"unknown question: {name[len(FIELD_PREFIX):]}")
        if len(values) > MAX_CHOICES or any(len(value) > MAX_DRAFT_VALUE for value in values):
            raise InvalidResponse(f"question {name[len(FIELD_PREFIX):]}: too many or too long answers")
        draft[name] = values
    saved = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.OPEN,
                                   deadline__gte=now - SUBMIT_GRACE).update(draft=draft, draft_saved_at=now)
    if not saved:  # graded or timed out between the read and this write
        raise DeadlinePassed(attempt)
    return now


@transaction.atomic
def focus_loss_record(*, user: User, quiz: Quiz, attempt_id: int, kind: str, now: datetime | None = None) -> int:
    """Log that the exam page lost focus (another tab, another window); returns the count so far."""
    if kind not in FOCUS_KINDS:
        raise InvalidResponse(f"kind must be one of {', '.join(FOCUS_KINDS)}")
    now = now or timezone.now()
    attempt = _open_timed_attempt(user=user, quiz=quiz, attempt_id=attempt_id, now=now)
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)  # appends must not overwrite each other
    if len(attempt.focus_log) < FOCUS_LOG_MAX:
        attempt.focus_log.append([now.isoformat(), kind])
    Attempt.objects.filter(pk=attempt.pk).update(focus_log=attempt.focus_log, focus_losses=F("focus_losses") + 1)
    return attempt.focus_losses + 1


def attempt_expire(*, attempt_id: int, now: datetime | None = None) -> SubmitResult | None:
    """Grade an open attempt past its deadline with the answers it saved, once. Runs in the caller's
    transaction. The graded attempt (graded_now False if another path graded it), or None when
    there is nothing to grade (no such attempt, not timed, not yet due, abandoned)."""
    now = now or timezone.now()
    with transaction.atomic(savepoint=False):
        # Locked while the draft is read, so an autosave cannot slip in between read and grading.
        attempt = Attempt.objects.select_for_update().filter(pk=attempt_id).first()
        if attempt is None or attempt.deadline is None:
            return None
        if attempt.status == Attempt.Status.SUBMITTED:
            return SubmitResult(attempt, graded_now=False)
        if not attempt_overdue(attempt, now):
            return None
        questions = paper_questions(attempt.paper, attempt.quiz_id)
        return attempt_grade_once(user=attempt.user, attempt=attempt, questions=questions,
                                  responses=_saved_responses(attempt, questions), submitted_at=attempt.deadline,
                                  auto=True)


def _saved_responses(attempt: Attempt, questions) -> dict:
    """The draft as responses; a question left blank, or saved in a form that no longer reads, is unanswered."""
    responses = {}
    for question in questions:
        values = [v for v in attempt.draft.get(FIELD_PREFIX + question.key, []) if v.strip()]
        if not values:
            continue
        try:
            responses[question.key] = read_response(attempt, question, values)
        except InvalidResponse:
            continue
    return responses


def overdue_attempt_ids(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    cutoff = (now or timezone.now()) - SUBMIT_GRACE
    return list(Attempt.objects.filter(status=Attempt.Status.OPEN, deadline__lt=cutoff)
                .order_by("deadline").values_list("pk", flat=True)[:limit])


def time_extension_set(*, user: User, quiz: Quiz, extra_minutes: int, reason: str,
                       granted_by: User) -> tuple[TimeExtension, list[Attempt]]:
    """Give the learner this many extra minutes on the quiz (replacing an earlier extension); an
    attempt running now gets its deadline moved too. Returns the extension and the moved attempts."""
    if not quiz.is_timed:
        raise ValueError("not_timed")
    if not 0 <= extra_minutes <= MAX_EXTRA_MINUTES:
        raise ValueError("bad_minutes")
    with transaction.atomic(savepoint=False):
        extension, _created = TimeExtension.objects.update_or_create(
            user=user, quiz=quiz, defaults={"extra_minutes": extra_minutes, "reason": reason, "granted_by": granted_by})
        moved = []
        for attempt in Attempt.objects.select_for_update().filter(user=user, quiz=quiz, status=Attempt.Status.OPEN,
                                                                   deadline__isnull=False):
            attempt.deadline = exam_deadline(quiz=quiz, user=user, started_at=attempt.started_at)
            attempt.save(update_fields=["deadline"])
            moved.append(attempt)
    return extension, moved


def deadline_due_at(attempt: Attempt) -> datetime:
    """When the deadline grading may run (the grace included)."""
    return attempt.deadline + SUBMIT_GRACE + timedelta(seconds=1)
