"""Reads about a learner's journey; each function runs a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from courses import selectors as course_selectors
from courses.authoring.diff import DiffLine, line_diff, reading_text
from courses.content.exercises import feedback
from courses.models import Course, Module
from quizzes.models import Attempt, QuestionResult
from quizzes.selectors import answer_text, reveals_answers

from .models import Certificate, Enrollment, ExerciseResult, ModuleProgress, Reflection, Retraining


@dataclass
class CourseProgress:
    course: Course
    enrollment: Enrollment | None
    statuses: dict[int, str] = field(default_factory=dict)  # module id -> status
    required: int = 0
    completed: int = 0
    next_module: dict | None = None
    seconds: int = 0
    certificate: Certificate | None = None

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.required) if self.required else 0


def _module_rows(course_ids: list[int]) -> list[dict]:
    return list(Module.objects.live().filter(course_id__in=course_ids).order_by("course_id", "position")
                .values("id", "slug", "title", "course_id", "required"))


def _next_module(modules: list[dict], statuses: dict[int, str], last_module_id: int | None) -> dict | None:
    """Where "continue" leads: the last module opened if unfinished, else the first unfinished."""
    by_id = {m["id"]: m for m in modules}
    if last_module_id in by_id and statuses.get(last_module_id) != "completed":
        return by_id[last_module_id]
    return next((m for m in modules if statuses.get(m["id"]) != "completed"), None)


def course_progress(*, user: User, course: Course, modules: list[dict] | None = None) -> CourseProgress:
    """modules: the course's live modules in reading order, when the caller has them (the outline's
    cached structure); read here otherwise."""
    enrollment = Enrollment.objects.filter(user=user, course=course).first() if user.is_authenticated else None
    if enrollment is None:
        return CourseProgress(course=course, enrollment=None)
    enrollment.course = course
    rows = [{**m, "course_id": course.pk} for m in modules] if modules is not None else None
    return _summaries(user, [enrollment], rows)[0]


def enrollments_progress(*, enrollment_ids: list[int]) -> dict[int, CourseProgress]:
    """course_progress of many enrolments of any learners, in four queries whatever their number
    (reminders render a message for each of thousands at once)."""
    enrollments = list(Enrollment.objects.filter(pk__in=enrollment_ids).select_related("user", "course"))
    course_ids = sorted({e.course_id for e in enrollments})
    user_ids = {e.user_id for e in enrollments}
    modules = _module_rows(course_ids)
    rows: dict[int, list[dict]] = {}
    for row in (ModuleProgress.objects.filter(user_id__in=user_ids, module__course_id__in=course_ids,
                                              module__archived_at__isnull=True)
                .values("user_id", "module_id", "module__course_id", "completed_at", "active_seconds")):
        rows.setdefault(row["user_id"], []).append(row)
    certificates = {(c.user_id, c.course_id): c
                    for c in Certificate.objects.filter(user_id__in=user_ids, course_id__in=course_ids)}
    return {e.pk: _summary(e, modules, rows.get(e.user_id, []), certificates.get((e.user_id, e.course_id)))
            for e in enrollments}


def _summaries(user: User, enrollments: list[Enrollment], modules: list[dict] | None = None
               ) -> list[CourseProgress]:
    """Progress of several enrolments from three queries, whatever their number."""
    course_ids = [e.course_id for e in enrollments]
    modules = modules if modules is not None else _module_rows(course_ids)
    rows = list(ModuleProgress.objects.filter(user=user, module__course_id__in=course_ids,
                                              module__archived_at__isnull=True)
                .values("module_id", "module__course_id", "completed_at", "active_seconds"))
    certificates = {c.course_id: c for c in Certificate.objects.filter(user=user, course_id__in=course_ids)}
    return [_summary(e, modules, rows, certificates.get(e.course_id)) for e in enrollments]


def _summary(enrollment: Enrollment, modules: list[dict], rows: list[dict],
             certificate: Certificate | None) -> CourseProgress:
    mine = [m for m in modules if m["course_id"] == enrollment.course_id]
    progress = [r for r in rows if r["module__course_id"] == enrollment.course_id]
    statuses = {r["module_id"]: "completed" if r["completed_at"] else "in_progress" for r in progress}
    required = [m for m in mine if m["required"]]
    return CourseProgress(
        course=enrollment.course, enrollment=enrollment, statuses=statuses, required=len(required),
        completed=sum(statuses.get(m["id"]) == "completed" for m in required),
        next_module=_next_module(mine, statuses, enrollment.last_module_id),
        seconds=sum(r["active_seconds"] for r in progress), certificate=certificate)


def course_seconds(*, user: User, course: Course | int) -> int:
    """A learner's time on a course as 我的学习 counts it: the active time on its live modules."""
    return ModuleProgress.objects.filter(user=user, module__course=course, module__archived_at__isnull=True
                                         ).aggregate(total=Sum("active_seconds"))["total"] or 0


COVER_STYLES = 6


@dataclass
class CatalogueEntry:
    course: Course
    progress: CourseProgress
    cover: int  # which of the stylesheet's course-cover-N patterns

    @property
    def module_count(self) -> int:
        return self.course.module_count


