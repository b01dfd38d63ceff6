from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    WECOM = "wecom", _("WeCom")
    DINGTALK = "dingtalk", _("DingTalk")
    FEISHU = "feishu", _("Feishu")
    SCIM = "scim", _("SCIM")


class DirectoryEntry(models.Model):
    """One person as one source knows them. `fingerprint` is a hash of every field we map, so a
    reconcile skips the unchanged majority without comparing field by field."""

    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    external_id = models.CharField(_("id in the source"), max_length=128)
    # SCIM only: the client's own id for the person (`externalId`); `external_id` is the id we issued.
    external_ref = models.CharField(max_length=255, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directory_entries")
    active = models.BooleanField(_("active in the source"), default=True)
    fingerprint = models.CharField(max_length=40, blank=True)
    manager_external_id = models.CharField(max_length=128, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("directory entries")
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="unique_entry_per_source"),
            models.UniqueConstraint(fields=["source", "user"], name="one_entry_per_user_and_source"),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"


class SyncRun(models.Model):
    """One pull reconcile: what it found and did. A run that would deactivate too many people
    is `held`: nothing was written, and an HR/admin person (or `--confirm`) must confirm it."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        DRY_RUN = "dry_run", _("Dry run")
        HELD = "held", _("Held for confirmation")
        CONFIRMED = "confirmed", _("Confirmed and applied")
        FAILED = "failed", _("Failed")

    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict)  # counts per change kind, the share to deactivate
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.source} {self.status} {self.started_at:%Y-%m-%d %H:%M}"
