import os
from datetime import timedelta

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("ops_academy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Beat: the reminder dispatcher scans in batches and queues one send task per email. The weekly
# HR digest is a reminder rule like the others (its weekday is data HR can edit), so the same
# dispatcher sends it on that day, once per ISO week, inside HR's daytime window.
app.conf.beat_schedule = {
    # Directory sync (DIRECTORY_SOURCES), then the department cohorts follow (directory is below
    # hr, so the two are chained here, in the wiring, not inside either app).
    "directory-sync": {
        "task": "config.directory_sync_then_cohorts",
        "schedule": timedelta(hours=float(os.environ.get("DIRECTORY_SYNC_HOURS", "6"))),
        "options": {"expires": 3600},
    },
    # Change callbacks and SCIM pushes move people one at a time: cohorts catch up every 15 minutes.
    "department-cohorts-refresh": {
        "task": "hr.department_cohorts_refresh",
        "schedule": timedelta(minutes=15),
        "options": {"expires": 600},
    },
    "reminders-dispatch": {
        "task": "progress.reminders.dispatch",
        "schedule": timedelta(minutes=int(os.environ.get("REMINDER_DISPATCH_MINUTES", "15"))),
        "options": {"expires": 600},
    },
    # Exports that could not be queued (broker down) or whose worker died, and emails to retry.
    "hr-exports-sweep": {
        "task": "hr.exports.sweep",
        "schedule": timedelta(minutes=int(os.environ.get("EXPORT_SWEEP_MINUTES", "5"))),
        "options": {"expires": 240},
    },
    # Timed exams past their deadline that no queued task graded (worker down, broker lost).
    "exam-deadline-sweep": {
        "task": "progress.exams.sweep",
        "schedule": timedelta(seconds=int(os.environ.get("EXAM_SWEEP_SECONDS", "60"))),
        "options": {"expires": 50},
    },
    # Certificates whose renewal window opened get their recurring modules to learn again.
    "certificates-recertify": {
        "task": "progress.certificates.recertify",
        "schedule": timedelta(days=1),
        "options": {"expires": 3600},
    },
    # Retention of the audit log (AUDIT_RETENTION_DAYS): PIPL wants old entries gone on schedule.
    "audit-retention-purge": {
        "task": "audit.retention_purge",
        "schedule": timedelta(days=1),
        "options": {"expires": 3600},
    },
}


@app.task(name="config.directory_sync_then_cohorts")
def directory_sync_then_cohorts() -> None:
    """One chain per beat: each source's reconcile (retried on its own), then the cohorts."""
    from celery import chain

    from directory.tasks import configured_sources, directory_sync_task
    from hr.tasks import department_cohorts_refresh_task

    steps = [directory_sync_task.si(source) for source in configured_sources()]
    chain(*steps, department_cohorts_refresh_task.si()).delay()
