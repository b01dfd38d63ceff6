import django.db.models.deletion
from django.db import migrations, models

POSTGRES = [
    ("ALTER TABLE search_section ADD COLUMN document tsvector",
     "ALTER TABLE search_section DROP COLUMN document"),
    ("CREATE INDEX search_section_document ON search_section USING gin (document)",
     "DROP INDEX search_section_document"),
]
SQLITE = [
    ("CREATE VIRTUAL TABLE search_fts USING fts5(title, heading, body, tokenize = 'unicode61 remove_diacritics 0')",
     "DROP TABLE search_fts"),
    # Deletes reach the FTS rows however the section goes (a rebuild, or a module deleted by cascade).
    ("CREATE TRIGGER search_section_fts_delete AFTER DELETE ON search_section "
     "BEGIN DELETE FROM search_fts WHERE rowid = old.id; END",
     "DROP TRIGGER search_section_fts_delete"),
]


def _statements(schema_editor) -> list[tuple[str, str]]:
    return POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE


def full_text_create(apps, schema_editor):
    for forward, _ in _statements(schema_editor):
        schema_editor.execute(forward)


def full_text_drop(apps, schema_editor):
    for _, backward in reversed(_statements(schema_editor)):
        schema_editor.execute(backward)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("courses", "0003_first_revisions"),
    ]

    operations = [
        migrations.CreateModel(
            name="Section",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("draft", models.BooleanField(default=False)),
                ("digest", models.CharField(help_text="What the rows were built from; unchanged means skip.",
                                            max_length=64)),
                ("position", models.PositiveIntegerField()),
                ("anchor", models.TextField(blank=True,
                                            help_text="The heading's id in the module page (empty: its top).")),
                ("title", models.CharField(max_length=200)),
                ("heading", models.TextField(blank=True)),
                ("body", models.TextField(blank=True, help_text="Plain text; snippets are cut from it and escaped.")),
                ("module", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                             to="courses.module")),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("module", "draft", "position"),
                                                        name="unique_search_section_position")],
            },
        ),
        migrations.RunPython(full_text_create, full_text_drop),
    ]
