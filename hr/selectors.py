"""HR report reads: every number is an SQL aggregate; page sizes are fixed, queries are constant."""

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Paginator
from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from accounts.models import User
from courses.models import Change, Course, Module, ModuleRevision
from progress.models import Certificate, Enrollment, ModuleProgress, Retraining
from progress.retraining import change_period, content_change_affected
from quizzes.models import Attempt, TimeExtension

from .filters import ReportFilters, annotated_enrollments, apply_filters
from .models import EvidencePack

PAGE_SIZE = 50
MATRIX_PAGE_SIZE = 40
CHANGES_SHOWN = 30


def report_rows(filters: ReportFilters) -> QuerySet[Enrollment]:
    """One row per (learner, course) with status, time, modules completed and average best score."""
    return (apply_filters(annotated_enrollments(), filters)
            .select_related("user", "user__manager", "course")
            .annotate(seconds=F("active_seconds"), modules_done=F("modules_completed"),
                      best_score=F("average_best_score"))
            .order_by("user__department", "user__display_name", "user__email", "course__title"))


def overview(filters: ReportFilters) -> list[dict]:
    """Per course: enrolled, by status, completion rate, average best score and active time."""
    rows = (report_rows(filters).order_by().values("course_id", "course__title")
            .annotate(rows=Count("id"), enrolled=Count("id", filter=~Q(status="left")),
                      not_started=Count("id", filter=Q(status="not_started")),
                      in_progress=Count("id", filter=Q(status="in_progress")),
                      completed=Count("id", filter=Q(status="completed")),
                      overdue=Count("id", filter=Q(status="overdue")),
                      certified=Count("id", filter=Q(certificate_status="valid")),
                      expiring=Count("id", filter=Q(certificate_status="expiring")),
                      expired=Count("id", filter=Q(certificate_status="expired")),
                      avg_score=Avg("best_score"), avg_seconds=Avg("seconds"))
            .order_by("course__title"))
    result = []
    for row in rows:
        row["completion_rate"] = round(100 * row["completed"] / row["enrolled"]) if row["enrolled"] else 0
        row["avg_seconds"] = int(row["avg_seconds"] or 0)
        result.append(row)
    return result


def completions_by_week(filters: ReportFilters) -> list[dict]:
    return list(apply_filters(annotated_enrollments(), filters).filter(completed_at__isnull=False)
                .annotate(week=TruncWeek("completed_at")).values("week")
                .annotate(count=Count("id")).order_by("week"))


def by_department(filters: ReportFilters) -> list[dict]:
    rows = (apply_filters(annotated_enrollments(), filters).values("user__department")
            .annotate(enrolled=Count("id", filter=~Q(status="left")),
                      completed=Count("id", filter=Q(status="completed")),
                      overdue=Count("id", filter=Q(status="overdue")))
            .order_by("user__department"))
    return [{**r, "department": r["user__department"] or "—",
             "rate": round(100 * r["completed"] / r["enrolled"]) if r["enrolled"] else 0} for r in rows]


def report_page(filters: ReportFilters, page: str | int | None, *, total: int | None = None):
    """One page of report rows; `total` is the row count when the caller has it (the overview's
    per-course counts add up to it), which saves counting the same rows twice."""
    paginator = Paginator(report_rows(filters), PAGE_SIZE)
    if total is not None:
        paginator.__dict__["count"] = total  # Paginator.count is a cached_property
    return paginator.get_page(page)


def matrix_default_course() -> Course | None:
    """The course the matrix opens on when none is chosen: the live course most people are enrolled in."""
    return (Course.objects.filter(archived_at__isnull=True).annotate(enrolled=Count("enrollments"))
            .order_by("-enrolled", "title").first())


def matrix_page(filters: ReportFilters, course: Course, page: str | int | None) -> dict:
    """Learners (rows) × modules (columns) of one course, one page of learners at a time."""
    modules = list(Module.objects.live().filter(course=course).order_by("position").values("id", "title", "position"))
    enrollments = apply_filters(annotated_enrollments(), filters).filter(course=course) \
        .select_related("user").order_by("user__department", "user__display_name", "user__email")
    page_obj = Paginator(enrollments, MATRIX_PAGE_SIZE).get_page(page)
    user_ids = [e.user_id for e in page_obj]
    cells = {(p["user_id"], p["module_id"]): p for p in ModuleProgress.objects.filter(
        user_id__in=user_ids, module__course=course).values("user_id", "module_id", "completed_at",
                                                             "passed_at", "best_score")}
    rows = [{"enrollment": e, "cells": [_cell(cells.get((e.user_id, m["id"]))) for m in modules]}
            for e in page_obj]
    return {"modules": modules, "rows": rows, "page": page_obj}


