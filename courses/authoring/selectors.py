"""Reads for the trainer area: course structure, one module with its history. Fixed query counts."""

from dataclasses import dataclass, field

from django.db.models import Count, Max, Prefetch, Q
from django.shortcuts import get_object_or_404

from courses.models import Course, Module, ModuleRevision, Part
from quizzes.models import Question


@dataclass
class ModuleRow:
    module: Module
    status: str  # "published", "draft" (never published), "archived"
    has_draft: bool  # a draft newer than the published text
    revision_count: int
    first: bool = False  # first / last of the part's published modules (no move up / down)
    last: bool = False


@dataclass
class PartRow:
    part: Part
    modules: list[ModuleRow] = field(default_factory=list)


def trainer_courses() -> list[Course]:
    return list(Course.objects.filter(archived_at__isnull=True).annotate(
        module_count=Count("modules", filter=Q(modules__archived_at__isnull=True))).order_by("title"))


def trainer_course_get(*, slug: str) -> Course:
    return get_object_or_404(Course, slug=slug, archived_at__isnull=True)


def course_structure(*, course: Course) -> list[PartRow]:
    """Live parts with every module (live, draft-only and archived) and its status (three queries)."""
    modules = (Module.objects.filter(course=course)
               .annotate(revision_count=Count("revisions"),
                         last_number=Max("revisions__number"),
                         last_published=Max("revisions__number",
                                            filter=Q(revisions__published_at__isnull=False)))
               .only("id", "slug", "title", "order", "part_id", "archived_at", "course_id", "position")
               .order_by("order", "slug"))
    parts = list(course.parts.filter(archived_at__isnull=True).order_by("order")
                 .prefetch_related(Prefetch("modules", queryset=modules)))
    rows = []
    for part in parts:
        row = PartRow(part)
        for module in part.modules.all():
            status = "published" if module.archived_at is None else (
                "archived" if module.last_published else "draft")
            has_draft = bool(module.last_number and module.last_number != module.last_published)
            row.modules.append(ModuleRow(module, status, has_draft and status != "draft",
                                         module.revision_count))
        row.modules.sort(key=lambda r: (r.status != "published", r.module.order, r.module.slug))
        published = [r for r in row.modules if r.status == "published"]
        if published:
            published[0].first, published[-1].last = True, True
        rows.append(row)
    return rows


def trainer_module_get(*, course_slug: str, module_slug: str) -> Module:
    """Any module of a live course, archived or draft-only included: trainers see them all."""
    return get_object_or_404(Module.objects.select_related("course", "part", "quiz"),
                             course__slug=course_slug, slug=module_slug, course__archived_at__isnull=True)


def module_revisions(*, module: Module) -> list[ModuleRevision]:
    return list(module.revisions.select_related("author", "based_on").order_by("-number"))


def revision_get(*, module: Module, number: int) -> ModuleRevision:
    return get_object_or_404(ModuleRevision.objects.select_related("author"), module=module, number=number)


def live_parts(*, course: Course) -> list[Part]:
    return list(course.parts.filter(archived_at__isnull=True).order_by("order"))


def course_question_keys(*, course: Course) -> set[str]:
    """Every question id stored in the course's module quizzes and its bank: an import must reuse none."""
    return set(Question.objects.filter(Q(quiz__module__course=course) | Q(quiz__bank_of=course))
               .values_list("key", flat=True))
