"""The people list's order as an index: residents first, then unit path (byte order) and id. Keyset pages
of a million-row list and the non-resident count are index range scans of the rows they show."""

from django.db import migrations


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('CREATE INDEX IF NOT EXISTS people_person_list_order ON people_person '
                              '(is_resident DESC, unit_path COLLATE "C", id)')
    else:
        schema_editor.execute("CREATE INDEX IF NOT EXISTS people_person_list_order ON people_person "
                              "(is_resident DESC, unit_path, id)")


def down(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS people_person_list_order")


class Migration(migrations.Migration):
    dependencies = [("people", "0003_id_number_not_unique_mask_last_four")]
    operations = [migrations.RunPython(up, down)]
