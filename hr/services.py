"""HR writes: cohorts, assignments, extensions, exports. Each is one transaction: all of it or nothing."""

import hashlib
import logging
import secrets
import smtplib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable
from redis.exceptions import ConnectionError as RedisConnectionError

from accounts.models import User
from audit.selectors import audit_entries
from audit.services import audit_record
from courses.models import Course, Module, ModuleRevision
from progress.models import Certificate, Cohort, CohortMember, CourseAssignment, Enrollment, OfflineCredit
from progress.retraining import content_change_assign
from progress.services import certificate_revoke as progress_certificate_revoke
from progress.services import deadline_grading_queue
from quizzes import exams
from quizzes.models import TimeExtension

from .auditlog import audit_query
from .credit import CreditFilters
from .evidence import PackHeader, content_digest, evidence_gather, evidence_pdf, evidence_xlsx
from .exports import csv_lines, export_rows, export_token, write_xlsx
from .filters import ReportFilters, annotated_enrollments, apply_filters
from .ledger import ledger_size
from .models import DueDateExtension, EvidencePack, ExportLog
from .uploads import UploadRow

logger = logging.getLogger(__name__)
ZERO_HOURS = Decimal(0)
QUEUE_ERRORS = (BrokerUnavailable, RedisConnectionError, OSError)  # the broker cannot be reached
DEPARTMENT_SYNC_LABEL = "department cohorts refresh"


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
    audit_record(actor=created_by, action="cohort.create", target=cohort,
                 after={"name": name, "members": sorted(u.pk for u in members),
                        "follows_departments": cohort.follows_departments})
    return cohort


def members_from_departments(departments: list[str]) -> list[User]:
    return list(User.objects.filter(department__in=departments, is_active=True).order_by("email"))


def members_from_manager(manager: User) -> list[User]:
    return list(User.objects.filter(manager=manager, is_active=True).order_by("email"))


@transaction.atomic
def cohort_member_remove(*, cohort: Cohort, user: User, actor: User | None = None,
                         actor_label: str = "", request=None) -> None:
    """Leaving a cohort ends its assignments for that person; history is kept."""
    now = timezone.now()
    CohortMember.objects.filter(cohort=cohort, user=user, left_at__isnull=True).update(left_at=now)
    ended = Enrollment.objects.filter(user=user, assignment__cohort=cohort, completed_at__isnull=True,
                                      unassigned_at__isnull=True).update(unassigned_at=now)
    audit_record(actor=actor, actor_label=actor_label, action="cohort.member_remove", target=cohort,
                 before={"member": user.pk}, after={"member": None, "enrollments_ended": ended}, request=request)


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
            cohort_member_remove(cohort=cohort, user=user, actor_label=DEPARTMENT_SYNC_LABEL)
        if wanted - current:
            _cohort_members_add(cohort=cohort, user_ids=sorted(wanted - current))
            audit_record(actor=None, actor_label=DEPARTMENT_SYNC_LABEL, action="cohort.member_add", target=cohort,
                         after={"members": sorted(wanted - current)})
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
    audit_record(actor=assigned_by, action="assignment.create", target=assignment,
                 after={"cohort": cohort.pk, "course": course.slug, "due_date": due_date, "learners": len(user_ids)})
    return assignment


@transaction.atomic
def assignment_withdraw(*, assignment: CourseAssignment, actor: User | None = None, request=None) -> int:
    """Un-assign: enrolments stay (with their progress) but leave reports and reminders."""
    now = timezone.now()
    CourseAssignment.objects.filter(pk=assignment.pk).update(withdrawn_at=now)
    ended = Enrollment.objects.filter(assignment=assignment, unassigned_at__isnull=True).update(unassigned_at=now)
    audit_record(actor=actor, action="assignment.withdraw", target=assignment, before={"withdrawn_at": None},
                 after={"withdrawn_at": now, "enrollments_ended": ended}, request=request)
    return ended


@transaction.atomic
def due_date_extend(*, enrollment: Enrollment, new_due_date: date, reason: str, granted_by: User,
                    request=None) -> None:
    if not reason.strip():
        raise HRInvalid("reason_required")
    if enrollment.due_date and new_due_date <= enrollment.due_date:
        raise HRInvalid("not_later")
    DueDateExtension.objects.create(enrollment=enrollment, previous_due_date=enrollment.due_date,
                                    new_due_date=new_due_date, reason=reason.strip(), granted_by=granted_by)
    Enrollment.objects.filter(pk=enrollment.pk).update(due_date=new_due_date)
    audit_record(actor=granted_by, action="enrollment.extend", target=enrollment,
                 before={"due_date": enrollment.due_date}, after={"due_date": new_due_date},
                 reason=reason, request=request)


