"""Reminder models move out of `progress` without touching a row: the tables keep their names
(db_table); only Django's state moves (progress 0005 removes them from progress's state and moves
their content types)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('progress', '0004_enrollment_rollups'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ReminderRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120, verbose_name='name')),
                        ('kind', models.CharField(choices=[('due_soon', 'Before the due date'), ('overdue', 'Overdue'), ('inactive', 'Inactive'), ('completed', 'Course completed'), ('escalation', 'Escalation to the manager'), ('hr_digest', 'Weekly HR digest')], max_length=20, verbose_name='kind')),
                        ('days', models.PositiveSmallIntegerField(default=0, help_text='Before the due date: days before it. Overdue and escalation: days after it. Inactive: days without activity. Unused for completion and the digest.', verbose_name='days')),
                        ('repeat_every_days', models.PositiveSmallIntegerField(blank=True, help_text='Overdue only: send again every N days, up to the cap.', null=True, verbose_name='repeat every (days)')),
                        ('max_sends', models.PositiveSmallIntegerField(default=1, help_text='Overdue only: at most this many reminders per due date.', verbose_name='cap')),
                        ('weekday', models.PositiveSmallIntegerField(blank=True, help_text='Digest only: 0 = Monday … 6 = Sunday; sent once per week from that day on.', null=True, verbose_name='weekday')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        'verbose_name': 'reminder rule',
                        'verbose_name_plural': 'reminder rules',
                        'db_table': 'progress_reminderrule',
                        'ordering': ['kind', '-days'],
                    },
                ),
                migrations.CreateModel(
                    name='ReminderOptOut',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('category', models.CharField(choices=[('deadlines', 'Due dates and overdue courses'), ('inactivity', 'Nudges when I have not studied for a while'), ('achievements', 'Congratulations when I complete a course'), ('escalations', "My team members' long-overdue courses"), ('digest', 'Weekly overdue digest for HR')], max_length=20)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_opt_outs', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'progress_reminderoptout',
                        'constraints': [models.UniqueConstraint(fields=('user', 'category'), name='one_opt_out_per_category')],
                    },
                ),
                migrations.CreateModel(
                    name='ReminderLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('period', models.CharField(max_length=40)),
                        ('reason', models.CharField(blank=True, max_length=200)),
                        ('status', models.CharField(choices=[('pending', 'Pending'), ('sending', 'Sending'), ('sent', 'Sent'), ('skipped', 'Skipped'), ('failed', 'Failed')], default='pending', max_length=10)),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('queued_at', models.DateTimeField(blank=True, null=True)),
                        ('claimed_at', models.DateTimeField(blank=True, null=True)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('last_error', models.CharField(blank=True, max_length=300)),
                        ('enrollment', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reminder_logs', to='progress.enrollment')),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_logs', to=settings.AUTH_USER_MODEL)),
                        ('rule', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='logs', to='reminders.reminderrule')),
                    ],
                    options={
                        'verbose_name': 'reminder log entry',
                        'verbose_name_plural': 'reminder log',
                        'db_table': 'progress_reminderlog',
                        'indexes': [models.Index(fields=['status', 'queued_at'], name='reminderlog_status_queued')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('enrollment__isnull', False)), fields=('enrollment', 'rule', 'period'), name='one_reminder_per_enrollment_rule_period'), models.UniqueConstraint(condition=models.Q(('enrollment__isnull', True)), fields=('recipient', 'rule', 'period'), name='one_digest_per_recipient_rule_period')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
