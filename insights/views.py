"""Trainer statistics pages: aggregates only, never an individual learner."""

from django.shortcuts import render

from accounts.roles import role_required
from courses.models import Course

from . import selectors

trainer_only = role_required("trainer")


@trainer_only
def index(request):
    courses = Course.objects.filter(archived_at__isnull=True).order_by("title")
    return render(request, "insights/index.html", {"courses": courses})


@trainer_only
def course_detail(request, course_slug: str):
    course = selectors.insight_course_get(slug=course_slug)
    return render(request, "insights/course.html", {
        "course": course, "rows": selectors.course_funnel(course=course),
        "enrolled": selectors.course_enrolled(course=course), "drop_off_days": selectors.DROP_OFF_DAYS})


@trainer_only
def module_detail(request, course_slug: str, module_slug: str):
    module = selectors.insight_module_get(course_slug=course_slug, module_slug=module_slug)
    first_only = request.GET.get("attempts") == "first"
    return render(request, "insights/module.html", {
        "course": module.course, "module": module, "first_only": first_only,
        "funnel": selectors.course_funnel(course=module.course, modules=[module])[0],
        "stats": selectors.module_question_stats(module=module, first_only=first_only),
        "exam": selectors.exam_summary(module=module),
        "drop_off_days": selectors.DROP_OFF_DAYS})
