from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .forms import ProfileForm


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


def sso_entry(request, provider: str):
    """The page to set as the app's home in the WeCom / DingTalk / Feishu console: inside the IM
    it starts the sign-in at once (our own script posts the form, with its CSRF token), so the
    member lands on 我的学习 without typing anything. No IM JavaScript SDK is needed, so the
    CSP stays "script-src 'self'": the OAuth redirect is silent inside the IM's webview.
    `?next=` (a path on this site, e.g. the module a reminder card opens) is where they land instead."""
    try:
        action = reverse("openid_connect_login", kwargs={"provider_id": provider}) if provider == "oidc" \
            else reverse(f"{provider}_login")
    except NoReverseMatch as exc:
        raise Http404 from exc
    return render(request, "accounts/sso_entry.html", {"action": action, "next": _local_next(request)})


def _local_next(request) -> str:
    wanted = request.GET.get("next", "")
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(wanted, allowed_hosts=set(),
                                                                  require_https=request.is_secure()):
        return wanted
    return reverse("progress:dashboard")
