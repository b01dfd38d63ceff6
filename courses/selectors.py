from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404
from django.urls import reverse

from quizzes.draws import Candidate
from quizzes.models import Quiz
from quizzes.selectors import current_questions

from .models import Course, CourseResource, Module
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


def glossary_sections(*, course: Course) -> list[dict]:
    """The course's glossary grouped by the part that teaches each term, in course order (two queries)."""
    modules = {m["slug"]: m for m in Module.objects.live().filter(course=course).order_by("position")
               .values("slug", "title", "position", "part__title", "part__order")}
    sections: dict[object, dict] = {}
    for term in course.glossary_terms.all():
        module = modules.get(term.module_slug)
        order = module["part__order"] if module else 10**6
        section = sections.setdefault(order, {"order": order, "title": module["part__title"] if module else "",
                                              "terms": []})
        section["terms"].append({"term": term, "module": module})
    return [sections[order] for order in sorted(sections)]


def resource_list(*, course: Course) -> list[dict]:
    """The course's templates, each with the live modules that link to it (two queries)."""
    resources = list(course.resources.all())
    linking = list(Module.objects.live().filter(course=course, body_html__contains="/resources/")
                   .order_by("position").values("slug", "title", "body_html"))
    items = []
    for resource in resources:
        url = reverse("courses:resource", args=[course.slug, resource.slug])
        used = [{"slug": m["slug"], "title": m["title"]} for m in linking if f'href="{url}"' in m["body_html"]]
        items.append({"resource": resource, "modules": used})
    return items


def resource_get(*, course: Course, slug: str) -> CourseResource:
    return get_object_or_404(CourseResource, course=course, slug=slug)


def bank_candidates_for(*, course: Course) -> list[Candidate]:
    """The course's stored bank as draw rules see it (empty when it has none)."""
    if course.bank_id is None:
        return []
    bank = Quiz.objects.only("pk", "version", "updated_at").get(pk=course.bank_id)
    return [Candidate(q.key, tuple(q.tags), q.difficulty) for q in current_questions(bank)]
