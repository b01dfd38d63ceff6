"""Large exports run in the background and email a signed link that stays valid for days."""

from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from courses.models import Course

from ..models import ExportLog
from .exports import csv_lines, matrix_rows, summary_rows, write_xlsx
from .filters import ReportFilters

SIGNING_SALT = "hr-export"


def export_token(export: ExportLog) -> str:
    return signing.dumps({"export": export.pk}, salt=SIGNING_SALT)


def export_from_token(token: str) -> ExportLog | None:
    max_age = settings.EXPORT_LINK_DAYS * 86400
    try:
        export_id = signing.loads(token, salt=SIGNING_SALT, max_age=max_age)["export"]
    except (signing.BadSignature, KeyError, TypeError):
        return None
    return ExportLog.objects.filter(pk=export_id, finished_at__isnull=False).first()


def export_rows(export: ExportLog):
    filters = ReportFilters(**{k: v for k, v in export.filters.items() if k in ReportFilters.__dataclass_fields__})
    if export.kind.startswith("matrix"):
        return matrix_rows(filters, Course.objects.get(pk=filters.course_id))
    return summary_rows(filters)


@shared_task
def report_export_task(export_id: int) -> None:
    export = ExportLog.objects.filter(pk=export_id, finished_at__isnull=True).select_related("user").first()
    if export is None:
        return
    directory = Path(settings.EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    suffix = "xlsx" if export.kind.endswith("xlsx") else "csv"
    path = directory / f"export-{export.pk}.{suffix}"
    if suffix == "xlsx":
        rows = write_xlsx(export_rows(export), path)
    else:
        with path.open("w", encoding="utf-8", newline="") as handle:
            lines = 0
            for chunk in csv_lines(export_rows(export)):
                handle.write(chunk)
                lines += chunk.count("\r\n")
            rows = max(lines - 1, 0)  # minus the header line
    ExportLog.objects.filter(pk=export.pk).update(row_count=rows, file=str(path), finished_at=timezone.now())
    link = settings.SITE_URL + reverse("hr:export_download", args=[export_token(export)])
    context = {"export": export, "link": link, "rows": rows, "days": settings.EXPORT_LINK_DAYS}
    send_mail(render_to_string("emails/export_ready.subject.txt", context).strip(),
              render_to_string("emails/export_ready.txt", context), None, [export.user.email],
              html_message=render_to_string("emails/export_ready.html", context))