def catalogue(*, user: User) -> list[CatalogueEntry]:
    """Every live course with the visitor's progress in it, from five queries whatever their number."""
    courses = course_selectors.course_list()
    by_id = {course.pk: course for course in courses}
    enrollments = list(Enrollment.objects.filter(user=user, course_id__in=by_id)) if user.is_authenticated else []
    for enrollment in enrollments:
        enrollment.course = by_id[enrollment.course_id]
    summaries = {item.course.pk: item for item in _summaries(user, enrollments)} if enrollments else {}
    return [CatalogueEntry(course=course, cover=course.pk % COVER_STYLES,
                           progress=summaries.get(course.pk) or CourseProgress(course=course, enrollment=None))
            for course in courses]


@dataclass
class OutlinePartProgress:
    part: object  # courses.structure.OutlinePart
    completed: int
    total: int
    open: bool


def outline_parts(*, parts: list, progress: CourseProgress) -> list[OutlinePartProgress]:
    """Each part with how many of its modules are complete; the part to read next starts open
    (the first one for someone not enrolled or already done)."""
    current = progress.next_module["id"] if progress.next_module else None
    rows = [OutlinePartProgress(part=part, total=len(part.modules), open=any(m["id"] == current for m in part.modules),
                                completed=sum(progress.statuses.get(m["id"]) == "completed" for m in part.modules))
            for part in parts]
    if rows and not any(row.open for row in rows):
        rows[0].open = True
    return rows


def dashboard(*, user: User) -> dict:
    enrollments = list(Enrollment.objects.filter(user=user, course__archived_at__isnull=True)
                       .select_related("course").order_by("completed_at", "due_date", "-enrolled_at"))
    courses = _summaries(user, enrollments)
    return {"courses": courses, "recent_attempts": recent_attempts(user=user),
            "retraining": retraining_due(user=user),
            "total_seconds": sum(item.seconds for item in courses), "today": timezone.localdate(),
            "mistake_count": QuestionResult.objects.filter(user=user, last_correct=False,
                                                           question__is_active=True).count()}


def retraining_due(*, user: User) -> list[Retraining]:
    """The modules the learner has to learn again, soonest due first (one query)."""
    return list(Retraining.objects.filter(user=user, completed_at__isnull=True, module__archived_at__isnull=True)
                .select_related("module", "course").order_by("due_date", "course__title", "module__position"))


def retraining_diff(*, retraining: list[Retraining], module: Module) -> list[DiffLine]:
    """What changed since the text the learner learned (the oldest one, when several changes are open);
    body text only, so the quiz's marked answers never show. Empty for recertification."""
    learned = next((r.learned_revision for r in retraining if r.learned_revision is not None), None)
    if learned is None:
        return []
    return line_diff(reading_text(learned.source), reading_text(module.source))


def recent_attempts(*, user: User, limit: int = 5) -> list[Attempt]:
    return list(Attempt.objects.filter(user=user, status=Attempt.Status.SUBMITTED)
                .select_related("quiz__module__course").order_by("-submitted_at")[:limit])


def reflections_for(*, user: User, module: Module) -> dict[str, dict]:
    if 'data-widget="reflection"' not in module.body_html:
        return {}
    return {r.key: {"text": r.text, "updated_at": r.updated_at.isoformat()}
            for r in Reflection.objects.filter(user=user, module=module)}


def exercise_feedback(*, module: Module, result: ExerciseResult) -> dict:
    return feedback(module.exercises[result.key], answers=result.answers, results=result.results,
                    attempts=result.attempts)


def exercise_results_for(*, user: User, module: Module) -> dict[str, dict]:
    """The learner's last graded answers to the module's data exercises (no query when it has none)."""
    if not module.exercises:
        return {}
    rows = ExerciseResult.objects.filter(user=user, module=module, key__in=list(module.exercises))
    return {row.key: exercise_feedback(module=module, result=row) for row in rows}


@dataclass
class Mistake:
    result: QuestionResult
    module: Module
    choices: list
    reveal: bool
    answer_text: str


def mistakes(*, user: User) -> list[Mistake]:
    """Questions whose latest answer was wrong, with what the review policy lets us show."""
    results = list(QuestionResult.objects.filter(user=user, last_correct=False, question__is_active=True)
                   .select_related("question__quiz__module__course", "question__quiz__module__part")
                   .prefetch_related("question__choices").order_by("question__quiz__module__position",
                                                                   "question__order"))
    quiz_ids = {r.question.quiz_id for r in results}
    passed = set(Attempt.objects.filter(user=user, quiz_id__in=quiz_ids, passed=True)
                 .values_list("quiz_id", flat=True))
    items = []
    for result in results:
        question = result.question
        choices = [c for c in question.choices.all() if c.version == question.version]
        reveal = reveals_answers(question.quiz, has_passed=question.quiz_id in passed)
        items.append(Mistake(result, question.quiz.module, choices, reveal,
                             answer_text(question) if reveal else ""))
    return items
