"""allauth adapters: who may sign up and sign in, and how a company sign-in finds its account."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from . import sso
from .models import Role
from .roles import role_grant


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
            role_grant(user=user, role=Role.LEARNER)
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Company members only reach here (each provider refuses everyone else). A first sign-in
    links to an existing account by a verified work email or an employee number the company's
    directory or issuer vouches for; otherwise it creates the account from the IdP's profile."""

    def is_open_for_signup(self, request, sociallogin):
        return True  # a company member who signs in for the first time gets an account, SSO-only or not

    def pre_social_login(self, request, sociallogin):
        if sociallogin.is_existing:
            return
        user = sso.linkable_user(sso.identity_of(sociallogin))
        if user is not None:
            sociallogin.connect(request, user)

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        sso.profile_fill(user=user, identity=sso.identity_of(sociallogin))
        return user

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        role_grant(user=user, role=Role.LEARNER)
        return user

    def get_connect_redirect_url(self, request, socialaccount):
        return reverse("accounts:profile")
