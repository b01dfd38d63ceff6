"""Account writes other apps call: leaving (离职) and returning."""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .models import User


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
