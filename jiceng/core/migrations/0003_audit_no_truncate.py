"""On PostgreSQL, TRUNCATE of the audit log is refused too (row triggers do not see it), and the chain
head can be neither deleted nor truncated (issue 10, item 11). SQLite has no TRUNCATE.

The test suite's flush after a transactional test lifts these two triggers for that flush only
(`allow_flush` / `forbid_flush`, used by jiceng/conftest.py)."""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION core_audit_keep() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only: ' || TG_OP || ' refused',
    ERRCODE = 'integrity_constraint_violation'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
FOR EACH STATEMENT EXECUTE FUNCTION core_audit_keep();
CREATE TRIGGER core_audithead_no_truncate BEFORE TRUNCATE ON core_audithead
FOR EACH STATEMENT EXECUTE FUNCTION core_audit_keep();
CREATE TRIGGER core_audithead_no_delete BEFORE DELETE ON core_audithead
FOR EACH ROW EXECUTE FUNCTION core_audit_keep();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP TRIGGER IF EXISTS core_audithead_no_truncate ON core_audithead;
DROP TRIGGER IF EXISTS core_audithead_no_delete ON core_audithead;
DROP FUNCTION IF EXISTS core_audit_keep();
"""
TRIGGERS = [("core_auditevent", "core_auditevent_no_truncate"), ("core_audithead", "core_audithead_no_truncate"),
            ("core_audithead", "core_audithead_no_delete")]


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)


def _switch(connection, state: str):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table, trigger in TRIGGERS:
                cursor.execute(f"ALTER TABLE {table} {state} TRIGGER {trigger}")


def allow_flush(connection):
    _switch(connection, "DISABLE")


def forbid_flush(connection):
    _switch(connection, "ENABLE")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]
    operations = [migrations.RunPython(up, down)]
