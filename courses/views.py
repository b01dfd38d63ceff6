from django.http import Http404, HttpResponse
from django.shortcuts import render

from . import selectors
from .content.workbook import preview, workbook_bytes
from .models import CourseResource

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def glossary(request, course_slug: str):
    course = selectors.course_get(slug=course_slug)
    sections = selectors.glossary_sections(course=course)
    return render(request, "courses/glossary.html", {"course": course, "sections": sections})


def resources(request, course_slug: str):
    course = selectors.course_get(slug=course_slug)
    return render(request, "courses/resources.html",
                  {"course": course, "items": selectors.resource_list(course=course)})


def resource_detail(request, course_slug: str, slug: str):
    course = selectors.course_get(slug=course_slug)
    resource = selectors.resource_get(course=course, slug=slug)
    context = {"course": course, "resource": resource}
    if resource.kind == CourseResource.Kind.SHEET:
        context["sheets"] = preview(resource.spec)
    return render(request, "courses/resource.html", context)


def resource_download(request, course_slug: str, slug: str):
    course = selectors.course_get(slug=course_slug)
    resource = selectors.resource_get(course=course, slug=slug)
    if resource.kind != CourseResource.Kind.SHEET:
        raise Http404
    response = HttpResponse(workbook_bytes(spec=resource.spec, title=resource.title), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{resource.slug}.xlsx"'
    return response
