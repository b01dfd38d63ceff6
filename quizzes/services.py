"""Quiz writes: sync a quiz with its content, and take it: start an attempt, submit it exactly
once, retry a question from the 错题本."""

import hashlib
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import User

from .grading import FULL, InvalidResponse, clean_response, credit, score_of
from .models import Attempt, Choice, Question, QuestionResult, Quiz
from .papers import paper_of
from .selectors import (
    AttemptHistory,
    attempt_allowed,
    attempt_history,
    attempt_overdue,
    attempt_questions,
    exam_deadline,
)


@dataclass(frozen=True)
class ChoiceData:
    key: str
    text_html: str
    is_correct: bool
    fraction: Decimal
    feedback: str = ""


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


def quiz_timing_set(*, quiz: Quiz, time_limit_minutes: int | None, opens_at, closes_at) -> None:
    """Make the quiz a timed exam (or not). Running attempts keep the deadline they started with."""
    wanted = {"time_limit_minutes": time_limit_minutes, "opens_at": opens_at, "closes_at": closes_at}
    if any(getattr(quiz, name) != value for name, value in wanted.items()):
        Quiz.objects.filter(pk=quiz.pk).update(**wanted, updated_at=timezone.now())
        for name, value in wanted.items():
            setattr(quiz, name, value)


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
               text_html=c.text_html, is_correct=c.is_correct, fraction=c.fraction, feedback=c.feedback)
        for i, c in enumerate(data.choices, start=1)
    )
    return True


FIELD_PREFIX = "q-"


class AttemptRefused(Exception):
    """The posted attempt cannot be graded here; nothing was written. ``reason`` says why:

    "unknown" (no such attempt of this learner), "other_quiz" (an attempt of another quiz),
    "closed" (abandoned), "stale" (the quiz changed after the attempt began), "late" (the
    exam's deadline has passed).
    """

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class StaleAttempt(AttemptRefused):
    """The quiz changed after the attempt was started; its form no longer matches."""

    def __init__(self):
        super().__init__("stale")


class DeadlinePassed(AttemptRefused):
    """The timed attempt's deadline (and the grace after it) has passed: what was saved counts."""

    def __init__(self, attempt: Attempt):
        self.attempt = attempt
        super().__init__("late")


@dataclass
class SubmitResult:
    attempt: Attempt
    graded_now: bool


def attempt_start(*, user: User, quiz: Quiz, questions: list[Question],
                  existing: Attempt | bool | None = False, history: AttemptHistory | None = None) -> Attempt:
    """The learner's open attempt on the current quiz version, creating one if needed.

    ``existing`` is the open attempt when the caller has already loaded it (None: there is none),
    ``history`` the learner's attempts on this quiz likewise. An attempt of a timed quiz keeps its
    deadline and its own paper, so it stays open across edits of the quiz.
    """
    attempt = existing if existing is not False else (
        Attempt.objects.filter(user=user, quiz=quiz, status=Attempt.Status.OPEN).first())
    if attempt is not None and (attempt.quiz_version == quiz.version or attempt.paper):
        return attempt
    if attempt is not None:
        Attempt.objects.filter(pk=attempt.pk).update(status=Attempt.Status.ABANDONED)
    history = history or attempt_history(user=user, quiz=quiz)
    now = timezone.now()
    attempt_allowed(user=user, quiz=quiz, history=history, now=now)
    timed = {"deadline": exam_deadline(quiz=quiz, user=user, started_at=now), "paper": paper_of(questions)
             } if quiz.is_timed else {}
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                user=user, quiz=quiz, number=history.count + 1, quiz_version=quiz.version, started_at=now,
                pass_mark=quiz.pass_mark, layout=_shuffled_layout(questions), **timed)
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
    if attempt.status == Attempt.Status.OPEN and attempt.quiz_version != quiz.version and not attempt.paper:
        raise StaleAttempt
    return attempt


def attempt_submit(*, user: User, quiz: Quiz, attempt_id: int, data, questions: list[Question]) -> SubmitResult:
    """Grade an open attempt of this quiz once, against the quiz version it was started on.

    A repeated or concurrent submit returns the graded attempt (graded_now False). ``data`` is the
    posted form (a QueryDict). Raises AttemptRefused (StaleAttempt and DeadlinePassed included) and
    InvalidResponse for tampered, incomplete or late input, in each case before anything is written.
    """
    attempt = attempt_get_for_submit(user=user, quiz=quiz, attempt_id=attempt_id)
    if attempt.auto_submitted:  # the deadline graded it: these answers came too late
        raise DeadlinePassed(attempt)
    if attempt.status == Attempt.Status.SUBMITTED:
        return SubmitResult(attempt, graded_now=False)
    now = timezone.now()
    if attempt_overdue(attempt, now):
        raise DeadlinePassed(attempt)
    questions = attempt_questions(attempt, questions)
    responses = read_responses(attempt, questions, data, blanks_allowed=attempt.deadline is not None)
    return attempt_grade_once(user=user, attempt=attempt, questions=questions, responses=responses,
                              submitted_at=now)


