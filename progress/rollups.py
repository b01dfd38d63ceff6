"""The per-enrolment rollups HR reports read, as expressions over the learner's module progress.

One UPDATE of the enrolment sets them all from subqueries, so they are always recomputed from the
rows themselves (never incremented), and a repeat or a reconcile gives the same values.
"""

from django.db.models import Avg, Count, IntegerField, Min, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import ModuleProgress


def _rows(user_id: int, course_id: int):
    return (ModuleProgress.objects.filter(user_id=user_id, module__course_id=course_id,
                                          module__archived_at__isnull=True)
            .order_by().values("user_id"))


def enrollment_rollups(*, user_id: int, course_id: int) -> dict:
    """Keyword arguments for Enrollment.objects.filter(...).update(**...)."""
    rows = _rows(user_id, course_id)
    total = lambda aggregate: Subquery(rows.annotate(v=aggregate).values("v")[:1])  # noqa: E731
    return {
        "started_at": total(Min("first_viewed_at")),
        "active_seconds": Coalesce(total(Sum("active_seconds")), Value(0), output_field=IntegerField()),
        "modules_completed": Coalesce(total(Count("id", filter=Q(completed_at__isnull=False))), Value(0),
                                      output_field=IntegerField()),
        "average_best_score": total(Avg("best_score")),
    }


