"""Evidence packs: what a learner (or each member of a cohort) was trained on, when, for how long,
with which attempts and scores, the certificate and its validity, and what changed since.

``evidence_gather`` reads it in a fixed number of queries for any number of people; the pack's
data is hashed as canonical JSON (``content_digest``) and drawn as a PDF or an XLSX that prints
that digest and the verification address.
"""

import hashlib
import io
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook

from accounts.models import User
from courses.models import Module
from progress.models import Enrollment, ModuleCredit, ModuleProgress
from quizzes.models import Attempt

from .documents import Document, document_pdf
from .exports import xlsx_cell
from .records import CertificateState, certificate_states, revision_trained_on, revisions_published, revisions_since


@dataclass
class ModuleEvidence:
    title: str
    revision: str  # "#3 (sha256 1a2b3c4d)" of the text completed, or "" when not completed
    completed_at: datetime | None
    active_seconds: int
    credit_hours: str
    attempts: list[dict]  # number, score, passed, submitted_at
    changed_since: list[str]  # revisions published after the completion


@dataclass
class CourseEvidence:
    title: str
    enrolled_at: datetime
    due_date: date | None
    completed_at: datetime | None
    active_seconds: int
    certificate: CertificateState | None
    modules: list[ModuleEvidence] = field(default_factory=list)


@dataclass
class LearnerEvidence:
    name: str
    email: str
    employee_no: str
    department: str
    job_title: str
    courses: list[CourseEvidence] = field(default_factory=list)


def evidence_gather(users: list[User]) -> list[LearnerEvidence]:
    """The evidence of exactly these people, nobody else's (every read is filtered by their ids)."""
    user_ids = [u.pk for u in users]
    enrollments = list(Enrollment.objects.filter(user_id__in=user_ids).select_related("course")
                       .order_by("course__title", "pk"))
    course_ids = {e.course_id for e in enrollments}
    modules = list(Module.objects.filter(course_id__in=course_ids).order_by("course_id", "position", "pk"))
    progress = {(p.user_id, p.module_id): p for p in ModuleProgress.objects.filter(
        user_id__in=user_ids, module__in=modules)}
    attempts: dict[tuple[int, int], list[Attempt]] = {}
    for attempt in Attempt.objects.filter(user_id__in=user_ids, status=Attempt.Status.SUBMITTED,
                                          quiz_id__in=[m.quiz_id for m in modules if m.quiz_id]).order_by("number"):
        attempts.setdefault((attempt.user_id, attempt.quiz_id), []).append(attempt)
    credits = {(c.user_id, c.module_id): c for c in ModuleCredit.objects.filter(user_id__in=user_ids)}
    certificates = certificate_states(user_ids=user_ids, course_ids=course_ids)
    revisions = revisions_published(module_ids=[m.pk for m in modules])
    facts = {"progress": progress, "attempts": attempts, "credits": credits, "revisions": revisions}
    by_user: dict[int, list[Enrollment]] = {}
    for enrollment in enrollments:
        by_user.setdefault(enrollment.user_id, []).append(enrollment)
    by_course: dict[int, list[Module]] = {}
    for module in modules:
        by_course.setdefault(module.course_id, []).append(module)
    people = []
    for user in users:
        learner = LearnerEvidence(user.name, user.email, user.employee_no, user.department, user.job_title)
        for enrollment in by_user.get(user.pk, []):
            course_modules = [m for m in by_course[enrollment.course_id]
                              if m.archived_at is None or (user.pk, m.pk) in progress]
            evidence = [_module(user, m, facts) for m in course_modules]
            # Summed from the modules' own rows: the enrolment's rollup catches up only on a page view.
            learner.courses.append(CourseEvidence(
                enrollment.course.title, enrollment.enrolled_at, enrollment.due_date, enrollment.completed_at,
                sum(m.active_seconds for m in evidence), certificates.get((user.pk, enrollment.course_id)),
                evidence))
        people.append(learner)
    return people


def _module(user: User, module: Module, facts: dict) -> ModuleEvidence:
    row = facts["progress"].get((user.pk, module.pk))
    completed_at = row.completed_at if row else None
    history = facts["revisions"].get(module.pk, [])
    trained = revision_trained_on(history, completed_at) if completed_at else None
    credit = facts["credits"].get((user.pk, module.pk))
    return ModuleEvidence(
        title=module.title,
        revision=f"#{trained.number} (sha256 {trained.content_hash[:12]})" if trained else "",
        completed_at=completed_at, active_seconds=row.active_seconds if row else 0,
        credit_hours=f"{credit.hours:.2f}" if credit else "",
        attempts=[{"number": a.number, "score": a.score, "passed": bool(a.passed), "submitted_at": a.submitted_at}
                  for a in facts["attempts"].get((user.pk, module.quiz_id), [])] if module.quiz_id else [],
        changed_since=[f"#{r.number} {_day(r.published_at)}{' ' + r.note if r.note else ''}"
                       for r in revisions_since(history, completed_at)] if completed_at else [])


