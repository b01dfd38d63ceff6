"""培训台账: one row per learner and course with online credit in the year, then one per offline
session; the columns Chinese HR files use. Dates and numbers are real spreadsheet values."""

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from progress.models import Enrollment

from .credit import CreditFilters, module_credits, offline_credits
from .records import certificate_held

LEDGER_HEADER = ["培训名称", "日期", "课时", "姓名", "工号", "部门", "岗位", "成绩", "是否合格"]
CHUNK = 2000
PERSON = ("user__display_name", "user__email", "user__employee_no", "user__department", "user__job_title")


def _online(filters: CreditFilters):
    score = Enrollment.objects.filter(user_id=OuterRef("user_id"), course_id=OuterRef("course_id")) \
        .values("average_best_score")[:1]
    return (module_credits(filters=filters).order_by()
            .values("user_id", "course_id", "course__title", *PERSON)
            .annotate(hours=Sum("hours", filter=Q(counts=True), default=Decimal(0)), last=Max("completed_at"),
                      score=Subquery(score), passed=certificate_held())
            .order_by("user__department", "user__display_name", "user__email", "course__title"))


def ledger_size(filters: CreditFilters) -> int:
    return _online(filters).count() + offline_credits(filters=filters).count()


def ledger_rows(filters: CreditFilters) -> Iterator[list]:
    """课时 is the credit that counts (pending credit, without enough active time, is not in it);
    成绩 the average best quiz score of the course; 是否合格 whether its certificate was earned.
    An offline session has neither a score nor a pass: those cells stay empty."""
    yield LEDGER_HEADER
    for row in _online(filters).iterator(chunk_size=CHUNK):
        yield [row["course__title"], timezone.localtime(row["last"]).date(), row["hours"],
               *_person(row), round(row["score"], 1) if row["score"] is not None else None,
               "是" if row["passed"] else "否"]
    sessions = (offline_credits(filters=filters).values("title", "held_on", "hours", *PERSON)
                .order_by("user__department", "user__display_name", "user__email", "held_on", "pk"))
    for row in sessions.iterator(chunk_size=CHUNK):
        yield [row["title"], row["held_on"], row["hours"], *_person(row), None, None]


def _person(row: dict) -> list:
    return [row["user__display_name"] or row["user__email"].split("@")[0], row["user__employee_no"],
            row["user__department"], row["user__job_title"]]