OFFLINE_MAX_HOURS = Decimal(24)  # one entry is one day's session at most


@transaction.atomic
def offline_credit_add(*, user: User, title: str, held_on: date, hours: Decimal, category: str, reason: str,
                       created_by: User, request=None) -> OfflineCredit:
    """Record classroom training HR vouches for, apart from online credit, with the audit entry."""
    title, category, reason = title.strip(), category.strip(), reason.strip()
    if not (title and category):
        raise HRInvalid("credit_incomplete")
    if not reason:
        raise HRInvalid("reason_required")
    if not ZERO_HOURS < hours <= OFFLINE_MAX_HOURS or hours != hours.quantize(Decimal("0.01")):
        raise HRInvalid("credit_hours_range")
    if held_on > timezone.localdate():
        raise HRInvalid("credit_in_future")
    hours = hours.quantize(Decimal("0.01"))
    credit = OfflineCredit.objects.create(user=user, title=title, held_on=held_on, hours=hours, category=category,
                                          reason=reason, created_by=created_by)
    audit_record(actor=created_by, action="credit.offline_add", target=user, reason=reason, request=request,
                 after={"offline_credit": credit.pk, "title": title, "held_on": held_on, "hours": str(hours),
                        "category": category})
    return credit


EVIDENCE_FORMATS = ("pdf", "xlsx")


class EvidenceTooBig(HRInvalid):
    """More module rows than one request draws in time (settings.EVIDENCE_MAX_ROWS)."""

    def __init__(self, rows: int):
        super().__init__("evidence_too_big")
        self.rows = rows

EVIDENCE_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@transaction.atomic
def evidence_pack_create(*, created_by: User, file_format: str, learner: User | None = None,
                         cohort: Cohort | None = None, request=None) -> tuple[EvidencePack, bytes]:
    """Draw the evidence pack of one learner or of a cohort's current members, record its digests
    (the file is handed out, not kept) and the audit entry. Returns the row and the file's bytes."""
    if file_format not in EVIDENCE_FORMATS:
        raise HRInvalid("evidence_format")
    if (learner is None) == (cohort is None):
        raise ValueError("an evidence pack is of one learner or of one cohort")
    if learner is not None:
        people, subject = [learner], learner.name
    else:
        people = list(User.objects.filter(cohort_memberships__cohort=cohort, cohort_memberships__left_at__isnull=True)
                      .order_by("department", "display_name", "email"))
        subject = f"{cohort.name}（{len(people)} 人）"
    code = "-".join("".join(secrets.choice(EVIDENCE_CODE_ALPHABET) for _ in range(5)) for _ in range(4))
    now = timezone.now()
    evidence = evidence_gather(people)
    rows = sum(len(course.modules) for person in evidence for course in person.courses)
    if rows > settings.EVIDENCE_MAX_ROWS:
        raise EvidenceTooBig(rows)
    header = PackHeader(code, subject, now, content_digest(evidence, code=code, subject=subject),
                        settings.SITE_URL + reverse("evidence:verify", args=[code]))
    data = evidence_pdf(evidence, header) if file_format == "pdf" else evidence_xlsx(evidence, header)
    pack = EvidencePack.objects.create(
        code=code, subject=EvidencePack.Subject.LEARNER if learner else EvidencePack.Subject.COHORT,
        learner=learner, cohort=cohort, subject_label=subject[:200], file_format=file_format,
        content_sha256=header.content_sha256, file_sha256=hashlib.sha256(data).hexdigest(), size=len(data),
        created_by=created_by, created_at=now)
    audit_record(actor=created_by, action="evidence.generate", target=learner or cohort, request=request,
                 after={"code": code, "format": file_format, "people": len(people),
                        "file_sha256": pack.file_sha256})
    return pack, data


