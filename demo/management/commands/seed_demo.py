import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courses.models import Course
from demo.services import DemoRefused, demo_exists, demo_reset, demo_seed


class Command(BaseCommand):
    help = "Build a realistic demo organisation (departments, managers, cohorts, progress). Never in production."

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=200)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--course", default="ops-manager", help="slug of the course to assign")
        parser.add_argument("--reset", action="store_true", help="delete a previous demo organisation first")
        parser.add_argument("--if-absent", action="store_true",
                            help="do nothing when a demo organisation exists (make run seeds once)")

    def handle(self, *args, learners: int, seed: int, course: str, reset: bool, if_absent: bool, **options):
        if not getattr(settings, "DEMO_ACCOUNTS_ENABLED", False):
            raise CommandError("seed_demo refuses to run with production settings.")
        if learners < 1:
            raise CommandError("--learners must be at least 1")
        target = Course.objects.filter(slug=course, archived_at__isnull=True).first()
        if target is None:
            raise CommandError(f"no course {course!r}: run import_content first")
        if if_absent and not reset and demo_exists():
            self.stdout.write("demo organisation already seeded (seed_demo --reset rebuilds it)")
            return
        started = time.perf_counter()
        if reset:
            self.stdout.write(f"removed {demo_reset()} rows of the previous demo organisation")
        try:
            report = demo_seed(learners=learners, seed=seed, course=target)
        except DemoRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(self.style.SUCCESS(
            f"{report.learners} learners, {report.managers} managers, {report.enrollments} enrolments, "
            f"{report.progress_rows} module progress rows, {report.attempts} quiz attempts, "
            f"{report.certificates} certificates, {report.overdue} overdue "
            f"in {time.perf_counter() - started:.1f} s"))
