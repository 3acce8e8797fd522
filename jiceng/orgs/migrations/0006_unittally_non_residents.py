"""UnitTally.non_residents: the registered people who are not residents, counted like the residents (the
people list's total reads the tally row, never a COUNT over a city's people). Filled from the rows."""

from collections import Counter

from django.db import migrations, models
from django.db.models import Count


def fill(apps, schema_editor):
    Person, UnitTally, Unit = (apps.get_model(*m) for m in (("people", "Person"), ("orgs", "UnitTally"),
                                                            ("orgs", "Unit")))
    counts: Counter = Counter()
    for row in (Person.objects.filter(is_resident=False).values("unit_path").annotate(n=Count("id")).order_by()
                .iterator(chunk_size=20000)):
        for code in (c for c in row["unit_path"].split("/") if c):
            counts[code] += row["n"]
    codes = list(counts)
    for start in range(0, len(codes), 2000):
        chunk = codes[start:start + 2000]
        by_code = dict(Unit.objects.filter(code__in=chunk).values_list("code", "pk"))
        rows = [UnitTally(unit_id=by_code[c], non_residents=counts[c]) for c in chunk if c in by_code]
        tallied = set(UnitTally.objects.filter(unit_id__in=[r.unit_id for r in rows]).values_list("unit_id", flat=True))
        UnitTally.objects.bulk_update([r for r in rows if r.unit_id in tallied], ["non_residents"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0005_big_committee_roster"), ("people", "0005_central_household_visits")]
    operations = [
        migrations.AddField(model_name="unittally", name="non_residents", field=models.IntegerField(default=0)),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
