"""Data lifecycle (PIPL): each category of personal learning data is kept for its retention period
(settings RETENTION_*_DAYS, 0 = keep) and then purged by beat, daily. What HR signs off on stays:
scores, passes, completion, active-time totals, certificates; the details go."""

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.services import users_pseudonymise
from audit.services import audit_record
from quizzes.services import attempt_answers_purge

from .models import ExerciseResult, Reflection

BATCH_SIZE = 1000  # rows per statement: bounded locks and memory however much is due
PURGE_ACTOR_LABEL = "retention purge"


@dataclass(frozen=True)
class RetentionPeriods:
    """Days each category is kept (0: kept without limit)."""

    attempt_answers: int
    reflections: int
    leavers: int
    audit_log: int

    @classmethod
    def from_settings(cls) -> "RetentionPeriods":
        return cls(attempt_answers=settings.RETENTION_ATTEMPT_ANSWERS_DAYS,
                   reflections=settings.RETENTION_REFLECTIONS_DAYS, leavers=settings.RETENTION_LEAVERS_DAYS,
                   audit_log=settings.AUDIT_RETENTION_DAYS)


@dataclass
class PurgeReport:
    attempt_answers: int = 0
    exercise_answers: int = 0
    reflections: int = 0
    leavers_pseudonymised: int = 0

    @property
    def total(self) -> int:
        return sum(asdict(self).values())


def retention_purge(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> PurgeReport:
    """Purge every category past its period. Idempotent: a second run finds nothing due. The
    audit log purges itself (audit.retention_purge); one "data.purge" entry records the counts."""
    now = now or timezone.now()
    periods = RetentionPeriods.from_settings()
    report = PurgeReport()
    if cutoff := _cutoff(now, periods.attempt_answers):
        report.attempt_answers = attempt_answers_purge(submitted_before=cutoff, batch_size=batch_size)
        report.exercise_answers = _exercise_answers_purge(updated_before=cutoff, batch_size=batch_size)
    if cutoff := _cutoff(now, periods.reflections):
        report.reflections = _reflections_purge(updated_before=cutoff, batch_size=batch_size)
    if cutoff := _cutoff(now, periods.leavers):
        report.leavers_pseudonymised = users_pseudonymise(left_before=cutoff, batch_size=batch_size)
    if report.total:
        audit_record(actor=None, actor_label=PURGE_ACTOR_LABEL, action="data.purge", after=asdict(report))
    return report


def _cutoff(now: datetime, days: int) -> datetime | None:
    return now - timedelta(days=days) if days > 0 else None


def _exercise_answers_purge(*, updated_before: datetime, batch_size: int) -> int:
    """What a learner typed into a data exercise goes; right/wrong per blank and solved_at stay."""
    stale = ExerciseResult.objects.filter(updated_at__lt=updated_before).exclude(answers={})
    purged = last = 0
    while ids := list(stale.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size]):
        # update() leaves updated_at alone (auto_now applies to save() only): the date stays the learner's
        purged += ExerciseResult.objects.filter(pk__in=ids).update(answers={})
        last = ids[-1]
    return purged


def _reflections_purge(*, updated_before: datetime, batch_size: int) -> int:
    stale = Reflection.objects.filter(updated_at__lt=updated_before)
    purged = 0
    while ids := list(stale.order_by("pk").values_list("pk", flat=True)[:batch_size]):
        with transaction.atomic():
            purged += Reflection.objects.filter(pk__in=ids).delete()[0]
    return purged
