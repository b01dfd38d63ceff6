"""Give every module that already exists its history's first entry: the imported text."""

from django.db import migrations


def first_revisions(apps, schema_editor):
    Module = apps.get_model("courses", "Module")
    ModuleRevision = apps.get_model("courses", "ModuleRevision")
    ModuleRevision.objects.bulk_create(
        ModuleRevision(module_id=module.pk, number=1, source=module.source, content_hash=module.content_hash,
                       origin="import", created_at=module.updated_at,
                       published_at=module.updated_at)
        for module in Module.objects.filter(revisions__isnull=True).iterator()
    )


class Migration(migrations.Migration):

    dependencies = [("courses", "0002_module_revision")]

    operations = [migrations.RunPython(first_revisions, migrations.RunPython.noop)]
