"""The audit log: one row per administrative action, never changed, removed only by the purge.

The database refuses UPDATE and DELETE itself (triggers, migration 0002); the guards below only
give application code a readable error before the database's."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

APPEND_ONLY_MESSAGE = (
    "The audit log is append-only: audit entries cannot be changed or deleted "
    "(old entries are removed only by audit.services.audit_purge)."
)


class AppendOnlyError(RuntimeError):
    """Code tried to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(APPEND_ONLY_MESSAGE)

    def delete(self):
        raise AppendOnlyError(APPEND_ONLY_MESSAGE)

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(APPEND_ONLY_MESSAGE)


class AuditEntry(models.Model):
    recorded_at = models.DateTimeField(_("time"), db_default=Now(), editable=False)
    # SET_NULL: deleting an account clears this column (the one change the triggers allow);
    # actor_label keeps who it was.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # covered by the (actor, recorded_at) index
    )
    actor_label = models.CharField(_("actor"), max_length=255, blank=True)
    action = models.CharField(_("action"), max_length=64)
    # PROTECT: a content type with audit entries cannot vanish and take history with it.
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("target type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # covered by the (target_type, target_id, recorded_at) index
    )
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=255, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["recorded_at"], name="audit_recorded_at"),
            models.Index(fields=["action", "recorded_at"], name="audit_action_time"),
            models.Index(fields=["actor", "recorded_at"], name="audit_actor_time"),
            models.Index(fields=["target_type", "target_id", "recorded_at"], name="audit_target_time"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target_label}".strip()

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError(APPEND_ONLY_MESSAGE)
        # Always an INSERT: a new entry with a preset pk must never turn into an UPDATE.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(APPEND_ONLY_MESSAGE)
