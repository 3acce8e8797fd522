"""The three built-in fund types (街道运转经费, 社区工作经费, 服务群众专项经费) with their default standards,
seeded as reference data (reads never write; `jiceng/conftest.py` reseeds after a transactional flush)."""

from decimal import Decimal

from django.db import migrations

BUILTIN = [
    ("street_running", "街道运转经费", "street", Decimal("800000")),
    ("community_work", "社区工作经费", "community", Decimal("100000")),
    ("community_service", "服务群众专项经费", "community", Decimal("100000")),
]


def seed(apps, schema_editor):
    FundType = apps.get_model("funds", "FundType")
    for code, name, level, minimum in BUILTIN:
        FundType.objects.get_or_create(code=code, defaults={"name": name, "level": level, "builtin": True,
                                                            "default_minimum": minimum})


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
