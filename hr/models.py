"""HR's records: due-date extensions granted to a learner, and the log of every report export."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DueDateExtension(models.Model):
    enrollment = models.ForeignKey("progress.Enrollment", on_delete=models.CASCADE, related_name="extensions")
    previous_due_date = models.DateField(null=True)
    new_due_date = models.DateField()
    reason = models.CharField(max_length=300)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "progress_duedateextension"  # created when this model lived in progress

    def __str__(self) -> str:
        return f"{self.enrollment_id}: {self.previous_due_date} → {self.new_due_date}"


class ExportLog(models.Model):
    """Every report export: who, when, which filters, how many rows.

    A background export also records its way through the queue, so none is silently lost: when it
    was last handed to the queue, when a worker took it, how many tries, and why it failed; and
    the "export ready" email's tries, since the email is a notification and may fail on its own
    (the file is linked from the export log page either way)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=20)
    filters = models.JSONField(default=dict)
    row_count = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.CharField(max_length=300, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    failed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_due_at = models.DateTimeField(null=True, blank=True)  # next try (a lease while one runs)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=300, blank=True)

    class Meta:
        db_table = "progress_exportlog"  # created when this model lived in progress
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} by {self.user_id} at {self.created_at:%Y-%m-%d %H:%M}"


class EvidencePack(models.Model):
    """An evidence pack HR generated (a learner's or a cohort's training record as PDF or XLSX).

    The file itself is not kept: its SHA-256 is, so anyone holding a copy can check at
    /evidence/verify/<code>/ that not one byte changed. ``content_sha256`` is the digest of the
    pack's data (canonical JSON), printed inside the file."""

    class Subject(models.TextChoices):
        LEARNER = "learner", _("Learner")
        COHORT = "cohort", _("Cohort")

    code = models.CharField(max_length=24, unique=True)
    subject = models.CharField(max_length=10, choices=Subject.choices)
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    cohort = models.ForeignKey("progress.Cohort", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subject_label = models.CharField(max_length=200)
    file_format = models.CharField(max_length=4)
    content_sha256 = models.CharField(max_length=64)
    file_sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.code} {self.subject_label} ({self.file_format})"
