from django.shortcuts import render

from . import selectors


def catalogue(request):
    return render(request, "courses/catalogue.html", {"courses": selectors.course_list()})


def course_outline(request, course_slug: str):
    course = selectors.course_get(slug=course_slug)
    parts = selectors.course_parts_with_modules(course=course)
    total_minutes = sum(m.minutes for p in parts for m in p.modules.all())
    return render(request, "courses/outline.html",
                  {"course": course, "parts": parts, "total_minutes": total_minutes})
