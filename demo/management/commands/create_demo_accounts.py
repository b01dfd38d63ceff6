from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.services import DEMO_PASSWORD, demo_accounts_ensure


class Command(BaseCommand):
    help = "Create the demo learner, trainer and HR accounts (local and demo settings only)."

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_ACCOUNTS_ENABLED", False):
            raise CommandError("Demo accounts are disabled in these settings (production).")
        for user in demo_accounts_ensure():
            self.stdout.write(f"{user.email} / {DEMO_PASSWORD}")
