"""HR report reads: every number is an SQL aggregate; page sizes are fixed, queries are constant."""

import hashlib
import hmac
import re

from django.core.paginator import Paginator
from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import TruncWeek

from accounts.models import User
from courses.models import Course, Module
from progress.models import Enrollment, ModuleProgress
from quizzes.models import Attempt

from .filters import ReportFilters, annotated_enrollments, apply_filters
from .models import EvidencePack

PAGE_SIZE = 50
MATRIX_PAGE_SIZE = 40


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
    modules = list(Module.objects.live().filter(course_id__in=course_ids).order_by("course_id", "position"))
    progress = {p.module_id: p for p in ModuleProgress.objects.filter(user=learner, module__in=modules)}
    attempts = list(Attempt.objects.filter(user=learner, status=Attempt.Status.SUBMITTED,
                                           quiz__module__in=modules)
                    .select_related("quiz__module").order_by("quiz__module__position", "number"))
    courses = []
    for enrollment in enrollments:
        rows = [{"module": m, "progress": progress.get(m.pk),
                 "attempts": [a for a in attempts if a.quiz.module.pk == m.pk]}
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
