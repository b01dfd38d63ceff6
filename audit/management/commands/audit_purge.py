from django.conf import settings
from django.core.management.base import BaseCommand

from audit.services import audit_retention_purge


class Command(BaseCommand):
    help = "Delete audit entries older than AUDIT_RETENTION_DAYS now (beat runs the same purge daily)."

    def handle(self, *args, **options):
        days = settings.AUDIT_RETENTION_DAYS
        if days <= 0:
            self.stdout.write("AUDIT_RETENTION_DAYS is 0: audit entries are kept forever, nothing purged")
            return
        deleted = audit_retention_purge()
        self.stdout.write(f"{deleted} audit entries older than {days} days purged")
