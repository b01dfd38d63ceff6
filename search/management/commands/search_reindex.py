from django.core.management.base import BaseCommand

from search.services import search_reindex


class Command(BaseCommand):
    help = "Rebuild the search index of every module from scratch (safe to repeat)."

    def add_arguments(self, parser):
        parser.add_argument("--stale", action="store_true",
                            help="only index modules whose sections are missing or out of date")

    def handle(self, *args, stale: bool = False, **options):
        modules, sections = search_reindex(force=not stale)
        done = "search index brought up to date" if stale else "search index rebuilt"
        self.stdout.write(f"{done}: {modules} modules, {sections} sections written")
