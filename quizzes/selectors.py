"""Quiz reads: the current questions, whether a learner may start an attempt, the form of an open
attempt and the review of a graded one."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from . import grading
from .models import Attempt, Choice, Question, Quiz, ReviewPolicy, TimeExtension
from .papers import paper_questions

# A submit or autosave is accepted this long after the deadline (the request was on its way);
# grading at the deadline waits as long, so the two never compete for answers sent in time.
SUBMIT_GRACE = timedelta(seconds=10)


class AttemptNotAllowed(Exception):
    def __init__(self, reason: str, retry_at: datetime | None = None):
        self.reason, self.retry_at = reason, retry_at
        super().__init__(reason)


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


@dataclass(frozen=True)
class AttemptHistory:
    """What the limits need from a learner's attempts, when the caller has already read them."""

    count: int  # every attempt, abandoned ones included
    submitted_at: list[datetime]  # newest first


def attempt_history(*, user: User, quiz: Quiz) -> AttemptHistory:
    rows = list(Attempt.objects.filter(user=user, quiz=quiz).values_list("status", "submitted_at"))
    submitted = sorted((at for status, at in rows if status == Attempt.Status.SUBMITTED), reverse=True)
    return AttemptHistory(count=len(rows), submitted_at=submitted)


def attempt_allowed(*, user: User, quiz: Quiz, now: datetime | None = None,
                    history: AttemptHistory | None = None) -> None:
    """Raise AttemptNotAllowed when the exam window, the attempt limit or the cooldown stands in the way."""
    now = now or timezone.now()
    if quiz.opens_at and now < quiz.opens_at:
        raise AttemptNotAllowed("not_open", quiz.opens_at)
    if quiz.closes_at and now >= quiz.closes_at:
        raise AttemptNotAllowed("window_closed")
    history = history or attempt_history(user=user, quiz=quiz)
    if quiz.max_attempts and len(history.submitted_at) >= quiz.max_attempts:
        raise AttemptNotAllowed("max_attempts")
    if quiz.cooldown_minutes and history.submitted_at:
        retry_at = history.submitted_at[0] + timedelta(minutes=quiz.cooldown_minutes)
        if retry_at > now:
            raise AttemptNotAllowed("cooldown", retry_at)


def exam_deadline(*, quiz: Quiz, user: User, started_at: datetime) -> datetime | None:
    """When an attempt started now must end: the time limit or the window's close, whichever is
    first, plus the learner's extension. None for a quiz without a time limit or close."""
    ends = [moment for moment in (
        quiz.time_limit_minutes and started_at + timedelta(minutes=quiz.time_limit_minutes), quiz.closes_at)
        if moment]
    if not ends:
        return None
    extra = TimeExtension.objects.filter(user=user, quiz=quiz).values_list("extra_minutes", flat=True).first()
    return min(ends) + timedelta(minutes=extra or 0)


def attempt_overdue(attempt: Attempt, now: datetime | None = None) -> bool:
    """An open attempt whose deadline (and the grace after it) has passed: it is graded as saved."""
    return (attempt.status == Attempt.Status.OPEN and attempt.deadline is not None
            and (now or timezone.now()) > attempt.deadline + SUBMIT_GRACE)


def attempt_questions(attempt: Attempt, current: list[Question]) -> list[Question]:
    """What the attempt asks: its own paper when it keeps one, else the quiz's current questions."""
    return paper_questions(attempt.paper, attempt.quiz_id) if attempt.paper else current


def reveals_answers(quiz: Quiz, *, has_passed: bool) -> bool:
    return quiz.review == ReviewPolicy.AFTER_ATTEMPT or (
        quiz.review == ReviewPolicy.AFTER_PASS and has_passed)



@dataclass
class OptionView:
    value: str
    html: str
    chosen: bool = False
    correct: bool | None = None  # None: not revealed


@dataclass
class QuestionView:
    key: str
    kind: str
    number: int
    text_html: str
    options: list[OptionView] = field(default_factory=list)
    response: str = ""
    credit: float | None = None  # 0 … 1 once graded
    answer_text: str = ""
    explanation_html: str = ""
    feedback: list[str] = field(default_factory=list)

    @property
    def right(self) -> bool | None:
        return None if self.credit is None else self.credit >= 1

    @property
    def partial(self) -> bool:
        return self.credit is not None and 0 < self.credit < 1

    @property
    def percent(self) -> int:
        return round(100 * (self.credit or 0))


