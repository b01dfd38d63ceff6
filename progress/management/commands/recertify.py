from django.core.management.base import BaseCommand

from progress.retraining import certificates_recertify


class Command(BaseCommand):
    help = ("Open recertification for certificates whose renewal window has opened (what beat runs daily); "
            "running it again opens nothing new.")

    def handle(self, *args, **options):
        opened = certificates_recertify()
        self.stdout.write(self.style.SUCCESS(f"{opened} module(s) to learn again opened for recertification"))
