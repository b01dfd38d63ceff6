"""Rebuild module progress, rollups, completions and certificates from attempts and views."""

from django.core.management.base import BaseCommand

from progress.reconcile import progress_reconcile


class Command(BaseCommand):
    help = ("Recompute best scores, passes, completions, enrolment rollups and certificates from graded "
            "attempts and recorded views; print each difference and fix it (--dry-run: only print).")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list the differences, change nothing")

    def handle(self, *args, dry_run: bool = False, **options):
        report = progress_reconcile(dry_run=dry_run)
        for line in report.differences:
            self.stdout.write(line)
        for line in report.kept:
            self.stdout.write(f"kept: {line}")
        verb = "would fix" if dry_run else "fixed"
        self.stdout.write(f"{len(report.differences)} difference(s) {verb} in {report.enrollments} enrolment(s); "
                          f"{len(report.kept)} kept as they are.")
