"""The matrix export streams: memory stays flat however many learners there are."""

import tracemalloc
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import User
from hr.exports import csv_lines, matrix_rows
from hr.filters import ReportFilters
from progress.models import Enrollment, ModuleProgress

LEARNERS = 3000


def build(course, modules):
    password = make_password(None)
    User.objects.bulk_create(User(email=f"bulk{n}@example.com", password=password, department=f"部门{n % 7}")
                             for n in range(LEARNERS))
    users = list(User.objects.filter(email__startswith="bulk").values_list("id", flat=True))
    due = timezone.localdate() + timedelta(days=5)
    Enrollment.objects.bulk_create(Enrollment(user_id=u, course=course, due_date=due) for u in users)
    now = timezone.now()
    ModuleProgress.objects.bulk_create(
        (ModuleProgress(user_id=u, module=m, first_viewed_at=now, last_viewed_at=now,
                        completed_at=now if (u + i) % 3 else None)
         for u in users for i, m in enumerate(modules)), batch_size=5000)


def test_matrix_csv_streams_with_bounded_memory(imported_course):
    modules = list(imported_course.modules.order_by("position"))
    build(imported_course, modules)
    lines = csv_lines(matrix_rows(ReportFilters(course_id=imported_course.pk), imported_course))
    tracemalloc.start()
    count = sum(chunk.count("\r\n") for chunk in lines)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == LEARNERS + 1  # the header, then one line per learner
    assert peak < 8 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB while streaming {LEARNERS} rows"
