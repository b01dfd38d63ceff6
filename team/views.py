from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from reminders.services import NudgeRefused

from . import selectors, services

NUDGE_REFUSALS = {
    "switched_off": gettext_lazy("Nudges are switched off (the reminder rule is inactive)."),
    "already_today": gettext_lazy("This person was already nudged today; one nudge a day is the limit."),
    "not_open": gettext_lazy("This person has no open course to be nudged about."),
    "opted_out": gettext_lazy("This person has turned off reminder emails about their courses."),
}


@login_required
def team_home(request):
    manager_id = request.GET.get("manager", "")
    if manager_id and not manager_id.isdigit():
        raise Http404
    manager = selectors.team_manager(viewer=request.user, manager_id=int(manager_id) if manager_id else None)
    overview = selectors.team_overview(manager=manager, page=request.GET.get("page"))
    query = f"manager={manager.pk}" if manager.pk != request.user.pk else ""
    return render(request, "team/team.html", {"overview": overview, "query": query})


@login_required
def team_learner(request, user_id: int):
    context = selectors.team_learner_detail(viewer=request.user, user_id=user_id)
    return render(request, "team/learner.html", context)


@require_POST
@login_required
def team_nudge(request, user_id: int):
    try:
        enrollment = services.team_nudge(sender=request.user, user_id=user_id, request=request)
    except NudgeRefused as refusal:
        messages.error(request, NUDGE_REFUSALS[str(refusal)])
    else:
        messages.success(request, _("Nudge sent about “%(course)s”.") % {"course": enrollment.course.title})
    return redirect("team:learner", user_id=user_id)
