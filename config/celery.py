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
    "reminders-dispatch": {
        "task": "progress.reminders.dispatch",
        "schedule": timedelta(minutes=int(os.environ.get("REMINDER_DISPATCH_MINUTES", "15"))),
        "options": {"expires": 600},
    },
    # Retention of the audit log (AUDIT_RETENTION_DAYS): PIPL wants old entries gone on schedule.
    "audit-retention-purge": {
        "task": "audit.retention_purge",
        "schedule": timedelta(days=1),
        "options": {"expires": 3600},
    },
}
