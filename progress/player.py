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
    submitted = list(Attempt.objects.filter(user=user, quiz=quiz, status=Attempt.Status.SUBMITTED)
                     .order_by("-submitted_at").only("id", "score", "passed", "responses", "outcomes",
                                                     "layout", "submitted_at", "number", "pass_mark",
                                                     "quiz_version", "status", "quiz_id", "user_id"))
    state.attempts_used = len(submitted)
    if submitted:
        state.last = submitted[0]
        has_passed = any(a.passed for a in submitted)
        state.reveal = quiz_attempts.reveals_answers(quiz, has_passed=has_passed)
        if state.last.quiz_version == quiz.version:
            state.review = attempt_review(state.last, state.questions, reveal=state.reveal)
    try:
        state.open_attempt = quiz_attempts.attempt_start(user=user, quiz=quiz, questions=state.questions)
    except quiz_attempts.AttemptNotAllowed as refusal:
        state.blocked, state.retry_at = refusal.reason, refusal.retry_at
    else:
        state.form = attempt_form(state.open_attempt, state.questions, data)
    return state