def attempt_form(attempt: Attempt, questions: list[Question], data=None) -> list[QuestionView]:
    """Questions of an open attempt, choices in the attempt's shuffled order; no answers."""
    views = []
    for number, question in enumerate(questions, start=1):
        view = QuestionView(question.key, question.kind, number, question.text_html)
        given = data.getlist(f"q-{question.key}") if data is not None else []
        view.options = _options(attempt, question, given)
        view.response = given[0] if given and question.kind in ("numeric", "text", "truefalse") else ""
        views.append(view)
    return views


def attempt_review(attempt: Attempt, questions: list[Question], *, reveal: bool) -> list[QuestionView]:
    """A graded attempt: right/wrong per question; right answers and explanations if revealed."""
    views = []
    for number, question in enumerate(questions, start=1):
        response = attempt.responses.get(question.key)
        view = QuestionView(question.key, question.kind, number, question.text_html,
                            credit=outcome_credit(attempt.outcomes.get(question.key)))
        chosen = _chosen_tokens(attempt, question, response)
        view.options = _options(attempt, question, chosen)
        view.response = _response_text(question, response)
        if reveal:
            correct = {c.key for c in question.current_choices if c.is_correct}
            token_keys = dict(_pairs(attempt, question))
            for option in view.options:
                option.correct = token_keys.get(option.value) in correct
            view.answer_text = answer_text(question)
            view.explanation_html = question.explanation_html
            view.feedback = response_feedback(question, response)
        views.append(view)
    return views


def outcome_credit(outcome) -> float | None:
    """An attempt's stored outcome as a credit 0 … 1 (attempts graded before partial credit
    stored True / False)."""
    return None if outcome is None else float(outcome)


def response_feedback(question: Question, response) -> list[str]:
    key = question.answer_key(question.current_choices)
    return grading.feedback(key, response, {c.key: c.feedback for c in question.current_choices})


def _options(attempt: Attempt, question: Question, chosen: list[str]) -> list[OptionView]:
    if question.kind == "truefalse":
        return [OptionView("true", _("True"), "true" in chosen), OptionView("false", _("False"), "false" in chosen)]
    html = {c.key: c.text_html for c in question.current_choices}
    return [OptionView(token, html.get(key, ""), token in chosen) for token, key in _pairs(attempt, question)]


def _pairs(attempt: Attempt, question: Question) -> list[list[str]]:
    """(token, choice key) in display order; attempts recorded without a layout used the keys."""
    pairs = attempt.layout.get(question.key, {}).get("choices")
    return pairs if pairs else [[c.key, c.key] for c in question.current_choices]


def _chosen_tokens(attempt: Attempt, question: Question, response) -> list[str]:
    if question.kind == "truefalse":
        return [] if response is None else ["true" if response else "false"]
    if question.kind not in ("single", "multiple") or response is None:
        return []
    keys = {response} if isinstance(response, str) else set(response)
    return [token for token, key in _pairs(attempt, question) if key in keys]


def _response_text(question: Question, response) -> str:
    if response is None or question.kind in ("single", "multiple", "truefalse"):
        return ""
    unit = question.answer.get("unit", "")
    return f"{response} {unit}".strip() if question.kind == "numeric" else str(response)


def answer_text(question: Question) -> str:
    """The right answer in words, for review pages (never for an open attempt)."""
    if question.kind in ("numeric", "text"):
        best = [a for a in grading.answers(question.answer, question.kind)
                if a.fraction == grading.FULL and a.value != grading.CATCH_ALL]
        if question.kind == "text":
            return " / ".join(a.value for a in best)
        unit = question.answer.get("unit", "")
        return " / ".join(f"{a.value}{f' ± {a.tolerance}' if a.tolerance else ''} {unit}".strip()
                          for a in best)
    if question.kind == "truefalse":
        return _("True") if question.answer["value"] else _("False")
    return ""
