from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404

from .models import Course, Module
from .structure import with_version

LIVE = Q(modules__archived_at__isnull=True)


def course_list() -> list[Course]:
    return list(
        Course.objects.filter(archived_at__isnull=True)
        .annotate(module_count=Count("modules", filter=LIVE), minutes=Sum("modules__minutes", filter=LIVE))
        .order_by("title")
    )


def course_get(*, slug: str) -> Course:
    """A live course, annotated with the version of its structure (see courses/structure.py)."""
    return get_object_or_404(with_version(Course.objects.all()), slug=slug, archived_at__isnull=True)


def module_get(*, course_slug: str, module_slug: str) -> Module:
    return get_object_or_404(
        with_version(Module.objects.live().select_related("course", "part", "quiz")
                     .defer("source", "course__source", "part__source", "part__description_html"),
                     course_ref="course_id"),
        course__slug=course_slug, slug=module_slug, course__archived_at__isnull=True,
    )