def content_digest(people: list[LearnerEvidence], *, code: str, subject: str) -> str:
    """SHA-256 of the pack's data as canonical JSON (sorted keys, no spaces, ISO dates)."""
    data = {"code": code, "subject": subject, "people": [asdict(p) for p in people]}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_iso)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _iso(value) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} in evidence data")


def _day(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d}" if moment else "—"


def _certificate(state: CertificateState | None) -> tuple[str, str, str, str]:
    if state is None:
        return "—", "—", "—", "无证书"
    until = _day(state.valid_until) if state.valid_until else "长期有效"
    return state.code, _day(state.issued_at), until, {"valid": "有效"}.get(state.status, state.status)


@dataclass(frozen=True)
class PackHeader:
    code: str
    subject: str
    generated_at: datetime
    content_sha256: str
    verify_url: str


def _header_lines(header: PackHeader) -> list[str]:
    return [f"证据包编号：{header.code}", f"对象：{header.subject}", f"生成时间：{_day(header.generated_at)} "
            f"{timezone.localtime(header.generated_at):%H:%M}", f"内容 SHA-256：{header.content_sha256}",
            f"验证地址：{header.verify_url}（上传本文件即可核对是否被改动）"]


MODULE_COLUMNS = ["模块", "所学版本", "完成日期", "有效学习时长（分钟）", "学时", "测验（次序：得分）",
                  "此后发布的修订"]


def evidence_pdf(people: list[LearnerEvidence], header: PackHeader) -> bytes:
    document = Document("培训证据包 Training evidence pack")
    for line in _header_lines(header):
        document.add("small", line)
    for person in people:
        document.add("heading", f"{person.name}　工号：{person.employee_no or '—'}　部门：{person.department or '—'}"
                                f"　岗位：{person.job_title or '—'}")
        if not person.courses:
            document.add("text", "无学习记录。")
        for course in person.courses:
            code, issued, until, status = _certificate(course.certificate)
            held = f"{code}（{status}，签发 {issued}，有效期至 {until}）" if course.certificate else "无"
            document.add("text", f"《{course.title}》 报名：{_day(course.enrolled_at)}"
                                 f"　完成：{_day(course.completed_at)}"
                                 f"　有效学习时长：{course.active_seconds // 60} 分钟　证书：{held}")
            document.add("table", [MODULE_COLUMNS, *(
                [m.title, m.revision or "—", _day(m.completed_at), str(m.active_seconds // 60), m.credit_hours or "—",
                 "，".join(f"{a['number']}：{a['score']}{'（通过）' if a['passed'] else ''}" for a in m.attempts)
                 or "—",
                 "；".join(m.changed_since) or "无"] for m in course.modules)])
    return document_pdf(document)


XLSX_COLUMNS = ["姓名", "工号", "部门", "岗位", "课程", "报名日期", "课程完成日期", "证书编号", "证书签发日期",
                "证书有效期至", "证书状态", "模块", "所学版本", "模块完成日期", "有效学习时长（分钟）", "学时",
                "测验次数", "最佳得分", "是否通过", "各次得分", "此后发布的修订"]


def evidence_xlsx(people: list[LearnerEvidence], header: PackHeader) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("证据包")
    for line in _header_lines(header):
        sheet.append([xlsx_cell(sheet, line)])
    sheet.append([])
    sheet.append([xlsx_cell(sheet, title) for title in XLSX_COLUMNS])
    for person in people:
        for course in person.courses:
            certificate = course.certificate
            code, _issued, _until, status = _certificate(certificate)
            for module in course.modules:
                scores = [a["score"] for a in module.attempts if a["score"] is not None]
                row = [person.name, person.employee_no, person.department, person.job_title, course.title,
                       _local_date(course.enrolled_at), _local_date(course.completed_at), code,
                       _local_date(certificate.issued_at) if certificate else None,
                       _local_date(certificate.valid_until) if certificate and certificate.valid_until else
                       ("长期有效" if certificate else None), status,
                       module.title, module.revision, _local_date(module.completed_at), module.active_seconds // 60,
                       Decimal(module.credit_hours) if module.credit_hours else None, len(module.attempts),
                       max(scores) if scores else None,
                       "是" if any(a["passed"] for a in module.attempts) else ("否" if module.attempts else ""),
                       "，".join(str(s) for s in scores), "；".join(module.changed_since)]
                sheet.append([xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment else None
