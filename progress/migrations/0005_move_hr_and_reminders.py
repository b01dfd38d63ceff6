"""HR records and reminders moved to their own apps (hr, reminders). Their tables stay as they are;
this removes them from progress's state and moves their content types (and so the admin history
that points at them) to the new apps."""

from django.db import migrations

MOVED = {"duedateextension": "hr", "exportlog": "hr",
         "reminderrule": "reminders", "reminderlog": "reminders", "reminderoptout": "reminders"}


def _relabel(apps, *, backwards: bool) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("admin", "LogEntry")
    for model, app in MOVED.items():
        old, new = (app, "progress") if backwards else ("progress", app)
        moving = ContentType.objects.filter(app_label=old, model=model).first()
        if moving is None:
            continue
        existing = ContentType.objects.filter(app_label=new, model=model).first()
        if existing is None:
            ContentType.objects.filter(pk=moving.pk).update(app_label=new)
        else:  # post_migrate created the new one meanwhile: keep it, with the history
            LogEntry.objects.filter(content_type=moving).update(content_type=existing)
            moving.delete()


def content_types_forward(apps, schema_editor):
    _relabel(apps, backwards=False)


def content_types_backward(apps, schema_editor):
    _relabel(apps, backwards=True)


class Migration(migrations.Migration):

    dependencies = [
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("hr", "0001_initial"),
        ("progress", "0004_enrollment_rollups"),
        ("reminders", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='exportlog',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='reminderlog',
                    name='enrollment',
                ),
                migrations.RemoveField(
                    model_name='reminderlog',
                    name='recipient',
                ),
                migrations.RemoveField(
                    model_name='reminderlog',
                    name='rule',
                ),
                migrations.RemoveField(
                    model_name='reminderoptout',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='DueDateExtension',
                ),
                migrations.DeleteModel(
                    name='ExportLog',
                ),
                migrations.DeleteModel(
                    name='ReminderLog',
                ),
                migrations.DeleteModel(
                    name='ReminderRule',
                ),
                migrations.DeleteModel(
                    name='ReminderOptOut',
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
