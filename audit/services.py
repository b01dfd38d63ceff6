"""Writing the audit log: record an action, purge what is past retention. Nothing else writes it."""

import ipaddress
import re
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from .guard import purge_permitted
from .models import AuditEntry
from .snapshot import snapshot

ACTION_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:/+=-]{1,64}$")
PURGE_ACTOR_LABEL = "retention purge"
SYSTEM_ACTOR_LABEL = "system"  # an action by no account whose caller gave no name


def audit_record(
    *,
    actor: models.Model | None,
    action: str,
    target: models.Model | None = None,
    before: Any = None,
    after: Any = None,
    reason: str = "",
    request: HttpRequest | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry. `actor` is the signed-in user who acted (None for the system: then
    `actor_label` names what acted, e.g. "manage.py grant_role"). `action` is a dotted code
    such as "role.grant". `before`/`after` are JSON-safe-ised and bounded (audit.snapshot).
    Runs inside the caller's transaction, so the entry exists exactly when the action does."""
    if not ACTION_RE.match(action) or len(action) > AuditEntry._meta.get_field("action").max_length:
        raise ValueError(f"audit action {action!r} must be a short dotted lower-case code such as 'role.grant'")
    if target is not None and target.pk is None:
        raise ValueError("the audit target must be saved first (it has no primary key)")
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=_fit(label_of(actor) if actor is not None else actor_label or SYSTEM_ACTOR_LABEL, "actor_label"),
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=_fit(str(target.pk), "target_id") if target is not None else "",
        target_label=_fit(label_of(target), "target_label") if target is not None else "",
        before=snapshot(before),
        after=snapshot(after),
        reason=_fit(reason.strip(), "reason"),
        ip_address=_client_ip(request),
        request_id=_request_id(request),
    )


def label_of(obj: models.Model) -> str:
    """How an entry names a person or thing, readable after the row is gone: for accounts the
    name and the (unique) login, e.g. "张三 (zhangsan@example.com)"."""
    name = str(obj)
    get_username = getattr(obj, "get_username", None)
    username = get_username() if callable(get_username) else ""
    return f"{name} ({username})" if username and username != name else name


@transaction.atomic
def audit_purge(*, older_than: datetime) -> int:
    """Delete entries recorded before `older_than` (the one sanctioned deletion) and record
    the purge itself as "audit.purge" with the count. Returns the number deleted."""
    if timezone.is_naive(older_than):
        raise ValueError("older_than must be an aware datetime")
    if older_than > timezone.now():
        raise ValueError("older_than is in the future: a purge never removes entries being recorded now")
    with purge_permitted(using=AuditEntry.objects.db):
        # AuditEntryQuerySet.delete() refuses; the plain QuerySet method is this one caller's way.
        deleted, _ = models.QuerySet.delete(AuditEntry.objects.filter(recorded_at__lt=older_than))
    audit_record(
        actor=None,
        actor_label=PURGE_ACTOR_LABEL,
        action="audit.purge",
        after={"deleted": deleted, "older_than": older_than},
    )
    return deleted


def audit_retention_purge() -> int:
    """Purge what is older than AUDIT_RETENTION_DAYS (0: keep everything, purge nothing)."""
    days = settings.AUDIT_RETENTION_DAYS
    if days <= 0:
        return 0
    return audit_purge(older_than=timezone.now() - timedelta(days=days))


def _fit(text: str, field: str) -> str:
    """Cut a label or reason to its column (with an ellipsis) rather than fail the action."""
    limit = AuditEntry._meta.get_field(field).max_length
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _client_ip(request: HttpRequest | None) -> str | None:
    """REMOTE_ADDR: behind a reverse proxy that is the proxy's address (see README)."""
    value = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _request_id(request: HttpRequest | None) -> str:
    """The X-Request-ID a proxy or load balancer set, if it looks like one."""
    value = request.META.get("HTTP_X_REQUEST_ID", "") if request is not None else ""
    return value if REQUEST_ID_RE.match(value) else ""
