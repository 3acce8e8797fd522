"""Issue 10, items 5 and 6.

- An identity number may be registered twice (once outside the registering worker's area, where the
  duplicate check must not see it): the unique constraint goes, the lookup index stays.
- Masked identity numbers keep only their last four characters: existing masks are rewritten from the
  stored mask itself (its last four characters), so no key is needed and nothing is decrypted.
"""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Right


def remask(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    Person.objects.exclude(id_number_masked="").update(
        id_number_masked=Concat(Value("*" * 14), Right("id_number_masked", 4)))


class Migration(migrations.Migration):
    dependencies = [("people", "0002_resident_path_pattern_index")]

    operations = [
        migrations.RemoveConstraint(model_name="person", name="person_unique_id_number"),
        migrations.RunPython(remask, migrations.RunPython.noop, elidable=True),
    ]
