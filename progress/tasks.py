"""Celery tasks for the learner journey: thin; progress.services and progress.retraining do the work."""

from celery import shared_task

from . import services
from .retraining import certificates_recertify


@shared_task(name="progress.exams.deadline")
def attempt_deadline_task(attempt_id: int) -> bool:
    """Queued for an attempt's deadline; does nothing if the attempt was graded or is not yet due."""
    return services.attempt_deadline_record(attempt_id=attempt_id) is not None


@shared_task(name="progress.exams.sweep")
def exam_deadline_sweep_task() -> int:
    return services.exam_deadline_sweep()


@shared_task(name="progress.certificates.recertify", ignore_result=True)
def certificates_recertify_task() -> int:
    """Run by beat daily; opens renewal for certificates whose window opened. Running it twice is harmless."""
    return certificates_recertify()
