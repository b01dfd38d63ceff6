"""Dispatch for 10,000 enrolments: batch by batch, a bounded number of queries, a bounded memory peak."""

import tracemalloc
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from progress.models import Enrollment
from reminders import services
from reminders.models import ReminderLog
from reminders.selectors import BATCH_SIZE

from .conftest import MORNING, TODAY

pytestmark = pytest.mark.django_db
LEARNERS = 10_000
QUERIES_PER_BATCH = 18  # read enrollments + opt-outs + platform ids, insert logs (SQLite splits the insert), pick, mark
PEAK_BYTES = 12 * 1024 * 1024  # all 10,000 rows with their users would need several times this


def test_dispatch_for_ten_thousand_enrolments_runs_in_batches(course, monkeypatch):
    users = User.objects.bulk_create(User(email=f"u{n}@example.com", password="!", department=f"部门{n % 7}")
                                     for n in range(LEARNERS))
    with time_machine.travel("2026-11-19 10:00 +0800", tick=False):
        Enrollment.objects.bulk_create(Enrollment(user=u, course=course, due_date=TODAY + timedelta(days=3))
                                       for u in users)
    queued: list[int] = []
    monkeypatch.setattr(services, "_queue", queued.extend)  # count the tasks instead of sending 10,000 emails

    with time_machine.travel(MORNING, tick=False), CaptureQueriesContext(connection) as queries:
        tracemalloc.start(1)
        result = services.reminders_dispatch()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    batches = -(-LEARNERS // BATCH_SIZE)
    assert result.batches == batches and result.queued == LEARNERS == len(set(queued))
    assert ReminderLog.objects.filter(status="pending", queued_at__isnull=False).count() == LEARNERS
    assert len(queries) <= batches * QUERIES_PER_BATCH, f"{len(queries)} queries for {batches} batches"
    assert peak < PEAK_BYTES, f"peak {peak / 2**20:.1f} MiB"
    reads = [q["sql"] for q in queries if q["sql"].startswith('SELECT "progress_enrollment"."id"')]
    assert len(reads) <= batches + 1 and all(f"LIMIT {BATCH_SIZE}" in sql for sql in reads)
