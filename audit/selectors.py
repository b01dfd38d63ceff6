"""Reading the audit log: a filtered queryset for pages to paginate, plain rows for exports."""

import json
from collections.abc import Iterator
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry

CHUNK = 2000
EXPORT_HEADER = (
    _("Time"), _("Actor"), _("Action"), _("Target type"), _("Target id"), _("Target"),
    _("Before"), _("After"), _("Reason"), _("IP address"), _("Request id"),
)


def audit_entries(
    *,
    action: str | None = None,
    actor_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    target_type: type[models.Model] | str | None = None,
    target_id: object | None = None,
    target_text: str = "",
) -> QuerySet[AuditEntry]:
    """Entries newest first. `action` is a code ("role.grant") or, ending in a dot, a family
    ("role."). The time window is half-open: since <= recorded_at < until. `target_type` is a
    model or its "app_label.model" label; an unknown label raises ValueError. `target_text` is
    part of the target's label (a name, an email, a course title), case-insensitive."""
    entries = AuditEntry.objects.select_related("target_type")
    if action:
        entries = entries.filter(action__startswith=action) if action.endswith(".") else entries.filter(action=action)
    if actor_id is not None:
        entries = entries.filter(actor_id=actor_id)
    if since is not None:
        entries = entries.filter(recorded_at__gte=since)
    if until is not None:
        entries = entries.filter(recorded_at__lt=until)
    if target_type is not None:
        entries = entries.filter(target_type=_content_type(target_type))
    if target_id is not None:
        entries = entries.filter(target_id=str(target_id))
    if target_text:
        entries = entries.filter(target_label__icontains=target_text)
    return entries.order_by("-recorded_at", "-id")


def audit_rows(entries: QuerySet[AuditEntry]) -> Iterator[list[str]]:
    """The header, then one row of plain text per entry, streamed in chunks (bounded memory).
    Values are not spreadsheet-escaped: the exporter applies its own formula guard."""
    yield [str(title) for title in EXPORT_HEADER]
    for entry in entries.iterator(chunk_size=CHUNK):
        yield [
            timezone.localtime(entry.recorded_at).strftime("%Y-%m-%d %H:%M:%S"),
            entry.actor_label,
            entry.action,
            _type_label(entry.target_type),
            entry.target_id,
            entry.target_label,
            json_text(entry.before),
            json_text(entry.after),
            entry.reason,
            entry.ip_address or "",
            entry.request_id,
        ]


def _content_type(target_type: type[models.Model] | str) -> ContentType:
    if not isinstance(target_type, str):
        return ContentType.objects.get_for_model(target_type)
    app_label, _dot, model = target_type.lower().partition(".")
    try:
        return ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist:
        raise ValueError(f"unknown audit target type {target_type!r} (expected 'app_label.model')") from None


def _type_label(content_type: ContentType | None) -> str:
    return f"{content_type.app_label}.{content_type.model}" if content_type else ""


def json_text(value: object) -> str:
    """A before/after value as one line of JSON ("" for none), as pages and exports show it."""
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
