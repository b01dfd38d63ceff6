"""Celery tasks for HR: thin; the export services do the work."""

from celery import shared_task

from . import services


# The name is the one queued messages carry (the task lived in progress.hr.tasks); keep it.
@shared_task(name="progress.hr.tasks.report_export_task")
def report_export_task(export_id: int) -> None:
    services.export_write(export_id=export_id)


@shared_task(name="hr.exports.email")
def export_email_task(export_id: int) -> None:
    services.export_email_send(export_id=export_id)


@shared_task(name="hr.exports.sweep")
def export_sweep_task() -> dict:
    return services.export_sweep()


@shared_task(name="hr.department_cohorts_refresh")
def department_cohorts_refresh_task() -> dict:
    return services.department_cohorts_refresh()
