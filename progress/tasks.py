"""Celery tasks for the learner journey: thin, the database decides what is left to do."""

from celery import shared_task

from .retraining import certificates_recertify


@shared_task(name="progress.certificates.recertify", ignore_result=True)
def certificates_recertify_task() -> int:
    """Run by beat daily; opens renewal for certificates whose window opened. Running it twice is harmless."""
    return certificates_recertify()
