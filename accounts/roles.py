"""Roles are Django groups; these helpers are the one place that knows it."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record

from .models import Role, User


@transaction.atomic
def role_grant(
    *, user: User, role: str, actor: User | None = None, actor_label: str = "", request: HttpRequest | None = None
) -> None:
    """Give `user` the role; a real change is recorded in the audit log as "role.grant" by
    `actor` (None for the system, named by `actor_label`). Granting a role held already is a no-op."""
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}; choose from {', '.join(Role.values)}")
    before = set(user.groups.values_list("name", flat=True))
    if role in before:
        return
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    user.__dict__.pop("_role_names", None)
    roles_audit(user=user, before=before, after=before | {role}, actor=actor, actor_label=actor_label,
                request=request)


@transaction.atomic
def role_revoke(
    *, user: User, role: str, actor: User | None = None, actor_label: str = "", request: HttpRequest | None = None
) -> None:
    """Take the role away; a real change is recorded as "role.revoke" (see role_grant)."""
    before = set(user.groups.values_list("name", flat=True))
    if role not in before:
        return
    user.groups.remove(*Group.objects.filter(name=role))
    user.__dict__.pop("_role_names", None)
    roles_audit(user=user, before=before, after=before - {role}, actor=actor, actor_label=actor_label,
                request=request)


def roles_audit(
    *, user: User, before: set[str], after: set[str], actor: User | None, actor_label: str = "",
    request: HttpRequest | None = None,
) -> None:
    """One "role.grant" and/or one "role.revoke" entry for a change of `user`'s roles."""
    for action, changed in (("role.grant", after - before), ("role.revoke", before - after)):
        if changed:
            audit_record(actor=actor, actor_label=actor_label, action=action, target=user,
                         before={"roles": sorted(before)}, after={"roles": sorted(after)}, request=request)


ROLE_REFUSALS = {
    Role.TRAINER: _("You have no access to the trainer workspace: it is for trainers."),
    Role.HR: _("You have no access to the HR pages: they are for HR."),
}


def role_required(role: str) -> Callable:
    """Login first (anonymous users go to the login page), then 403 naming the area without the role."""

    refusal = ROLE_REFUSALS[role]

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.has_role(role):
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
