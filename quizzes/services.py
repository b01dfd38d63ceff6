"""Quiz writes: sync a quiz with its content, and take it: start an attempt, submit it exactly
once, retry a question from the 错题本."""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import User

from .grading import InvalidResponse, clean_response, is_correct
from .models import Attempt, Choice, Question, QuestionResult, Quiz
from .selectors import AttemptHistory, attempt_allowed, attempt_history


@dataclass(frozen=True)
class ChoiceData:
    key: str
    text_html: str
    is_correct: bool


@dataclass(frozen=True)
class QuestionData:
    """A question as the content pipeline hands it over: already rendered and sanitised."""

    key: str
    kind: str
    fingerprint: str
    text_html: str
    explanation_html: str
    answer: dict
    choices: list[ChoiceData] = field(default_factory=list)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@transaction.atomic
def quiz_sync(*, quiz: Quiz, title: str, questions: list[QuestionData]) -> bool:
    """Make the quiz hold exactly these questions, by stable key.

    A question whose meaning changed gets a new version (old choices stay for past attempts);
    a question that disappeared is deactivated, never deleted. Returns whether anything changed.
    """
    existing = {q.key: q for q in quiz.questions.all()}
    changed = quiz.title != title
    for order, data in enumerate(questions, start=1):
        question = existing.pop(data.key, None)
        changed |= _question_upsert(quiz, question, data, order)
    for question in existing.values():
        if question.is_active:
            question.is_active = False
            question.save(update_fields=["is_active"])
            changed = True
    if changed:
        quiz.title = title
        quiz.version += 1
        quiz.save()
    return changed


def _question_upsert(quiz: Quiz, question: Question | None, data: QuestionData, order: int) -> bool:
    fingerprint = _digest(data.fingerprint)
    if question is None:
        question = Question(quiz=quiz, key=data.key, version=0)
    elif question.fingerprint == fingerprint:
        if question.order == order and question.is_active:
            return False
        question.order, question.is_active = order, True
        question.save(update_fields=["order", "is_active"])
        return True
    question.version += 1
    question.kind = data.kind
    question.order = order
    question.fingerprint = fingerprint
    question.text_html = data.text_html
    question.explanation_html = data.explanation_html
    question.answer = data.answer
    question.is_active = True
    question.save()
    Choice.objects.bulk_create(
        Choice(question=question, version=question.version, key=c.key, order=i,
               text_html=c.text_html, is_correct=c.is_correct)
        for i, c in enumerate(data.choices, start=1)
    )
    return True


FIELD_PREFIX = "q-"


class AttemptRefused(Exception):
    """The posted attempt cannot be graded here; nothing was written. ``reason`` says why:

    "unknown" (no such attempt of this learner), "other_quiz" (an attempt of another quiz),
    "closed" (abandoned), "stale" (the quiz changed after the attempt began).
    """

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class StaleAttempt(AttemptRefused):
    """The quiz changed after the attempt was started; its form no longer matches."""

    def __init__(self):
        super().__init__("stale")


@dataclass
class SubmitResult:
    attempt: Attempt
    graded_now: bool


def attempt_start(*, user: User, quiz: Quiz, questions: list[Question],
                  existing: Attempt | bool | None = False, history: AttemptHistory | None = None) -> Attempt:
    """The learner's open attempt on the current quiz version, creating one if needed.

    ``existing`` is the open attempt when the caller has already loaded it (None: there is none),
    ``history`` the learner's attempts on this quiz likewise.
    """
    attempt = existing if existing is not False else (
        Attempt.objects.filter(user=user, quiz=quiz, status=Attempt.Status.OPEN).first())
    if attempt is not None and attempt.quiz_version == quiz.version:
        return attempt
    if attempt is not None:
        Attempt.objects.filter(pk=attempt.pk).update(status=Attempt.Status.ABANDONED)
    history = history or attempt_history(user=user, quiz=quiz)
    attempt_allowed(user=user, quiz=quiz, history=history)
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                user=user, quiz=quiz, number=history.count + 1, quiz_version=quiz.version,
                pass_mark=quiz.pass_mark, layout=_shuffled_layout(questions))
    except IntegrityError:  # a parallel request opened it first
        return Attempt.objects.get(user=user, quiz=quiz, status=Attempt.Status.OPEN)


def _shuffled_layout(questions: list[Question]) -> dict:
    rng = secrets.SystemRandom()
    layout = {}
    for question in questions:
        choices = [[secrets.token_urlsafe(6), c.key] for c in question.current_choices]
        rng.shuffle(choices)
        layout[question.key] = {"version": question.version, "choices": choices}
    return layout


def attempt_get_for_submit(*, user: User, quiz: Quiz, attempt_id: int) -> Attempt:
    """The learner's attempt of this very quiz, or AttemptRefused (ids come from a form)."""
    attempt = Attempt.objects.filter(pk=attempt_id, user=user).first()
    if attempt is None:
        raise AttemptRefused("unknown")
    if attempt.quiz_id != quiz.pk:
        raise AttemptRefused("other_quiz")
    if attempt.status == Attempt.Status.ABANDONED:
        raise AttemptRefused("closed")
    if attempt.status == Attempt.Status.OPEN and attempt.quiz_version != quiz.version:
        raise StaleAttempt
    return attempt


