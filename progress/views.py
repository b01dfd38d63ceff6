from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from courses import selectors as course_selectors


@login_required
def module_player(request, course_slug: str, module_slug: str):
    module = course_selectors.module_get(course_slug=course_slug, module_slug=module_slug)
    siblings = course_selectors.module_siblings(course=module.course)
    index = next(i for i, m in enumerate(siblings) if m["id"] == module.id)
    context = {
        "module": module,
        "course": module.course,
        "part": module.part,
        "previous": siblings[index - 1] if index > 0 else None,
        "next": siblings[index + 1] if index + 1 < len(siblings) else None,
        "position": index + 1,
        "module_count": len(siblings),
    }
    return render(request, "progress/module.html", context)