def _cell(progress: dict | None) -> dict:
    if progress is None:
        return {"status": "not_started", "score": None}
    status = "completed" if progress["completed_at"] else "in_progress"
    return {"status": status, "score": progress["best_score"]}


def learner_detail(*, user_id: int) -> dict:
    learner = User.objects.select_related("manager").get(pk=user_id)
    enrollments = list(annotated_enrollments().filter(user=learner).select_related("course")
                       .prefetch_related("extensions"))
    course_ids = [e.course_id for e in enrollments]
    modules = list(Module.objects.live().filter(course_id__in=course_ids).select_related("quiz")
                   .order_by("course_id", "position"))
    progress = {p.module_id: p for p in ModuleProgress.objects.filter(user=learner, module__in=modules)}
    attempts = list(Attempt.objects.filter(user=learner, status=Attempt.Status.SUBMITTED,
                                           quiz__module__in=modules)
                    .select_related("quiz__module").order_by("quiz__module__position", "number"))
    extensions = {e.quiz_id: e for e in TimeExtension.objects.filter(user=learner, quiz__module__in=modules)}
    courses = []
    for enrollment in enrollments:
        rows = [{"module": m, "progress": progress.get(m.pk),
                 "attempts": [a for a in attempts if a.quiz.module.pk == m.pk],
                 "timed": bool(m.quiz and m.quiz.is_timed), "time_extension": extensions.get(m.quiz_id)}
                for m in modules if m.course_id == enrollment.course_id]
        courses.append({"enrollment": enrollment, "modules": rows,
                        "seconds": sum(r["progress"].active_seconds for r in rows if r["progress"])})
    return {"learner": learner, "courses": courses}


SHA256_HEX_RE = re.compile(r"^[0-9a-f]{64}$")


def evidence_check(*, pack: EvidencePack, data: bytes | None = None, digest: str = "") -> bool:
    """Whether a file (or the SHA-256 of one, in hex) is exactly the pack issued under its code."""
    if data is not None:
        digest = hashlib.sha256(data).hexdigest()
    digest = digest.strip().lower()
    return bool(SHA256_HEX_RE.match(digest)) and hmac.compare_digest(digest, pack.file_sha256)


def learner_certificates(*, user_id: int) -> list[dict]:
    now = timezone.now()
    return [{"certificate": c, "status": c.status_at(now)}
            for c in Certificate.objects.filter(user_id=user_id).order_by("course_title")]


def material_changes() -> list[dict]:
    """The newest material changes with who they affect: not yet assigned (one count per change;
    changes are few), assigned and still open, done."""
    revisions = list(ModuleRevision.objects.filter(change=Change.MATERIAL, published_at__isnull=False)
                     .select_related("module__course", "author").order_by("-published_at")[:CHANGES_SHOWN])
    periods = {change_period(r): r.pk for r in revisions}
    counts = {row["period"]: row for row in Retraining.objects.filter(period__in=periods).values("period").annotate(
        open=Count("id", filter=Q(completed_at__isnull=True)), done=Count("id", filter=Q(completed_at__isnull=False)))}
    return [{"revision": r, "waiting": content_change_affected(revision=r).count(),
             "open": counts.get(change_period(r), {}).get("open", 0),
             "done": counts.get(change_period(r), {}).get("done", 0)} for r in revisions]


@dataclass
class RetrainingNeed:
    """ "needs retraining: course revision 7 → 9, modules 3 and 12" for one person and course."""

    user_id: int
    course_title: str
    from_revision: int | None
    to_revision: int
    modules: list[int] = field(default_factory=list)  # positions in the course
    reasons: set[str] = field(default_factory=set)
    due_date: date | None = None


def retraining_needs(*, user_ids) -> list[RetrainingNeed]:
    """Open retraining of these people, one line per person and course (one query)."""
    rows = (Retraining.objects.filter(user_id__in=user_ids, completed_at__isnull=True, module__archived_at__isnull=True)
            .order_by("user__email", "course__title", "module__position")
            .values_list("user_id", "course_id", "course__title", "from_course_revision", "to_course_revision",
                         "module__position", "reason", "due_date"))
    needs: dict[tuple[int, int], RetrainingNeed] = {}
    for user_id, course_id, title, old, new, position, reason, due in rows:
        need = needs.setdefault((user_id, course_id), RetrainingNeed(user_id, title, old, new))
        if old is not None and (need.from_revision is None or old < need.from_revision):
            need.from_revision = old
        need.to_revision = max(need.to_revision, new)
        if position not in need.modules:
            need.modules.append(position)
        need.reasons.add(reason)
        need.due_date = min(need.due_date or due, due)
    return list(needs.values())
