"""Fill the tallies of a database built before they existed."""

from django.db import migrations


def fill(apps, schema_editor):
    from jiceng.orgs.tally import rebuild

    if apps.get_model("orgs", "Unit").objects.exists():
        rebuild()


class Migration(migrations.Migration):
    dependencies = [("orgs", "0003_unit_tally"), ("people", "0002_resident_path_pattern_index")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
