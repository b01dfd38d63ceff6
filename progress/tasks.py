from dataclasses import asdict

from celery import shared_task

from .retention import retention_purge


@shared_task(name="progress.retention_purge", ignore_result=True)
def retention_purge_task() -> dict:
    """Run daily by beat; a second run the same day finds nothing due."""
    return asdict(retention_purge())
