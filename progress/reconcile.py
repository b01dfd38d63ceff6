"""Rebuild what recording derives (module progress from attempts, enrolment rollups, completions and their 学时,
certificates) from the facts it was derived from (graded attempts and recorded views), and list
every difference. `manage.py progress_reconcile [--dry-run]` runs it; a second run finds nothing.

A repair never takes away a learner's completion or certificate: one it cannot justify from the
facts (for example a module that gained a quiz after the learner finished it) is listed as kept.
Active time cannot be rebuilt (heartbeats are not logged): it is left alone.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Max, Min, Q

from courses.models import Module
from quizzes.models import Attempt

from .models import Certificate, Enrollment, ModuleProgress
from .services import certificate_issue, module_credit_record

BATCH_SIZE = 500
ROLLUPS = ("started_at", "active_seconds", "modules_completed", "average_best_score")


@dataclass
class ReconcileReport:
    differences: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    enrollments: int = 0


@dataclass(frozen=True)
class _Graded:
    best: int | None
    passed_at: datetime | None
    first_started_at: datetime | None


def progress_reconcile(*, dry_run: bool = False, batch_size: int = BATCH_SIZE) -> ReconcileReport:
    report = ReconcileReport()
    modules = {m.pk: m for m in Module.objects.select_related("course")}
    for batch in _enrollment_batches(batch_size):
        with transaction.atomic():
            _reconcile_batch(batch, modules, report, dry_run)
        report.enrollments += len(batch)
    return report


def _enrollment_batches(batch_size: int) -> Iterator[list[Enrollment]]:
    last = 0
    while True:
        batch = list(Enrollment.objects.filter(pk__gt=last).select_related("user", "course").order_by("pk")
                     [:batch_size])
        if not batch:
            return
        last = batch[-1].pk
        yield batch


def _graded(user_ids: set[int], quiz_ids: set[int]) -> dict[tuple[int, int], _Graded]:
    rows = (Attempt.objects.filter(user_id__in=user_ids, quiz_id__in=quiz_ids, status=Attempt.Status.SUBMITTED)
            .values("user_id", "quiz_id")
            .annotate(best=Max("score"), passed_at=Min("submitted_at", filter=Q(passed=True)),
                      started=Min("started_at")))
    return {(r["user_id"], r["quiz_id"]): _Graded(r["best"], r["passed_at"], r["started"]) for r in rows}


def _reconcile_batch(batch: list[Enrollment], modules: dict, report: ReconcileReport, dry_run: bool) -> None:
    user_ids = {e.user_id for e in batch}
    course_ids = {e.course_id for e in batch}
    course_modules = [m for m in modules.values() if m.course_id in course_ids]
    progress = {(p.user_id, p.module_id): p for p in ModuleProgress.objects.filter(
        user_id__in=user_ids, module__in=course_modules)}
    graded = _graded(user_ids, {m.quiz_id for m in course_modules if m.quiz_id})
    certificates = {(c.user_id, c.course_id): c for c in Certificate.objects.filter(
        user_id__in=user_ids, course_id__in=course_ids)}
    by_course = defaultdict(list)
    for module in course_modules:
        by_course[module.course_id].append(module)
    for enrollment in batch:
        rows = [_module_row(enrollment, m, progress, graded, report, dry_run) for m in by_course[enrollment.course_id]]
        _rollups(enrollment, [(m, r) for m, r in zip(by_course[enrollment.course_id], rows, strict=True)],
                 report, dry_run)
        _certificate(enrollment, by_course[enrollment.course_id], rows, certificates, report, dry_run)


def _expected(module: Module, row: ModuleProgress, facts: _Graded | None) -> tuple[dict, bool]:
    """What recording would have stored, and whether the facts justify the pass and completion kept.

    The best score is recomputed; a pass or completion already recorded keeps its moment (recording
    took it from the clock), a missing one gets the moment the attempts and the read give."""
    passed = facts.passed_at if facts else None
    passed_at = row.passed_at if row.passed_at and passed else passed
    ready = row.read_at is not None and (passed is not None or not module.quiz_id)
    completed_at = row.completed_at
    if completed_at is None and ready:
        completed_at = max(row.read_at, passed_at) if module.quiz_id else row.read_at
    justified = (row.passed_at is None or passed is not None) and (row.completed_at is None or ready)
    if not justified:  # never take a pass or a completion away: list it instead
        passed_at, completed_at = row.passed_at, row.completed_at
    return {"best_score": facts.best if facts else None, "passed_at": passed_at,
            "completed_at": completed_at}, justified


def _module_row(enrollment: Enrollment, module: Module, progress: dict, graded: dict,
                report: ReconcileReport, dry_run: bool) -> ModuleProgress | None:
    row = progress.get((enrollment.user_id, module.pk))
    facts = graded.get((enrollment.user_id, module.quiz_id)) if module.quiz_id else None
    where = f"{enrollment.user.email} · {module.course.slug}/{module.slug}"
    if row is None:
        if facts is None:
            return None
        row = ModuleProgress(user_id=enrollment.user_id, module=module, first_viewed_at=facts.first_started_at,
                             last_viewed_at=facts.first_started_at)
        report.differences.append(f"{where}: progress row missing for graded attempts: created")
        if not dry_run:
            row.save()
    expected, justified = _expected(module, row, facts)
    changes = {name: value for name, value in expected.items() if getattr(row, name) != value}
    if not justified:
        report.kept.append(f"{where}: passed or completed without the graded attempt and read to show for it")
    for name, value in changes.items():
        report.differences.append(f"{where}: {name} {getattr(row, name)} → {value}")
        setattr(row, name, value)
    if changes and not dry_run:
        ModuleProgress.objects.filter(pk=row.pk).update(**changes)
        if changes.get("completed_at"):  # a completion recording lost: its 学时 were never fixed either
            module_credit_record(user=enrollment.user, module=module, completed_at=row.completed_at)
    return row


def _rollups(enrollment: Enrollment, rows: list[tuple[Module, ModuleProgress | None]], report: ReconcileReport,
             dry_run: bool) -> None:
    live = [r for m, r in rows if r is not None and m.archived_at is None]
    scores = [r.best_score for r in live if r.best_score is not None]
    expected = {
        "started_at": min((r.first_viewed_at for r in live), default=None),
        "active_seconds": sum(r.active_seconds for r in live),
        "modules_completed": sum(1 for r in live if r.completed_at is not None),
        "average_best_score": sum(scores) / len(scores) if scores else None,
    }
    changes = {name: value for name, value in expected.items() if not _same(getattr(enrollment, name), value)}
    for name, value in changes.items():
        report.differences.append(f"{enrollment.user.email} · {enrollment.course.slug}: {name} "
                                  f"{getattr(enrollment, name)} → {value}")
    if changes and not dry_run:
        Enrollment.objects.filter(pk=enrollment.pk).update(**changes)


def _same(stored, expected) -> bool:
    if isinstance(stored, float) or isinstance(expected, float):
        return stored is not None and expected is not None and abs(stored - expected) < 1e-6
    return stored == expected


def _certificate(enrollment: Enrollment, modules: list[Module], rows: list, certificates: dict,
                 report: ReconcileReport, dry_run: bool) -> None:
    required = [(m, r) for m, r in zip(modules, rows, strict=True) if m.required and m.archived_at is None]
    complete = bool(required) and all(r is not None and r.completed_at is not None for _, r in required)
    certificate = certificates.get((enrollment.user_id, enrollment.course_id))
    where = f"{enrollment.user.email} · {enrollment.course.slug}"
    if certificate is None and complete:
        report.differences.append(f"{where}: every required module complete but no certificate: issued")
        if not dry_run:
            certificate_issue(user=enrollment.user, course=enrollment.course)
    elif certificate is not None and not complete:
        report.kept.append(f"{where}: certificate {certificate.code} without every required module complete")
    if certificate is not None and enrollment.completed_at is None:
        report.differences.append(f"{where}: completed_at None → {certificate.issued_at}")
        if not dry_run:
            Enrollment.objects.filter(pk=enrollment.pk).update(completed_at=certificate.issued_at)
