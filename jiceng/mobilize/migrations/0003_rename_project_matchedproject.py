from django.db import migrations


class Migration(migrations.Migration):
    """mobilize.Project is what it is, a matched project (the projects app has the secretary-led ones).
    A rename: the table and its many-to-many table are renamed, every row stays."""

    dependencies = [
        ("mobilize", "0002_default_skills"),
    ]

    operations = [
        migrations.RenameModel(old_name="Project", new_name="MatchedProject"),
        migrations.AlterModelOptions(
            name="matchedproject",
            options={"verbose_name": "matched project", "verbose_name_plural": "matched projects"},
        ),
    ]
