"""Migrating to per-channel logs keeps every reminder already logged as an email, and its gate."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reminders", "0001_initial")]
LATEST = None  # every app at its newest migration, as the tests after this one expect


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(list(executor.loader.applied_migrations)).apps


@pytest.mark.django_db(transaction=True)
def test_existing_logs_and_opt_outs_become_email_and_stay_gated():
    old = migrate(BEFORE)
    learner = old.get_model("accounts", "User").objects.create(email="old@example.com")
    course = old.get_model("courses", "Course").objects.create(slug="c", title="C", source="", content_hash="",
                                                              render_version=1)
    enrollment = old.get_model("progress", "Enrollment").objects.create(user=learner, course=course)
    rule = old.get_model("reminders", "ReminderRule").objects.create(name="soon", kind="due_soon", days=2)
    old.get_model("reminders", "ReminderLog").objects.create(rule=rule, enrollment=enrollment, recipient=learner,
                                                             period="2026-12-03", status="sent")
    old.get_model("reminders", "ReminderOptOut").objects.create(user=learner, category="inactivity")

    new = migrate(LATEST)
    Log = new.get_model("reminders", "ReminderLog")
    assert list(Log.objects.values_list("channel", "status", "period")) == [("email", "sent", "2026-12-03")]
    assert list(new.get_model("reminders", "ReminderOptOut").objects.values_list("category", "channel")) == [
        ("inactivity", "email")]
    assert new.get_model("reminders", "ReminderRule").objects.get(pk=rule.pk).channels == []
    with pytest.raises(IntegrityError), transaction.atomic():
        Log.objects.create(rule_id=rule.pk, enrollment_id=enrollment.pk, recipient_id=learner.pk,
                           period="2026-12-03", channel="email")
    Log.objects.create(rule_id=rule.pk, enrollment_id=enrollment.pk, recipient_id=learner.pk,
                       period="2026-12-03", channel="wecom")
    assert Log.objects.count() == 2
