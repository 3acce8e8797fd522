"""PostgreSQL: a partial pattern index on residents' unit_path, so "residents under X" is an
index-only scan of exactly the rows counted."""

from django.db import migrations


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX IF NOT EXISTS people_person_resident_path ON people_person "
                              "(unit_path varchar_pattern_ops) WHERE is_resident")
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("CREATE INDEX IF NOT EXISTS people_person_resident_path ON people_person "
                              "(unit_path) WHERE is_resident")


def down(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS people_person_resident_path")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
