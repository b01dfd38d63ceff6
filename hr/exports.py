"""CSV and XLSX exports of exactly what the report filters show. Streamed, bounded memory,
and safe to open in a spreadsheet: no cell can turn into a formula."""

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from courses.models import Course, Module
from progress.models import ModuleProgress

from .auditlog import audit_export_rows
from .credit import CreditFilters
from .filters import ReportFilters, annotated_enrollments, apply_filters
from .ledger import ledger_rows
from .models import ExportLog
from .selectors import report_rows

CREDIT_EXPORTS = {"ledger_xlsx"}  # exports of the 学时 report's filters (CreditFilters)
SIGNING_SALT = "hr-export"  # emailed links carry it: changing it breaks the links already sent
CHUNK = 5000
LINES_PER_CHUNK = 200
BOM = "\ufeff"
# Characters that make Excel, LibreOffice or Google Sheets start a formula (or DDE), incl. the
# full-width and dash variants; a leading tab/CR/NUL can hide one of them.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", "–", "—", "＝", "＋", "－", "＠")
XLSX_DATE = "yyyy-mm-dd"
XLSX_DATETIME = "yyyy-mm-dd hh:mm"
XLSX_INTEGER = "0"
XLSX_DECIMAL = "0.00"
PLAIN_NUMBER_RE = re.compile(r"^[+-]?\d+(\.\d+)?$")
STATUS_LABELS = {"not_started": "未开始", "in_progress": "学习中", "completed": "已完成", "overdue": "已逾期",
                 "left": "离职"}
CERTIFICATE_LABELS = {"valid": "有效", "expiring": "即将到期", "expired": "已过期", "revoked": "已撤销",
                      "never": "未获证"}
KNOWN_SAFE = frozenset({*STATUS_LABELS.values(), *CERTIFICATE_LABELS.values(), "已完成", "学习中", "未开始", ""})
SUMMARY_HEADER = ["姓名", "邮箱", "工号", "部门", "直属上级", "课程", "状态", "截止日期", "完成日期",
                  "已完成模块", "平均最佳得分", "学习时长（分钟）", "证书状态", "证书有效期至", "离职日期"]


def cell_text(value: object) -> str:
    """A value as text that a spreadsheet shows as text, never evaluates."""
    if value in KNOWN_SAFE:  # the status words fill most cells of a matrix: skip the checks
        return value  # type: ignore[return-value]
    if value is None:
        return ""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value)).replace("\0", "")
    if PLAIN_NUMBER_RE.match(text):
        return text
    if text.startswith(FORMULA_TRIGGERS) or str(value).startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


class CleanRow(list):
    """A row whose cells are already spreadsheet-safe text (csv_lines does not check them again)."""


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    """RFC 4180 (CRLF, quotes doubled), UTF-8 with a BOM so Excel reads Chinese correctly.

    Lines are handed to the server LINES_PER_CHUNK at a time: one write per line costs more
    than producing the line."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield BOM
    chunk: list[str] = []
    for row in rows:
        chunk.append(writer.writerow(row if isinstance(row, CleanRow) else [cell_text(v) for v in row]))
        if len(chunk) == LINES_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def summary_rows(filters: ReportFilters) -> Iterator[list]:
    yield SUMMARY_HEADER
    for e in report_rows(filters).iterator(chunk_size=CHUNK):
        user = e.user
        yield [user.name, user.email, user.employee_no, user.department,
               user.manager.name if user.manager_id else "", e.course.title, STATUS_LABELS[e.status],
               e.due_date or "", timezone.localtime(e.completed_at).date() if e.completed_at else "",
               e.modules_done, round(e.best_score) if e.best_score is not None else "", e.seconds // 60,
               CERTIFICATE_LABELS[e.certificate_status],
               timezone.localtime(e.certificate_valid_until).date() if e.certificate_valid_until else "",
               timezone.localtime(user.left_at).date() if user.left_at else ""]


def matrix_queries(filters: ReportFilters, course: Course) -> tuple[QuerySet, QuerySet]:
    """The matrix export's two user-ordered streams (the benchmark COPYs exactly these as its floor).

    Progress is read as (user, module, done): a boolean travels and parses faster than a timestamp,
    and the matrix shows no more than that."""
    enrollments = (apply_filters(annotated_enrollments(), filters).filter(course=course)
                   .order_by("user_id").values_list("user_id", "user__display_name", "user__email",
                                                    "user__department", "status"))
    done = ExpressionWrapper(Q(completed_at__isnull=False), output_field=BooleanField())
    progress = (ModuleProgress.objects.filter(module__course=course, module__archived_at__isnull=True)
                .order_by("user_id").annotate(done=done).values_list("user_id", "module_id", "done"))
    return enrollments, progress


def matrix_rows(filters: ReportFilters, course: Course) -> Iterator[list]:
    """Learner × module status, merging two user-ordered streams so memory stays flat."""
    modules = list(Module.objects.live().filter(course=course).order_by("position").values_list("id", "title"))
    yield ["姓名", "邮箱", "部门", "课程状态", *(title for _, title in modules)]
    enrollments, progress_rows = matrix_queries(filters, course)
    progress = progress_rows.iterator(chunk_size=CHUNK)
    column = {module_id: i for i, (module_id, _) in enumerate(modules)}
    pending = next(progress, None)
    for user_id, name, email, department, status in enrollments.iterator(chunk_size=CHUNK):
        cells = ["未开始"] * len(modules)
        while pending is not None and pending[0] <= user_id:
            if pending[0] == user_id:
                cells[column[pending[1]]] = "已完成" if pending[2] else "学习中"
            pending = next(progress, None)
        # The module cells are three fixed words: only the person's own fields need the formula check.
        yield CleanRow([cell_text(name or email.split("@")[0]), cell_text(email), cell_text(department),
                        STATUS_LABELS[status], *cells])


def write_xlsx(rows: Iterable[list], target) -> int:
    """Write-only workbook; a cell is a date, a number or a string, so nothing becomes a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("report")
    count = -1
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
        count += 1
    workbook.save(target)
    return max(count, 0)