@transaction.atomic
def exam_time_extend(*, learner: User, module_id: int, extra_minutes: int, reason: str, granted_by: User,
                     request=None) -> TimeExtension:
    """Give a learner extra minutes on one timed exam of a course they are enrolled in (0 takes them
    back); an attempt running now gets the new deadline. Audited with the old and new minutes."""
    module = (Module.objects.live().filter(pk=module_id, quiz__isnull=False, course__enrollments__user=learner)
              .select_related("quiz").first())
    if module is None or not module.quiz.is_timed:
        raise HRInvalid("not_timed_exam")
    if not reason.strip():
        raise HRInvalid("reason_required")
    before = (TimeExtension.objects.filter(user=learner, quiz=module.quiz)
              .values_list("extra_minutes", flat=True).first())
    extension, moved = exams.time_extension_set(user=learner, quiz=module.quiz, extra_minutes=extra_minutes,
                                                reason=reason.strip(), granted_by=granted_by)
    for attempt in moved:
        deadline_grading_queue(attempt=attempt)
    audit_record(actor=granted_by, action="exam.time_extend", target=extension, request=request,
                 before={"extra_minutes": before}, reason=reason.strip(),
                 after={"extra_minutes": extra_minutes, "module": module.slug, "learner": learner.pk,
                        "running_attempts_moved": [a.pk for a in moved]})
    return extension


def export_start(*, user: User, kind: str, filters: ReportFilters | CreditFilters, request=None) -> ExportLog:
    """Log an export; a big one is queued (finished_at stays empty), a small one is served now.

    A big one that cannot be queued (the broker is down) stays in the log as waiting; the sweep
    queues it once the broker is back (export_sweep)."""
    if isinstance(filters, CreditFilters):
        rows = ledger_size(filters)
    else:
        rows = apply_filters(annotated_enrollments(), filters).count()
    return _export_log_create(user=user, kind=kind, filters=filters.as_dict(), rows=rows, request=request)


def audit_export_start(*, user: User, kind: str, filters: dict, request=None) -> ExportLog:
    """The audit log's own export, through the same log, queue and download as the report's."""
    rows = audit_entries(**audit_query(filters)).count()
    return _export_log_create(user=user, kind=kind, filters=filters, rows=rows, request=request)


def _export_log_create(*, user: User, kind: str, filters: dict, rows: int, request) -> ExportLog:
    export = _export_log_write(user=user, kind=kind, filters=filters, rows=rows, request=request)
    if export.finished_at is None:
        export.refresh_from_db()  # the queue may have said it is unavailable (export_enqueue)
    return export


@transaction.atomic
def _export_log_write(*, user: User, kind: str, filters: dict, rows: int, request) -> ExportLog:
    background = rows > settings.EXPORT_ASYNC_ROWS
    export = ExportLog.objects.create(user=user, kind=kind, filters=filters, row_count=rows,
                                      finished_at=None if background else timezone.now())
    audit_record(actor=user, action="export.start", target=export,
                 after={"kind": kind, "filters": filters, "rows": rows, "background": background}, request=request)
    if background:
        transaction.on_commit(lambda: export_enqueue(export_id=export.pk))
    return export


@transaction.atomic
def export_download_record(*, export: ExportLog, user: User, request=None) -> None:
    """A finished background export's file was handed out: who took it, when."""
    audit_record(actor=user, action="export.download", target=export,
                 after={"kind": export.kind, "rows": export.row_count}, request=request)


def export_enqueue(*, export_id: int) -> bool:
    """Hand a background export to the queue; False when the broker is unreachable (the row says so)."""
    from .tasks import report_export_task  # tasks call this module: import here, not at the top

    ExportLog.objects.filter(pk=export_id).update(attempts=F("attempts") + 1, queued_at=timezone.now())
    try:
        report_export_task.delay(export_id)
    except QUEUE_ERRORS:
        logger.warning("export %s could not be queued; the sweep will queue it again", export_id, exc_info=True)
        ExportLog.objects.filter(pk=export_id, finished_at__isnull=True).update(
            queued_at=None, error="queue_unavailable")
        return False
    return True


