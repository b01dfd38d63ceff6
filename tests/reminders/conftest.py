import importlib
from datetime import date, datetime

import pytest
import time_machine

from progress.models import Enrollment
from reminders.models import ReminderRule
from reminders.services import reminders_dispatch

# 10:00 in Shanghai on a Friday: inside the default 09:00–20:00 window.
MORNING = "2026-11-20 10:00 +0800"
TODAY = date(2026, 11, 20)


def ensure_default_rules() -> None:
    """The rules the data migration seeds; recreated if a transactional test flushed them."""
    if not ReminderRule.objects.exists():
        seeded = importlib.import_module("progress.migrations.0003_reminders").DEFAULT_RULES
        ReminderRule.objects.bulk_create(ReminderRule(**rule) for rule in seeded)


def enrol(user, course, *, due: date | None = None, at: str = "2026-11-01 10:00 +0800", **fields) -> Enrollment:
    with time_machine.travel(at, tick=False):
        return Enrollment.objects.create(user=user, course=course, due_date=due, last_activity_at=None, **fields)


@pytest.fixture
def dispatch(django_capture_on_commit_callbacks):
    """Run the dispatcher at a moment; queued tasks run in-process when the batch commits."""

    def run(at: str | datetime = MORNING):
        with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
            return reminders_dispatch()

    return run


@pytest.fixture
def course(imported_course):
    ensure_default_rules()
    return imported_course
