"""Ten managers' clicks at the same moment nudge a learner once (PostgreSQL: real row locks)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from audit.models import AuditEntry
from progress.models import Enrollment
from reminders.models import ReminderKind, ReminderLog, ReminderRule
from tests.factories import UserFactory

CLICKS = 10


def test_simultaneous_nudges_send_one(transactional_db, imported_course):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI sets DATABASE_URL): SQLite serialises every writer")
    ReminderRule.objects.get_or_create(kind=ReminderKind.NUDGE, defaults={"name": "nudge"})
    boss = UserFactory(email="boss@example.com")
    lead = UserFactory(email="lead@example.com", manager=boss)
    worker = UserFactory(email="worker@example.com", manager=lead)
    Enrollment.objects.create(user=worker, course=imported_course)
    barrier = threading.Barrier(CLICKS)

    def click(n):
        client = Client()
        client.force_login(boss if n % 2 else lead)
        barrier.wait()
        try:
            return client.post(f"/team/learners/{worker.pk}/nudge/").status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(CLICKS) as pool:
        statuses = list(pool.map(click, range(CLICKS)))
    assert statuses == [302] * CLICKS
    assert ReminderLog.objects.filter(rule__kind=ReminderKind.NUDGE, recipient=worker).count() == 1
    assert AuditEntry.objects.filter(action="team.nudge").count() == 1