def export_write(*, export_id: int) -> ExportLog | None:
    """Write a background export to EXPORT_DIR, mark it finished and queue its email (once).

    Not one transaction, on purpose: the file is written outside the database. A worker claims the
    row first (``started_at``, a lease of EXPORT_REQUEUE_SECONDS); one that dies leaves the row
    unfinished and the sweep queues it again (same path). The email is its own retried step."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.EXPORT_REQUEUE_SECONDS)
    claimed = ExportLog.objects.filter(
        Q(started_at__isnull=True) | Q(started_at__lt=stale), pk=export_id, finished_at__isnull=True,
        failed_at__isnull=True).update(started_at=now, error="")
    export = ExportLog.objects.filter(pk=export_id).select_related("user").first()
    if not claimed or export is None:
        return None  # finished, failed, gone, or another worker has it
    directory = Path(settings.EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    suffix = "xlsx" if export.kind.endswith("xlsx") else "csv"
    path = directory / f"export-{export.pk}.{suffix}"
    rows = write_xlsx(export_rows(export), path) if suffix == "xlsx" else _csv_file_write(export, path)
    ExportLog.objects.filter(pk=export.pk).update(row_count=rows, file=str(path), finished_at=timezone.now(),
                                                  email_due_at=timezone.now())
    _email_enqueue(export.pk)
    return export


def _email_enqueue(export_id: int) -> None:
    from .tasks import export_email_task

    try:
        export_email_task.delay(export_id)
    except QUEUE_ERRORS:
        logger.warning("export %s: email not queued; the sweep will", export_id, exc_info=True)


def export_email_send(*, export_id: int) -> bool:
    """Send the "export ready" email if it is due; on an SMTP error, schedule the next try with
    backoff (the sweep queues it). True when sent. The file is linked on the export log anyway."""
    now = timezone.now()
    lease = now + timedelta(seconds=settings.EXPORT_REQUEUE_SECONDS)  # a worker killed mid-send
    claimed = ExportLog.objects.filter(pk=export_id, finished_at__isnull=False, email_sent_at__isnull=True,
                                       email_due_at__lte=now).update(email_due_at=lease,
                                                                     email_attempts=F("email_attempts") + 1)
    export = ExportLog.objects.filter(pk=export_id).select_related("user").first()
    if not claimed or export is None or export.user is None:
        return False
    try:
        _export_ready_email(export, export.row_count or 0)
    except (smtplib.SMTPException, OSError) as error:
        gave_up = export.email_attempts >= settings.EXPORT_EMAIL_MAX_ATTEMPTS
        delay = min(settings.EXPORT_EMAIL_BACKOFF_SECONDS * 2 ** (export.email_attempts - 1), 3600)
        ExportLog.objects.filter(pk=export_id).update(
            email_error=str(error)[:300], email_due_at=None if gave_up else now + timedelta(seconds=delay))
        logger.warning("export %s: email failed (try %s)", export_id, export.email_attempts, exc_info=True)
        return False
    ExportLog.objects.filter(pk=export_id).update(email_sent_at=timezone.now(), email_due_at=None, email_error="")
    return True


def export_sweep(*, now: datetime | None = None) -> dict:
    """Beat's pass over unfinished work: queue exports that were never queued (broker down) or
    whose worker vanished, give up on those tried EXPORT_MAX_ATTEMPTS times (marked failed, shown
    on the export log), and queue the emails that are due for another try."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.EXPORT_REQUEUE_SECONDS)
    pending = ExportLog.objects.filter(finished_at__isnull=True, failed_at__isnull=True).filter(
        Q(queued_at__isnull=True) | Q(queued_at__lt=stale)).filter(Q(started_at__isnull=True) | Q(started_at__lt=stale))
    tired = pending.filter(attempts__gte=settings.EXPORT_MAX_ATTEMPTS)
    failed = tired.update(failed_at=now, error="gave_up")
    queued = [pk for pk in pending.values_list("pk", flat=True) if export_enqueue(export_id=pk)]
    emails = list(ExportLog.objects.filter(finished_at__isnull=False, email_sent_at__isnull=True,
                                           email_due_at__lte=now).values_list("pk", flat=True))
    for pk in emails:
        _email_enqueue(pk)
    return {"queued": len(queued), "failed": failed, "emails": len(emails)}


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


@transaction.atomic
def retraining_assign(*, revision: ModuleRevision, due_date: date, assigned_by: User) -> int:
    """Assign the module of a material change, and only it, to everyone it affects; audited."""
    count = content_change_assign(revision=revision, due_date=due_date, assigned_by=assigned_by)
    module = revision.module
    audit_record(actor=assigned_by, action="retraining.assign", target=revision, reason=revision.change_reason,
                 after={"course": module.course.slug, "module": module.slug, "revision": revision.number,
                        "due_date": due_date.isoformat(), "assigned": count})
    return count


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str, revoked_by: User) -> bool:
    """HR revokes a certificate with a reason; audited. False (nothing written) when already revoked."""
    before = certificate.status_at(timezone.now())
    if not progress_certificate_revoke(certificate=certificate, reason=reason):
        return False
    audit_record(actor=revoked_by, action="certificate.revoke", target=certificate, reason=reason,
                 before={"status": before},
                 after={"status": "revoked", "code": certificate.code, "course": certificate.course_title})
    return True
