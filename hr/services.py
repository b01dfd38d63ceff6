"""HR writes: cohorts, assignments, extensions, exports. Each is one transaction: all of it or nothing."""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from courses.models import Course
from progress.models import Cohort, CohortMember, CourseAssignment, Enrollment

from .exports import csv_lines, export_rows, export_token, write_xlsx
from .filters import ReportFilters, annotated_enrollments, apply_filters
from .models import DueDateExtension, ExportLog
from .uploads import UploadRow


class HRInvalid(ValueError):
    pass


@dataclass
class UploadReport:
    matched: list[User] = field(default_factory=list)
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (row, value, reason)


def upload_match(rows: list[UploadRow]) -> UploadReport:
    """Match uploaded email rows to active users; say which rows did not match and why."""
    report = UploadReport()
    emails = {r.email.lower() for r in rows if r.email}
    users = {u.email.lower(): u for u in User.objects.filter(email__in=emails, is_active=True)}
    seen: dict[str, int] = {}
    for row in rows:
        email = row.email.strip().lower()
        if not email:
            report.problems.append((row.number, row.raw, "empty"))
        elif "@" not in email:
            report.problems.append((row.number, row.raw, "not_an_email"))
        elif email in seen:
            report.problems.append((row.number, row.raw, f"duplicate:{seen[email]}"))
        elif email not in users:
            report.problems.append((row.number, row.raw, "unknown"))
        else:
            report.matched.append(users[email])
        seen.setdefault(email, row.number)
    return report


@transaction.atomic
def cohort_create(*, name: str, members: list[User], created_by: User, description: str = "",
                  follows_departments: list[str] | None = None) -> Cohort:
    if Cohort.objects.filter(name=name).exists():
        raise HRInvalid("name_taken")
    if not members:
        raise HRInvalid("no_members")
    cohort = Cohort.objects.create(name=name, description=description, created_by=created_by,
                                   follows_departments=sorted(follows_departments or []))
    CohortMember.objects.bulk_create(CohortMember(cohort=cohort, user=u) for u in members)
    return cohort


def members_from_departments(departments: list[str]) -> list[User]:
    return list(User.objects.filter(department__in=departments, is_active=True).order_by("email"))


def members_from_manager(manager: User) -> list[User]:
    return list(User.objects.filter(manager=manager, is_active=True).order_by("email"))


@transaction.atomic
def cohort_member_remove(*, cohort: Cohort, user: User) -> None:
    """Leaving a cohort ends its assignments for that person; history is kept."""
    now = timezone.now()
    CohortMember.objects.filter(cohort=cohort, user=user, left_at__isnull=True).update(left_at=now)
    Enrollment.objects.filter(user=user, assignment__cohort=cohort, completed_at__isnull=True,
                              unassigned_at__isnull=True).update(unassigned_at=now)


@transaction.atomic
def department_cohorts_refresh() -> dict[str, int]:
    """Keep cohorts made from departments in step with the org chart (beat runs this after each
    directory sync and every few minutes for change callbacks and SCIM pushes): people who joined
    one of the departments join the cohort and get its live assignments; people who moved to
    another department leave it. Leavers (离职) stay members: their records stay in the reports."""
    joined = left = 0
    for cohort in Cohort.objects.exclude(follows_departments=[]):
        wanted = set(User.objects.filter(department__in=cohort.follows_departments)
                     .filter(Q(is_active=True) | Q(left_at__isnull=False)).values_list("pk", flat=True))
        current = set(cohort.memberships.filter(left_at__isnull=True).values_list("user_id", flat=True))
        for user in User.objects.filter(pk__in=current - wanted):
            cohort_member_remove(cohort=cohort, user=user)
        _cohort_members_add(cohort=cohort, user_ids=sorted(wanted - current))
        joined, left = joined + len(wanted - current), left + len(current - wanted)
    return {"joined": joined, "left": left}


def _cohort_members_add(*, cohort: Cohort, user_ids: list[int]) -> None:
    CohortMember.objects.bulk_create(CohortMember(cohort=cohort, user_id=uid) for uid in user_ids)
    for assignment in cohort.assignments.filter(withdrawn_at__isnull=True):
        existing = Enrollment.objects.filter(course=assignment.course, user_id__in=user_ids)
        existing.filter(completed_at__isnull=True).update(assignment=assignment, due_date=assignment.due_date,
                                                          unassigned_at=None, source=Enrollment.Source.ASSIGNED)
        have = set(existing.values_list("user_id", flat=True))
        Enrollment.objects.bulk_create(
            Enrollment(user_id=uid, course=assignment.course, assignment=assignment, due_date=assignment.due_date,
                       source=Enrollment.Source.ASSIGNED) for uid in user_ids if uid not in have)


