from celery import shared_task

from .services import audit_retention_purge


@shared_task(name="audit.retention_purge", ignore_result=True)
def audit_retention_purge_task() -> int:
    """Run daily by beat. Running it twice is harmless: the second run finds nothing old enough."""
    return audit_retention_purge()
