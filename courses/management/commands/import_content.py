from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courses.changes import ChangeNote
from courses.models import Change
from courses.services import ContentInvalid, content_import


class Command(BaseCommand):
    help = "Validate, render and load content into the database (nothing is written on any error)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="content folder or one course folder")
        parser.add_argument("--force", action="store_true", help="re-render even unchanged files")
        parser.add_argument("--material", action="append", default=[], metavar="COURSE/MODULE",
                            help="this module's changed text is a material change (repeat for several); "
                                 "every other changed module is recorded as editorial")
        parser.add_argument("--reason", default="", help="why the material change matters (required with --material)")

    def handle(self, *args, path: str | None, force: bool, material: list[str], reason: str, **options):
        root = Path(path) if path else Path(settings.CONTENT_DIR)
        if material:
            try:
                ChangeNote(Change.MATERIAL, reason)
            except ValueError as problem:
                raise CommandError(f"--material needs --reason: {problem}") from None
        try:
            report = content_import(root=root, force=force, material=frozenset(material), reason=reason)
        except ContentInvalid as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(error.problems)} problem(s); nothing was imported") from None
        for label in report.created:
            self.stdout.write(f"created  {label}")
        for label in report.updated:
            self.stdout.write(f"updated  {label}")
        for label in report.archived:
            self.stdout.write(f"archived {label}")
        if report.relinked:
            self.stdout.write(f"re-rendered {len(report.relinked)} module(s) for a new glossary or templates")
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"warning  {warning}"))
        self.stdout.write(self.style.SUCCESS(
            f"{report.changed} changed ({len(report.created)} created, {len(report.updated)} "
            f"updated, {len(report.archived)} archived), {report.unchanged} unchanged"))
