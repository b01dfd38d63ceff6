"""allauth adapters: who may sign up and sign in, and how a company sign-in finds its account."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from . import sso
from .models import Role
from .roles import role_grant

log = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return not settings.SSO_ONLY

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None and not sso.password_login_allowed(user):
            # Said only after the password was right, so it reveals nothing about who exists.
            raise forms.ValidationError(_("Password sign-in is turned off: sign in with your company account."))
        return user

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            role_grant(user=user, role=Role.LEARNER, actor=user, request=request)
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Company members only reach here (each provider refuses everyone else). A first sign-in
    links to an existing account by a verified work email or an employee number the company's
    directory or issuer vouches for; otherwise it creates the account from the IdP's profile."""

    def is_open_for_signup(self, request, sociallogin):
        return True  # a company member who signs in for the first time gets an account, SSO-only or not

    def pre_social_login(self, request, sociallogin):
        if not sociallogin.state.get("next"):
            sociallogin.state["next"] = reverse("progress:dashboard")  # company sign-ins land on 我的学习
        if sociallogin.is_existing:
            return
        user = sso.linkable_user(sso.identity_of(sociallogin))
        if user is not None:
            sociallogin.connect(request, user)

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        identity = sso.identity_of(sociallogin)
        sso.profile_fill(user=user, identity=identity)
        # The one address the account gets: the vouched-for one, or a placeholder (never an
        # unverified claim, which allauth would otherwise record and match against).
        sociallogin.email_addresses = [EmailAddress(email=user.email, verified=bool(identity.verified_email),
                                                    primary=True)]
        return user

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        role_grant(user=user, role=Role.LEARNER)
        return user

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        log.warning("sign-in with %s failed: %s %r", getattr(provider, "id", provider), error, exception)
        if isinstance(exception, PermissionDenied) and exception.args:
            extra_context["reason"] = str(exception)  # our own, user-facing words
        else:  # platform codes go to the log, not to the page
            extra_context["reason"] = _("The sign-in page answered with an error or the sign-in took too long. "
                                        "Please try again.")

    def get_connect_redirect_url(self, request, socialaccount):
        return reverse("accounts:profile")
