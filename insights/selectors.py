"""Aggregates for trainers: how far learners get in each module and how each question performs.

Only counts and shares leave this module; no learner is ever named or listed. Every function
runs a fixed number of queries whatever the number of learners or modules.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from courses.models import Course, Module
from progress.models import Enrollment, ModuleProgress
from quizzes.models import Attempt, Question
from quizzes.statistics import (
    AttemptRow,
    ChoiceInfo,
    QuestionInfo,
    QuestionStats,
    first_attempts,
    question_statistics,
)

# A learner who has not finished the course and has not been active for this long has stopped
# at the last module they opened.
DROP_OFF_DAYS = 14


@dataclass
class FunnelRow:
    module: Module
    started: int
    completed: int
    passed_first_try: int
    first_tries: int
    dropped: int

    @property
    def completion_rate(self) -> float | None:
        return round(100 * self.completed / self.started, 1) if self.started else None

    @property
    def first_try_rate(self) -> float | None:
        return round(100 * self.passed_first_try / self.first_tries, 1) if self.first_tries else None


def insight_course_get(*, slug: str) -> Course:
    return get_object_or_404(Course, slug=slug, archived_at__isnull=True)


def insight_module_get(*, course_slug: str, module_slug: str) -> Module:
    return get_object_or_404(Module.objects.select_related("course", "part", "quiz"),
                             course__slug=course_slug, slug=module_slug)


def exam_summary(*, module: Module) -> dict | None:
    """For a timed exam: graded attempts, how many the deadline graded, how many left the page."""
    if module.quiz is None or not module.quiz.is_timed:
        return None
    return Attempt.objects.filter(quiz=module.quiz, status=Attempt.Status.SUBMITTED, deadline__isnull=False).aggregate(
        graded=Count("id"), at_deadline=Count("id", filter=Q(auto_submitted=True)),
        left_page=Count("id", filter=Q(focus_losses__gt=0)), focus_losses=Sum("focus_losses", default=0))


def course_enrolled(*, course: Course) -> int:
    return Enrollment.objects.filter(course=course, unassigned_at__isnull=True).count()


def course_funnel(*, course: Course, modules: list[Module] | None = None) -> list[FunnelRow]:
    """Per module: learners who opened it, completed it, passed its quiz on the first try, and
    stopped there (five queries)."""
    if modules is None:
        modules = list(Module.objects.live().filter(course=course).select_related("part").order_by("position"))
    ids = [m.pk for m in modules]
    progress = {row["module_id"]: row for row in ModuleProgress.objects.filter(module_id__in=ids)
                .values("module_id").annotate(started=Count("id"),
                                              completed=Count("id", filter=Q(completed_at__isnull=False)))}
    first = _first_tries([m.quiz_id for m in modules if m.quiz_id])
    stale = timezone.now() - timedelta(days=DROP_OFF_DAYS)
    dropped = dict(Enrollment.objects.filter(
        course=course, completed_at__isnull=True, unassigned_at__isnull=True, last_module_id__in=ids)
        .filter(Q(last_activity_at__lt=stale) | Q(last_activity_at__isnull=True))
        .values("last_module_id").annotate(n=Count("id")).values_list("last_module_id", "n"))
    rows = []
    for module in modules:
        counts = progress.get(module.pk, {})
        tries, passed = first.get(module.quiz_id, (0, 0))
        rows.append(FunnelRow(module, counts.get("started", 0), counts.get("completed", 0),
                              passed, tries, dropped.get(module.pk, 0)))
    return rows


def _first_tries(quiz_ids: list[int]) -> dict[int, tuple[int, int]]:
    """quiz id -> (learners with a graded first attempt, of whom passed)."""
    submitted = Attempt.objects.filter(status=Attempt.Status.SUBMITTED)
    earlier = submitted.filter(user=OuterRef("user"), quiz=OuterRef("quiz"),
                               submitted_at__lt=OuterRef("submitted_at"))
    rows = (submitted.filter(quiz_id__in=quiz_ids).filter(~Exists(earlier))
            .values("quiz_id").annotate(n=Count("id"), passed=Count("id", filter=Q(passed=True))))
    return {row["quiz_id"]: (row["n"], row["passed"]) for row in rows}


def module_question_stats(*, module: Module, first_only: bool = False) -> list[QuestionStats]:
    """Per question version of the module's quiz (three queries)."""
    if module.quiz_id is None:
        return []
    rows = [AttemptRow(**row) for row in Attempt.objects.filter(
        quiz_id=module.quiz_id, status=Attempt.Status.SUBMITTED).values(
        "user_id", "score", "submitted_at", "layout", "responses", "outcomes")]
    if first_only:
        rows = first_attempts(rows)
    # Questions drawn from the course's bank count where they were asked, after the quiz's own.
    quiz_ids = [module.quiz_id, *([module.quiz.bank_id] if module.quiz.draw_rules else [])]
    questions = [_question_info(q, drawn=q.quiz_id != module.quiz_id) for q in Question.objects.filter(
        quiz_id__in=quiz_ids).prefetch_related("choices")]
    return question_statistics(attempts=rows, questions=questions)


BANK_ORDER_OFFSET = 100_000


def _question_info(question: Question, *, drawn: bool = False) -> QuestionInfo:
    choices: dict[int, list[ChoiceInfo]] = {}
    for choice in sorted(question.choices.all(), key=lambda c: (c.version, c.order)):
        choices.setdefault(choice.version, []).append(ChoiceInfo(choice.key, choice.text_html, choice.is_correct))
    return QuestionInfo(key=question.key, kind=question.kind, order=question.order + drawn * BANK_ORDER_OFFSET,
                        text_html=question.text_html, version=question.version,
                        is_active=question.is_active, choices=choices)
