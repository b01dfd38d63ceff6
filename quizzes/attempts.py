"""Taking a quiz: start an attempt, submit it exactly once, review it, retry wrong questions."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import User

from .grading import InvalidResponse, clean_response, is_correct
from .models import Attempt, Choice, Question, QuestionResult, Quiz, ReviewPolicy

FIELD_PREFIX = "q-"


class AttemptNotAllowed(Exception):
    def __init__(self, reason: str, retry_at: datetime | None = None):
        self.reason, self.retry_at = reason, retry_at
        super().__init__(reason)


class StaleAttempt(Exception):
    """The quiz changed after the attempt was started; its form no longer matches."""


@dataclass
class SubmitResult:
    attempt: Attempt
    graded_now: bool


def current_questions(quiz: Quiz) -> list[Question]:
    """Active questions with the choices of their current version.

    Cached per process by (quiz, version): the version goes up with every change to the quiz, so
    a cached entry can never be stale, and the module page saves two queries and ~40 objects.
    """
    return list(_questions_of_version(quiz.pk, quiz.version, quiz.updated_at))


@lru_cache(maxsize=512)
def _questions_of_version(quiz_id: int, version: int, updated_at) -> tuple[Question, ...]:
    questions = list(Question.objects.filter(quiz_id=quiz_id, is_active=True).prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("version", "order"), to_attr="all_choices")))
    for question in questions:
        question.current_choices = [c for c in question.all_choices if c.version == question.version]
    return tuple(questions)


def attempt_allowed(*, user: User, quiz: Quiz, now: datetime | None = None) -> None:
    """Raise AttemptNotAllowed when the attempt limit or the cooldown stands in the way."""
    submitted = Attempt.objects.filter(user=user, quiz=quiz, status=Attempt.Status.SUBMITTED)
    if quiz.max_attempts and submitted.count() >= quiz.max_attempts:
        raise AttemptNotAllowed("max_attempts")
    if quiz.cooldown_minutes:
        last = submitted.order_by("-submitted_at").values_list("submitted_at", flat=True).first()
        retry_at = last + timedelta(minutes=quiz.cooldown_minutes) if last else None
        if retry_at and retry_at > (now or timezone.now()):
            raise AttemptNotAllowed("cooldown", retry_at)


def attempt_start(*, user: User, quiz: Quiz, questions: list[Question],
                  existing: Attempt | bool | None = False) -> Attempt:
    """The learner's open attempt on the current quiz version, creating one if needed.

    ``existing`` is the open attempt when the caller has already loaded it (None: there is none).
    """
    attempt = existing if existing is not False else (
        Attempt.objects.filter(user=user, quiz=quiz, status=Attempt.Status.OPEN).first())
    if attempt is not None and attempt.quiz_version == quiz.version:
        return attempt
    if attempt is not None:
        Attempt.objects.filter(pk=attempt.pk).update(status=Attempt.Status.ABANDONED)
    attempt_allowed(user=user, quiz=quiz)
    number = Attempt.objects.filter(user=user, quiz=quiz).count() + 1
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                user=user, quiz=quiz, number=number, quiz_version=quiz.version,
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


def attempt_submit(*, user: User, attempt_id: int, data, questions: list[Question]) -> SubmitResult:
    """Grade an open attempt once. A repeated or concurrent submit returns the graded attempt.

    ``data`` is the posted form (a QueryDict). Raises InvalidResponse for tampered or
    incomplete input and StaleAttempt when the quiz changed since the attempt began.
    """
    attempt = Attempt.objects.select_related("quiz").get(pk=attempt_id, user=user)
    if attempt.status == Attempt.Status.SUBMITTED:
        return SubmitResult(attempt, graded_now=False)
    if attempt.status == Attempt.Status.ABANDONED or attempt.quiz_version != attempt.quiz.version:
        Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.OPEN).update(
            status=Attempt.Status.ABANDONED)
        raise StaleAttempt
    responses = _read_responses(attempt, questions, data)
    outcomes = {q.key: is_correct(q.answer_key(q.current_choices), responses[q.key]) for q in questions}
    score = round(100 * sum(outcomes.values()) / len(outcomes)) if outcomes else 100
    now = timezone.now()
    with transaction.atomic():
        won = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.OPEN).update(
            status=Attempt.Status.SUBMITTED, submitted_at=now, responses=responses,
            outcomes=outcomes, score=score, passed=score >= attempt.pass_mark)
        if won:
            _record_results(user, questions, outcomes)
    attempt.refresh_from_db()
    return SubmitResult(attempt, graded_now=bool(won))


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
    existing = {r.question_id: r for r in QuestionResult.objects.filter(
        user=user, question__in=[q.pk for q in questions])}
    for question in questions:
        result = existing.get(question.pk) or QuestionResult(user=user, question=question)
        result.last_correct = outcomes[question.key]
        result.wrong_count += 0 if result.last_correct else 1
        result.save()


def question_retry(*, user: User, question: Question, raw) -> bool:
    """Answer one question again from the 错题本; a right answer takes it off the list."""
    choices = [c for c in question.choices.all() if c.version == question.version]
    key = question.answer_key(choices)
    correct = is_correct(key, clean_response(key, raw))
    result, _ = QuestionResult.objects.get_or_create(
        user=user, question=question, defaults={"last_correct": correct})
    result.last_correct = correct
    result.wrong_count += 0 if correct else 1
    result.save()
    return correct


def reveals_answers(quiz: Quiz, *, has_passed: bool) -> bool:
    return quiz.review == ReviewPolicy.AFTER_ATTEMPT or (
        quiz.review == ReviewPolicy.AFTER_PASS and has_passed)
