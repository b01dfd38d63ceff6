"""Send (or with --dry-run, list) the reminders due now, on every channel. Safe to run from cron at any time."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reminders import selectors, services


class Command(BaseCommand):
    help = ("Queue every reminder that is due now, one send per channel (sent in-process when no REDIS_URL is set). "
            "--dry-run lists who would get what and why, and changes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list, do not send")
        parser.add_argument("--now", help="pretend it is this ISO date-time (e.g. 2026-11-20T10:00+08:00)")

    def handle(self, *args, dry_run: bool = False, now: str | None = None, **options):
        moment = self._moment(now)
        if dry_run:
            preview = selectors.reminder_preview(now=moment, respect_window=True, limit=10**9)
            for row in preview.rows:
                learner = row["learner"]
                about = f" · {learner.email} · {row['course']}" if learner and learner.id != row["recipient"].id \
                    else (f" · {row['course']}" if row["course"] else "")
                channels = ",".join(channel.value for channel in row["channels"])
                self.stdout.write(f"{row['recipient'].email}\t{row['kind'].value}\t{row['rule'].name}{about}"
                                  f"\t{row['reason']}\t{channels}")
            self.stdout.write(f"{preview.total} reminder(s) would be sent (dry run: nothing sent).")
            for row in preview.deferred:
                self.stdout.write(f"{row['count']} deferred by a rate limit on {row['channel'].value}, "
                                  f"from {timezone.localtime(row['first']):%Y-%m-%d %H:%M}.")
            return
        result = services.reminders_dispatch(now=moment)
        self.stdout.write(f"{result.queued} reminder(s) queued, {result.requeued} queued again, "
                          f"in {result.batches} batch(es).")

    def _moment(self, text: str | None) -> datetime:
        if not text:
            return timezone.now()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError as error:
            raise CommandError(f"--now: {error}") from error
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