def attempt_grade_once(*, user: User, attempt: Attempt, questions: list[Question], responses: dict,
                       submitted_at, auto: bool = False) -> SubmitResult:
    """Grade the attempt with these responses if it is still open; an unanswered question earns no
    credit. Whoever loses a race (a second submit, the deadline grading) gets the winner's result."""
    credits = {q.key: credit(q.answer_key(q.current_choices), responses[q.key]) if q.key in responses
               else Decimal(0) for q in questions}
    score = score_of(credits.values())
    outcomes = {key: _stored_credit(value) for key, value in credits.items()}
    graded = {"status": Attempt.Status.SUBMITTED, "submitted_at": submitted_at, "responses": responses,
              "outcomes": outcomes, "score": score, "passed": score >= attempt.pass_mark, "auto_submitted": auto}
    # Part of the caller's transaction when there is one (no savepoint: any error undoes it all).
    with transaction.atomic(savepoint=False):
        # The row lock taken by this UPDATE serialises concurrent submits: only one finds it open.
        won = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.OPEN,
                                     quiz_version=attempt.quiz_version).update(**graded)
        if won:
            _record_results(user, questions, credits)
    if not won:
        attempt.refresh_from_db()
        if attempt.status != Attempt.Status.SUBMITTED:
            raise AttemptRefused("closed")
        return SubmitResult(attempt, graded_now=False)
    for name, value in graded.items():
        setattr(attempt, name, value)
    return SubmitResult(attempt, graded_now=True)


def read_responses(attempt: Attempt, questions: list[Question], data, *, blanks_allowed: bool = False) -> dict:
    """Every question answered (in a timed exam a blank is allowed and counts as wrong), each answer
    one the attempt's form could send, or InvalidResponse."""
    by_key = {q.key: q for q in questions}
    posted = {name[len(FIELD_PREFIX):] for name in data if name.startswith(FIELD_PREFIX)
              and (not blanks_allowed or any(value.strip() for value in data.getlist(name)))}
    unknown = posted - by_key.keys()
    if unknown:
        raise InvalidResponse(f"unknown question(s): {', '.join(sorted(unknown))}")
    missing = [q.key for q in questions if q.key not in posted]
    if missing and not blanks_allowed:
        raise InvalidResponse(f"missing answers: {', '.join(missing)}")
    return {key: read_response(attempt, by_key[key], data.getlist(FIELD_PREFIX + key)) for key in posted}


def read_response(attempt: Attempt, question: Question, values: list[str]):
    """One question's posted values (option tokens or text) as the canonical response."""
    key = question.key
    tokens = dict(attempt.layout.get(key, {}).get("choices", []))
    if question.kind in ("single", "multiple"):
        if any(v not in tokens for v in values):
            raise InvalidResponse(f"question {key}: an option that is not part of this question")
        values = [tokens[v] for v in values]
    if question.kind != "multiple" and len(values) != 1:
        raise InvalidResponse(f"question {key}: expected exactly one answer")
    raw = values if question.kind == "multiple" else values[0]
    return clean_response(question.answer_key(question.current_choices), raw)


def _stored_credit(value: Decimal) -> int | float:
    """A credit as the attempt's JSON keeps it (attempts graded before partial credit hold booleans)."""
    return int(value) if value == int(value) else float(value)


def _record_results(user: User, questions: list[Question], credits: dict[str, Decimal]) -> None:
    """Upsert the learner's latest answer per question in one statement (PostgreSQL and SQLite).
    Anything short of full credit keeps the question in the 错题本 and counts as a mistake."""
    if not questions:
        return
    table = QuestionResult._meta.db_table
    now = timezone.now()
    rows = [(user.pk, q.pk, credits[q.key] == FULL, credits[q.key], 0 if credits[q.key] == FULL else 1, now)
            for q in questions]
    values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, question_id, last_correct, last_credit, wrong_count, updated_at) "
            f"VALUES {values} ON CONFLICT (user_id, question_id) DO UPDATE SET "
            f"last_correct = excluded.last_correct, last_credit = excluded.last_credit, "
            f"wrong_count = {table}.wrong_count + excluded.wrong_count, updated_at = excluded.updated_at",
            [value for row in rows for value in row])


def question_retry(*, user: User, question: Question, raw) -> bool:
    """Answer one question again from the 错题本; full credit takes it off the list. One upsert,
    so two retries at once both count (a read-then-save lost one of them)."""
    choices = [c for c in question.choices.all() if c.version == question.version]
    key = question.answer_key(choices)
    earned = credit(key, clean_response(key, raw))
    _record_results(user, [question], {question.key: earned})
    return earned == FULL
