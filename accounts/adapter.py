from allauth.account.adapter import DefaultAccountAdapter

from .models import Role
from .roles import role_grant


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            role_grant(user=user, role=Role.LEARNER, actor=user, request=request)
        return user
