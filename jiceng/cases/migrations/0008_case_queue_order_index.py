"""The queue's order as an index: open cases that are not suspended, by deadline and id. The desk and the
queue page read the first 200 by deadline (overdue first) with an index scan that stops there, instead of
sorting every open case of the user's area (a city's several thousand) to show 200."""

from django.db import migrations

SQL = ("CREATE INDEX IF NOT EXISTS case_queue_deadline ON cases_case (deadline_at, id) WHERE status IN "
       "('received', 'registered', 'dispatched', 'in_progress', 'handled', 'verified', 'rework')")


def up(apps, schema_editor):
    schema_editor.execute(SQL)


def down(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS case_queue_deadline")


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_merge_20261207_2252")]
    operations = [migrations.RunPython(up, down)]
