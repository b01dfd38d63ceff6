from django.core.management.base import BaseCommand

from search.services import search_reindex


class Command(BaseCommand):
    help = "Rebuild the search index of every module from scratch (safe to repeat)."

    def handle(self, *args, **options):
        modules, sections = search_reindex()
        self.stdout.write(f"search index rebuilt: {modules} modules, {sections} sections")
