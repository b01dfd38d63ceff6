from django.shortcuts import render

from . import selectors


def catalogue(request):
    return render(request, "courses/catalogue.html", {"courses": selectors.course_list()})
