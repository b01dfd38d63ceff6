"""A course's outline structure (live parts and modules, in reading order), shared by every learner
and cached per course version.

The version is the latest `updated_at` of the course, its parts and its modules: every write that
changes what the outline shows (import, publish, reorder, move, archive, positions) saves one of
those rows, so a new version means a new key and a stale structure is never read. The structure
holds content only: titles, slugs, order, minutes, objectives. Nothing about any learner.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.db.models import DateTimeField, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Greatest

from .models import Course, Module, Part

CACHE_SECONDS = 24 * 3600
MODULE_FIELDS = ("id", "slug", "title", "part_id", "order", "position", "minutes", "objectives", "required",
                 "quiz_id")


@dataclass
class OutlinePart:
    id: int
    order: int
    title: str
    description_html: str
    modules: list[dict] = field(default_factory=list)


@dataclass
class CourseStructure:
    parts: list[OutlinePart]
    modules: list[dict]  # every live module in reading order (position)

    def neighbours(self, module_id: int) -> tuple[dict | None, dict | None, int]:
        """Previous and next module and the 1-based position of this one."""
        index = next(i for i, m in enumerate(self.modules) if m["id"] == module_id)
        previous = self.modules[index - 1] if index > 0 else None
        following = self.modules[index + 1] if index + 1 < len(self.modules) else None
        return previous, following, index + 1


def _latest(model, course_ref: str) -> Subquery:
    rows = model.objects.filter(course_id=OuterRef(course_ref)).order_by().values("course_id")
    return Subquery(rows.annotate(at=Max("updated_at")).values("at")[:1], output_field=DateTimeField())


def with_version(queryset: QuerySet, course_ref: str = "pk") -> QuerySet:
    """Annotate each row with `structure_at`, the version of its course's structure (no extra query)."""
    return queryset.annotate(structure_at=Greatest(
        _latest(Module, course_ref), _latest(Part, course_ref),
        "updated_at" if course_ref == "pk" else "course__updated_at"))


def course_structure(*, course: Course, version: datetime) -> CourseStructure:
    key = f"course-structure:{course.pk}:{version.isoformat()}"
    structure = cache.get(key)
    if structure is None:
        structure = _build(course)
        cache.set(key, structure, CACHE_SECONDS)
    return structure


def _build(course: Course) -> CourseStructure:
    parts = {p.pk: OutlinePart(p.pk, p.order, p.title, p.description_html)
             for p in Part.objects.filter(course=course, archived_at__isnull=True).order_by("order")}
    modules = [m for m in Module.objects.live().filter(course=course).order_by("position").values(*MODULE_FIELDS)
               if m["part_id"] in parts]
    for module in modules:
        parts[module["part_id"]].modules.append(module)
    return CourseStructure(parts=list(parts.values()), modules=modules)
