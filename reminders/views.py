from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.roles import role_required

from . import selectors, services
from .emails import unsubscribe_read
from .forms import PreferencesForm
from .models import ReminderCategory, ReminderChannel, ReminderKind
from .rules import local_today


@login_required
def preferences(request):
    state = selectors.preference_state(user=request.user)
    form = PreferencesForm(request.POST or None, categories=state.categories, channels=state.channels,
                           opted_out=state.opted_out, opted_in=request.user.reminder_opt_in)
    if request.method == "POST" and form.is_valid():
        services.reminder_preferences_save(user=request.user, opted_in=form.cleaned_data["reminder_opt_in"],
                                           choices_on=form.choices_on(), offered=state.offered)
        messages.success(request, _("Your reminder preferences are saved."))
        return redirect("reminders:preferences")
    return render(request, "reminders/preferences.html", {"form": form})


# Mail providers POST here without cookies (RFC 8058 one-click), so no CSRF token can be asked
# for; the signed token is what proves the request. GET only shows a confirmation button, so
# link scanners that open URLs never unsubscribe anyone.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    try:
        user_id, category = unsubscribe_read(token)
    except signing.SignatureExpired:
        return render(request, "reminders/unsubscribe.html", {"expired": True}, status=410)
    except signing.BadSignature:
        user_id, category = None, ""
    if category not in ReminderCategory.values:
        return render(request, "reminders/unsubscribe.html", {"invalid": True}, status=400)
    context = {"category": ReminderCategory(category).label, "token": token}
    if request.method == "POST":
        if not services.reminder_unsubscribe(user_id=user_id, category=category):
            return render(request, "reminders/unsubscribe.html", {"invalid": True}, status=400)
        context["done"] = True
    return render(request, "reminders/unsubscribe.html", context)


@role_required("hr")
def preview(request):
    when = services.tomorrow()
    result = selectors.reminder_preview(now=when, respect_window=False)
    counts = [(ReminderKind(kind).label, count) for kind, count in sorted(result.counts.items())]
    channel_counts = [(ReminderChannel(channel).label, count)
                      for channel, count in sorted(result.channel_counts.items())]
    return render(request, "reminders/preview.html", {
        "preview": result, "when": when, "counts": counts, "channel_counts": channel_counts,
        "digest_planned": ReminderKind.HR_DIGEST in result.counts})


@role_required("hr")
def delivery(request):
    rows = selectors.delivery_by_channel_and_day(today=local_today(timezone.now(), settings.TIME_ZONE))
    return render(request, "reminders/delivery.html", {"rows": rows, "days": selectors.DELIVERY_REPORT_DAYS})
