from django.db import migrations

DEFAULT_SKILLS = [
    ("medical", "Medical"), ("driving", "Driving"), ("it", "IT"), ("legal", "Legal"),
    ("psychology", "Psychology"), ("construction", "Construction"), ("logistics", "Logistics"),
    ("language", "Languages"),
]


def up(apps, schema_editor):
    Skill = apps.get_model("mobilize", "Skill")
    for bit, (code, name) in enumerate(DEFAULT_SKILLS):
        Skill.objects.get_or_create(code=code, defaults={"name": name, "bit": bit})


def down(apps, schema_editor):
    apps.get_model("mobilize", "Skill").objects.filter(code__in=[c for c, _n in DEFAULT_SKILLS]).delete()


class Migration(migrations.Migration):
    dependencies = [("mobilize", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