def xlsx_cell(sheet, value: object) -> WriteOnlyCell:
    """Dates and numbers as real cells with a number format (they sort, sum and filter as such);
    everything else as text."""
    cell = WriteOnlyCell(sheet)
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        cell.value, cell.number_format = local.replace(tzinfo=None), XLSX_DATETIME
        return cell
    if isinstance(value, date):
        cell.value, cell.number_format = value, XLSX_DATE
        return cell
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        whole = isinstance(value, int)
        cell.value = value if whole else float(value)
        cell.number_format = XLSX_INTEGER if whole else XLSX_DECIMAL
        return cell
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
    cell.data_type = "s"  # openpyxl would read a leading "=" as a formula; force text
    return cell


def export_rows(export: ExportLog) -> Iterator[list]:
    """The rows of a logged export, from the filters it was started with."""
    if export.kind.startswith("audit"):
        return audit_export_rows(export.filters)
    if export.kind in CREDIT_EXPORTS:
        return ledger_rows(CreditFilters(**{k: v for k, v in export.filters.items()
                                            if k in CreditFilters.__dataclass_fields__}))
    filters = ReportFilters(**{k: v for k, v in export.filters.items() if k in ReportFilters.__dataclass_fields__})
    if export.kind.startswith("matrix"):
        return matrix_rows(filters, Course.objects.get(pk=filters.course_id))
    return summary_rows(filters)


def export_token(export: ExportLog) -> str:
    return signing.dumps({"export": export.pk}, salt=SIGNING_SALT)


def export_from_token(token: str) -> ExportLog | None:
    max_age = settings.EXPORT_LINK_DAYS * 86400
    try:
        export_id = signing.loads(token, salt=SIGNING_SALT, max_age=max_age)["export"]
    except (signing.BadSignature, KeyError, TypeError):
        return None
    return ExportLog.objects.filter(pk=export_id, finished_at__isnull=False).first()


@dataclass
class ExportLogEntry:
    log: ExportLog
    status: str  # "served", "finished", "expired", "failed", "waiting", "running" or "queued"
    download_url: str = ""


def export_log_entries(*, user, limit: int = 100) -> list[ExportLogEntry]:
    """The export log as HR sees it: each of ``user``'s own finished background exports within
    EXPORT_LINK_DAYS links its file (the email is only a notification; a file is its requester's,
    as the download view checks); the others say where they are."""
    logs = list(ExportLog.objects.select_related("user")[:limit])
    fresh_since = timezone.now() - timedelta(days=settings.EXPORT_LINK_DAYS)
    entries = []
    for log in logs:
        entry = ExportLogEntry(log, _status(log, fresh_since))
        if entry.status == "finished" and log.user_id == user.pk:
            entry.download_url = reverse("hr:export_download", args=[export_token(log)])
        entries.append(entry)
    return entries


def _status(log: ExportLog, fresh_since) -> str:
    if log.finished_at is not None:
        if not log.file:
            return "served"  # a small export, downloaded straight away
        return "finished" if log.finished_at >= fresh_since and Path(log.file).exists() else "expired"
    if log.failed_at is not None:
        return "failed"
    if log.error == "queue_unavailable":
        return "waiting"
    return "running" if log.started_at else "queued"
