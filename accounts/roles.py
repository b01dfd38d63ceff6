"""Roles are Django groups; these helpers are the one place that knows it."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction

from .models import Role, User


def role_grant(*, user: User, role: str) -> None:
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}; choose from {', '.join(Role.values)}")
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    user.__dict__.pop("_role_names", None)


@transaction.atomic
def role_revoke(*, user: User, role: str) -> None:
    user.groups.remove(*Group.objects.filter(name=role))
    user.__dict__.pop("_role_names", None)


def role_required(role: str) -> Callable:
    """Login first (anonymous users go to the login page), then 403 without the role."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.has_role(role):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
