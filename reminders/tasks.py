"""Celery tasks for reminders: thin, take ids, the database row is the source of truth."""

import math

from celery import shared_task
from django.conf import settings

from . import services
from .models import ReminderLog

MAX_RETRIES = 8
RETRY_BACKOFF_MAX_SECONDS = 1800  # must stay below the broker's visibility timeout (3600 s)
SEND_TIME_LIMIT_SECONDS = 60  # must stay well below REMINDER_REQUEUE_SECONDS


@shared_task(name="progress.reminders.dispatch", ignore_result=True)
def reminder_dispatch_task() -> dict:
    """Run by beat every REMINDER_DISPATCH_MINUTES; running it twice at once is harmless."""
    return services.reminders_dispatch().as_dict()


@shared_task(name="progress.reminders.send", ignore_result=True, acks_late=True,
             autoretry_for=(services.ReminderTransientError,), max_retries=MAX_RETRIES,
             retry_backoff=settings.REMINDER_RETRY_BACKOFF_SECONDS, retry_backoff_max=RETRY_BACKOFF_MAX_SECONDS,
             retry_jitter=True, soft_time_limit=SEND_TIME_LIMIT_SECONDS - 10, time_limit=SEND_TIME_LIMIT_SECONDS)
def reminder_send_task(log_id: int) -> str:
    if not ReminderLog.objects.filter(pk=log_id).exists():
        return "gone"
    return services.reminder_send(log_id=log_id)


@shared_task(name="progress.reminders.send_batch", ignore_result=True, acks_late=True,
             soft_time_limit=services.SEND_BATCH * 5, time_limit=services.SEND_BATCH * 5 + 10)
def reminder_send_batch_task(log_ids: list[int]) -> dict:
    """What the dispatcher queues: up to SEND_BATCH emails over one SMTP connection, or an IM
    channel's batch; one that fails transiently goes on as its own reminder_send_task, retried with
    backoff; those a rate limit deferred come back as a batch once the wait is over."""
    return services.reminders_send_batch(
        log_ids=log_ids,
        retry_later=lambda log_id: reminder_send_task.apply_async(
            (log_id,), countdown=settings.REMINDER_RETRY_BACKOFF_SECONDS),
        defer_later=_send_deferred_later)


def _send_deferred_later(log_ids: list[int], wait: float) -> None:
    # In-process tasks ignore the countdown and would spin on the limit: the next dispatch sends them.
    if not reminder_send_batch_task.app.conf.task_always_eager:
        reminder_send_batch_task.apply_async((log_ids,), countdown=math.ceil(wait))