def attempt_submit(*, user: User, quiz: Quiz, attempt_id: int, data, questions: list[Question]) -> SubmitResult:
    """Grade an open attempt of this quiz once, against the quiz version it was started on.

    A repeated or concurrent submit returns the graded attempt (graded_now False). ``data`` is the
    posted form (a QueryDict). Raises AttemptRefused (StaleAttempt included) and InvalidResponse
    for tampered or incomplete input, in each case before anything is written.
    """
    attempt = attempt_get_for_submit(user=user, quiz=quiz, attempt_id=attempt_id)
    if attempt.status == Attempt.Status.SUBMITTED:
        return SubmitResult(attempt, graded_now=False)
    responses = _read_responses(attempt, questions, data)
    outcomes = {q.key: is_correct(q.answer_key(q.current_choices), responses[q.key]) for q in questions}
    score = round(100 * sum(outcomes.values()) / len(outcomes)) if outcomes else 100
    graded = {"status": Attempt.Status.SUBMITTED, "submitted_at": timezone.now(), "responses": responses,
              "outcomes": outcomes, "score": score, "passed": score >= attempt.pass_mark}
    # Part of the caller's transaction when there is one (no savepoint: any error undoes it all).
    with transaction.atomic(savepoint=False):
        # The row lock taken by this UPDATE serialises concurrent submits: only one finds it open.
        won = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.OPEN,
                                     quiz_version=quiz.version).update(**graded)
        if won:
            _record_results(user, questions, outcomes)
    if not won:
        attempt.refresh_from_db()
        if attempt.status != Attempt.Status.SUBMITTED:
            raise AttemptRefused("closed")
        return SubmitResult(attempt, graded_now=False)
    for name, value in graded.items():
        setattr(attempt, name, value)
    return SubmitResult(attempt, graded_now=True)


def _read_responses(attempt: Attempt, questions: list[Question], data) -> dict:
    by_key = {q.key: q for q in questions}
    posted = {name[len(FIELD_PREFIX):] for name in data if name.startswith(FIELD_PREFIX)}
    unknown = posted - by_key.keys()
    if unknown:
        raise InvalidResponse(f"unknown question(s): {', '.join(sorted(unknown))}")
    missing = [q.key for q in questions if q.key not in posted]
    if missing:
        raise InvalidResponse(f"missing answers: {', '.join(missing)}")
    responses = {}
    for key, question in by_key.items():
        tokens = dict(attempt.layout.get(key, {}).get("choices", []))
        values = data.getlist(FIELD_PREFIX + key)
        if question.kind in ("single", "multiple"):
            if any(v not in tokens for v in values):
                raise InvalidResponse(f"question {key}: an option that is not part of this question")
            values = [tokens[v] for v in values]
        if question.kind != "multiple" and len(values) != 1:
            raise InvalidResponse(f"question {key}: expected exactly one answer")
        raw = values if question.kind == "multiple" else values[0]
        responses[key] = clean_response(question.answer_key(question.current_choices), raw)
    return responses


def _record_results(user: User, questions: list[Question], outcomes: dict[str, bool]) -> None:
    """Upsert the learner's latest answer per question in one statement (PostgreSQL and SQLite)."""
    if not questions:
        return
    table = QuestionResult._meta.db_table
    now = timezone.now()
    rows = [(user.pk, q.pk, outcomes[q.key], 0 if outcomes[q.key] else 1, now) for q in questions]
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, question_id, last_correct, wrong_count, updated_at) VALUES {values} "
            f"ON CONFLICT (user_id, question_id) DO UPDATE SET last_correct = excluded.last_correct, "
            f"wrong_count = {table}.wrong_count + excluded.wrong_count, updated_at = excluded.updated_at",
            [value for row in rows for value in row])


def question_retry(*, user: User, question: Question, raw) -> bool:
    """Answer one question again from the 错题本; a right answer takes it off the list. One upsert,
    so two retries at once both count (a read-then-save lost one of them)."""
    choices = [c for c in question.choices.all() if c.version == question.version]
    key = question.answer_key(choices)
    correct = is_correct(key, clean_response(key, raw))
    _record_results(user, [question], {question.key: correct})
    return correct


def attempt_answers_purge(*, submitted_before: datetime, batch_size: int) -> int:
    """Retention: forget what learners answered in attempts submitted before the cutoff. The score,
    pass and per-question right/wrong stay (HR's records, the 错题本 and reconcile read those).
    Batched, each batch its own short transaction; running it again finds nothing left to do."""
    stale = Attempt.objects.filter(status=Attempt.Status.SUBMITTED, submitted_at__lt=submitted_before).exclude(
        responses={})
    purged = last = 0
    while ids := list(stale.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size]):
        purged += Attempt.objects.filter(pk__in=ids).update(responses={})
        last = ids[-1]
    return purged
