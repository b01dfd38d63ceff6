from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404

from .models import Course, Module, Part

LIVE = Q(modules__archived_at__isnull=True)


def course_list() -> list[Course]:
    return list(
        Course.objects.filter(archived_at__isnull=True)
        .annotate(module_count=Count("modules", filter=LIVE), minutes=Sum("modules__minutes", filter=LIVE))
        .order_by("title")
    )


def course_get(*, slug: str) -> Course:
    return get_object_or_404(Course, slug=slug, archived_at__isnull=True)


def course_parts_with_modules(*, course: Course) -> list[Part]:
    modules = Module.objects.live().only(
        "id", "slug", "title", "order", "position", "minutes", "objectives", "part_id", "required",
        "quiz_id",
    )
    return list(
        course.parts.filter(archived_at__isnull=True).prefetch_related(Prefetch("modules", queryset=modules))
    )


def module_get(*, course_slug: str, module_slug: str) -> Module:
    return get_object_or_404(
        Module.objects.live().select_related("course", "part", "quiz")
        .defer("source", "course__source", "part__source", "part__description_html"),
        course__slug=course_slug, slug=module_slug, course__archived_at__isnull=True,
    )


def module_siblings(*, course: Course) -> list[dict]:
    """All live modules of a course in reading order, as light dicts (one query)."""
    return list(
        Module.objects.live().filter(course=course).order_by("position")
        .values("id", "slug", "title", "part_id", "position", "required", "quiz_id")
    )
