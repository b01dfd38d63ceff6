"""HR records and reminders moved from `progress` to their own apps with state-only migrations.

Given a database at the schema before the move, with rows in every moved table, an admin history
entry and the old content types, migrating to the new layout keeps every row, and the content
types (with the history pointing at them) follow the models.
"""

from datetime import date

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from hr.models import DueDateExtension, ExportLog
from reminders.models import ReminderLog, ReminderOptOut, ReminderRule

BEFORE_THE_MOVE = [("progress", "0004_enrollment_rollups"), ("hr", None), ("reminders", None)]
MOVED = {"hr": ["duedateextension", "exportlog"], "reminders": ["reminderrule", "reminderlog", "reminderoptout"]}


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader sees what is applied now


def old_content_types(apps) -> dict[str, int]:
    """Content types as a database created before the move has them (app label "progress"); migrating
    back has relabelled the ones the test database was created with."""
    OldContentType = apps.get_model("contenttypes", "ContentType")
    # Only the moved models: models added to hr or reminders later keep their own content types.
    assert not any(OldContentType.objects.filter(app_label=app, model__in=models).exists()
                   for app, models in MOVED.items())
    return {model: OldContentType.objects.get_or_create(app_label="progress", model=model)[0].pk
            for models in MOVED.values() for model in models}


def populate(apps) -> dict[str, int]:
    User = apps.get_model("accounts", "User")
    Course = apps.get_model("courses", "Course")
    learner = User.objects.create(email="moved@example.com")
    course = Course.objects.create(slug="c", title="C", source="", content_hash="", render_version=1)
    enrollment = apps.get_model("progress", "Enrollment").objects.create(user=learner, course=course)
    rule = apps.get_model("progress", "ReminderRule").objects.create(name="later", kind="due_soon", days=2)
    apps.get_model("progress", "ReminderLog").objects.create(rule=rule, enrollment=enrollment, recipient=learner,
                                                             period="2026-12-03", status="sent")
    apps.get_model("progress", "ReminderOptOut").objects.create(user=learner, category="inactivity")
    apps.get_model("progress", "DueDateExtension").objects.create(
        enrollment=enrollment, previous_due_date=date(2026, 12, 1), new_due_date=date(2026, 12, 8), reason="ill")
    apps.get_model("progress", "ExportLog").objects.create(user=learner, kind="summary_csv", filters={"status": "x"})
    return {"user": learner.pk, "rule": rule.pk}


@pytest.mark.django_db(transaction=True)
def test_moving_the_models_keeps_every_row_and_their_admin_history():
    executor = migrate(BEFORE_THE_MOVE)
    old = executor.loader.project_state(list(executor.loader.applied_migrations)).apps
    content_types = old_content_types(old)
    ids = populate(old)
    # Later data migrations seed certificate rules into an empty table: count the others.
    rules_before = old.get_model("progress", "ReminderRule").objects.exclude(kind__startswith="cert_").count()
    old.get_model("admin", "LogEntry").objects.create(
        user_id=ids["user"], content_type_id=content_types["reminderrule"], object_id=str(ids["rule"]),
        object_repr="later", action_flag=2, change_message="[]")

    migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    assert ReminderRule.objects.exclude(kind__startswith="cert_").count() == rules_before
    assert ReminderLog.objects.get().rule_id == ids["rule"]
    assert ReminderOptOut.objects.get().category == "inactivity"
    assert DueDateExtension.objects.get().reason == "ill"
    assert ExportLog.objects.get().filters == {"status": "x"}
    for app, models in MOVED.items():
        for model in models:
            moved = ContentType.objects.get(app_label=app, model=model)
            assert moved.pk == content_types[model], f"{app}.{model} kept its content type row"
    assert not ContentType.objects.filter(app_label="progress", model__in=content_types).exists()
    entry = LogEntry.objects.get()
    assert entry.get_edited_object() == ReminderRule.objects.get(pk=ids["rule"])
