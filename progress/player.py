"""Everything the module page shows about the learner's quiz: the form, the last result, limits."""

from dataclasses import dataclass, field
from datetime import datetime

from accounts.models import User
from courses.models import Module
from quizzes import attempts as quiz_attempts
from quizzes.models import Attempt, Question
from quizzes.selectors import QuestionView, attempt_form, attempt_review


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


def quiz_state(*, user: User, module: Module, data=None, error: str = "") -> QuizState | None:
    quiz = module.quiz
    if quiz is None:
        return None
    state = QuizState(questions=quiz_attempts.current_questions(quiz), error=error)
    attempts = list(Attempt.objects.filter(user=user, quiz=quiz, status__in=[Attempt.Status.SUBMITTED,
                                                                            Attempt.Status.OPEN]))
    submitted = sorted((a for a in attempts if a.status == Attempt.Status.SUBMITTED),
                       key=lambda a: a.submitted_at, reverse=True)
    open_attempt = next((a for a in attempts if a.status == Attempt.Status.OPEN), None)
    state.attempts_used = len(submitted)
    if submitted:
        state.last = submitted[0]
        has_passed = any(a.passed for a in submitted)
        state.reveal = quiz_attempts.reveals_answers(quiz, has_passed=has_passed)
        if state.last.quiz_version == quiz.version:
            state.review = attempt_review(state.last, state.questions, reveal=state.reveal)
    try:
        state.open_attempt = quiz_attempts.attempt_start(user=user, quiz=quiz, questions=state.questions,
                                                         existing=open_attempt)
    except quiz_attempts.AttemptNotAllowed as refusal:
        state.blocked, state.retry_at = refusal.reason, refusal.retry_at
    else:
        state.form = attempt_form(state.open_attempt, state.questions, data)
    return state
