"""The Sites row allauth puts into account emails: the product's name and host from settings,
instead of the example.com that django.contrib.sites creates."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations


def site_from_settings(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    domain = urlsplit(settings.SITE_URL).netloc or "localhost"
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": domain[:100], "name": settings.SITE_NAME[:50]})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_departments_and_leavers"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(site_from_settings, migrations.RunPython.noop)]
