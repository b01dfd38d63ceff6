from dataclasses import asdict

from django.core.management.base import BaseCommand

from progress.retention import RetentionPeriods, retention_purge


class Command(BaseCommand):
    help = "Purge personal learning data past its retention period now (beat runs the same purge daily)."

    def handle(self, *args, **options):
        periods = asdict(RetentionPeriods.from_settings())
        self.stdout.write("retention (days, 0 = no limit): " + ", ".join(f"{k}={v}" for k, v in periods.items()))
        for category, count in asdict(retention_purge()).items():
            self.stdout.write(f"{category}: {count}")
