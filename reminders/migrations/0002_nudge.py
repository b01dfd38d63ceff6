from django.db import migrations, models

NUDGE_RULE = {"name": "经理催学（每人每天最多一次）", "kind": "nudge", "days": 0}


def seed_nudge_rule(apps, schema_editor):
    """The rule 团队学习's nudge button goes through; HR switches nudges off by deactivating it."""
    ReminderRule = apps.get_model("reminders", "ReminderRule")
    if not ReminderRule.objects.filter(kind="nudge").exists():
        ReminderRule.objects.create(**NUDGE_RULE)


class Migration(migrations.Migration):

    dependencies = [
        ("reminders", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reminderrule",
            name="kind",
            field=models.CharField(choices=[("due_soon", "Before the due date"), ("overdue", "Overdue"),
                                            ("inactive", "Inactive"), ("completed", "Course completed"),
                                            ("escalation", "Escalation to the manager"),
                                            ("hr_digest", "Weekly HR digest"), ("nudge", "Nudge from the manager")],
                                   max_length=20, verbose_name="kind"),
        ),
        migrations.RunPython(seed_nudge_rule, migrations.RunPython.noop),
    ]