@transaction.atomic
def assignment_create(*, cohort: Cohort, course: Course, due_date: date, assigned_by: User) -> CourseAssignment:
    if due_date < timezone.localdate():
        raise HRInvalid("due_in_past")
    if CourseAssignment.objects.filter(cohort=cohort, course=course, withdrawn_at__isnull=True).exists():
        raise HRInvalid("already_assigned")
    assignment = CourseAssignment.objects.create(cohort=cohort, course=course, due_date=due_date,
                                                 assigned_by=assigned_by)
    user_ids = list(cohort.memberships.filter(left_at__isnull=True).values_list("user_id", flat=True))
    existing = Enrollment.objects.filter(course=course, user_id__in=user_ids)
    existing.update(assignment=assignment, due_date=due_date, unassigned_at=None,
                    source=Enrollment.Source.ASSIGNED)
    have = set(existing.values_list("user_id", flat=True))
    Enrollment.objects.bulk_create(
        Enrollment(user_id=uid, course=course, assignment=assignment, due_date=due_date,
                   source=Enrollment.Source.ASSIGNED) for uid in user_ids if uid not in have)
    return assignment


@transaction.atomic
def assignment_withdraw(*, assignment: CourseAssignment) -> int:
    """Un-assign: enrolments stay (with their progress) but leave reports and reminders."""
    now = timezone.now()
    CourseAssignment.objects.filter(pk=assignment.pk).update(withdrawn_at=now)
    return Enrollment.objects.filter(assignment=assignment, unassigned_at__isnull=True).update(unassigned_at=now)


@transaction.atomic
def due_date_extend(*, enrollment: Enrollment, new_due_date: date, reason: str, granted_by: User) -> None:
    if not reason.strip():
        raise HRInvalid("reason_required")
    if enrollment.due_date and new_due_date <= enrollment.due_date:
        raise HRInvalid("not_later")
    DueDateExtension.objects.create(enrollment=enrollment, previous_due_date=enrollment.due_date,
                                    new_due_date=new_due_date, reason=reason.strip(), granted_by=granted_by)
    Enrollment.objects.filter(pk=enrollment.pk).update(due_date=new_due_date)


def export_start(*, user: User, kind: str, filters: ReportFilters) -> ExportLog:
    """Log an export; a big one is queued (finished_at stays empty), a small one is served now."""
    rows = apply_filters(annotated_enrollments(), filters).count()
    background = rows > settings.EXPORT_ASYNC_ROWS
    export = ExportLog.objects.create(user=user, kind=kind, filters=filters.as_dict(), row_count=rows,
                                      finished_at=None if background else timezone.now())
    if background:
        from .tasks import report_export_task  # tasks call this module: import here, not at the top

        transaction.on_commit(lambda: report_export_task.delay(export.pk))
    return export


def export_write(*, export_id: int) -> ExportLog | None:
    """Write a background export to EXPORT_DIR, mark it finished and email its link (once).

    Not one transaction, on purpose: the file is written outside the database. A crash before the
    row is marked finished leaves it unfinished, and the redelivered task writes the file again
    (same path); only a crash between marking it finished and sending the email loses the email.
    """
    export = ExportLog.objects.filter(pk=export_id, finished_at__isnull=True).select_related("user").first()
    if export is None:
        return None
    directory = Path(settings.EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    suffix = "xlsx" if export.kind.endswith("xlsx") else "csv"
    path = directory / f"export-{export.pk}.{suffix}"
    rows = write_xlsx(export_rows(export), path) if suffix == "xlsx" else _csv_file_write(export, path)
    ExportLog.objects.filter(pk=export.pk).update(row_count=rows, file=str(path), finished_at=timezone.now())
    _export_ready_email(export, rows)
    return export


def _csv_file_write(export: ExportLog, path: Path) -> int:
    with path.open("w", encoding="utf-8", newline="") as handle:
        lines = 0
        for chunk in csv_lines(export_rows(export)):
            handle.write(chunk)
            lines += chunk.count("\r\n")
    return max(lines - 1, 0)  # minus the header line


def _export_ready_email(export: ExportLog, rows: int) -> None:
    link = settings.SITE_URL + reverse("hr:export_download", args=[export_token(export)])
    context = {"export": export, "link": link, "rows": rows, "days": settings.EXPORT_LINK_DAYS}
    send_mail(render_to_string("emails/export_ready.subject.txt", context).strip(),
              render_to_string("emails/export_ready.txt", context), None, [export.user.email],
              html_message=render_to_string("emails/export_ready.html", context))
