"""Account writes other apps call: leaving (离职) and returning."""

from collections.abc import Sequence
from datetime import datetime

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from .models import User

PSEUDONYM_DOMAIN = "pseudonymised.invalid"


@transaction.atomic
def users_mark_left(*, user_ids: Sequence[int], when: datetime | None = None) -> int:
    """Deactivate leavers. They cannot sign in (allauth and the auth backends refuse inactive
    accounts), and an open session ends on its next request (the backend no longer loads an
    inactive user). Nothing is deleted: enrolments, attempts and certificates stay for HR."""
    return User.objects.filter(pk__in=user_ids, is_active=True).update(
        is_active=False, left_at=when or timezone.now())


@transaction.atomic
def users_mark_returned(*, user_ids: Sequence[int]) -> int:
    """A returner gets their account back with all of its history. Only people a directory
    marked as leavers return this way; an account an admin switched off stays off."""
    return User.objects.filter(pk__in=user_ids, is_active=False, left_at__isnull=False).update(
        is_active=True, left_at=None)


def users_pseudonymise(*, left_before: datetime, batch_size: int) -> int:
    """Retention for leavers: people who left before the cutoff lose what names them (email, name,
    employee number, job title, password, linked sign-in accounts); the account row stays, so
    their training records stay for HR under a pseudonym ("left-<id>"). Idempotent, batched."""
    due = User.objects.filter(left_at__lt=left_before, is_active=False, pseudonymised_at__isnull=True)
    done = 0
    while ids := list(due.values_list("pk", flat=True)[:batch_size]):
        with transaction.atomic():
            for user_id in ids:
                _pseudonymise(user_id)
        done += len(ids)
    return done


def _pseudonymise(user_id: int) -> None:
    EmailAddress.objects.filter(user_id=user_id).delete()
    SocialAccount.objects.filter(user_id=user_id).delete()
    User.objects.filter(pk=user_id).update(
        email=f"left-{user_id}@{PSEUDONYM_DOMAIN}", display_name="", employee_no="", job_title="",
        password=make_password(None), pseudonymised_at=timezone.now())
