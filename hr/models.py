"""HR's records: due-date extensions granted to a learner, and the log of every report export."""

from django.conf import settings
from django.db import models


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
