"""Celery's autodiscovery imports <app>.tasks: the reminder tasks live in progress/reminders/."""

from .reminders.tasks import reminder_dispatch_task, reminder_send_task

__all__ = ["reminder_dispatch_task", "reminder_send_task"]
