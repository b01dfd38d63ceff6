from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courses.services import content_validate


class Command(BaseCommand):
    help = "Check content files and print every problem as file:line: what is wrong."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="content folder, course folder or one file")

    def handle(self, *args, path: str | None, **options):
        root = Path(path) if path else Path(settings.CONTENT_DIR)
        problems = content_validate(root=root)
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(f"{len(problems)} problem(s) found in {root}")
        self.stdout.write(self.style.SUCCESS(f"{root}: content is valid"))
