"""Bump the geometry version in the database itself whenever a grid is inserted, deleted, or its geometry
changes, whichever code path does it (orgs services, bulk creates, raw updates). Each process compares
one primary-key row with the version its grid index was built from (jiceng/network/routing.py)."""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION network_grid_geometry_bump() RETURNS trigger AS $$
BEGIN
  INSERT INTO network_geometryversion (id, version, changed_at, note)
  VALUES (1, 1, clock_timestamp(), 'grid geometry')
  ON CONFLICT (id) DO UPDATE SET version = network_geometryversion.version + 1, changed_at = clock_timestamp(),
                                 note = 'grid geometry';
  RETURN NULL;
END; $$ LANGUAGE plpgsql;
CREATE TRIGGER network_grid_insert AFTER INSERT ON orgs_unit FOR EACH ROW
  WHEN (NEW.kind = 'grid') EXECUTE FUNCTION network_grid_geometry_bump();
CREATE TRIGGER network_grid_update AFTER UPDATE ON orgs_unit FOR EACH ROW
  WHEN ((NEW.kind = 'grid' OR OLD.kind = 'grid')
        AND (NEW.geom IS DISTINCT FROM OLD.geom OR NEW.kind IS DISTINCT FROM OLD.kind))
  EXECUTE FUNCTION network_grid_geometry_bump();
CREATE TRIGGER network_grid_delete AFTER DELETE ON orgs_unit FOR EACH ROW
  WHEN (OLD.kind = 'grid') EXECUTE FUNCTION network_grid_geometry_bump();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS network_grid_insert ON orgs_unit;
DROP TRIGGER IF EXISTS network_grid_update ON orgs_unit;
DROP TRIGGER IF EXISTS network_grid_delete ON orgs_unit;
DROP FUNCTION IF EXISTS network_grid_geometry_bump();
"""
_SQLITE_BODY = (
    "BEGIN INSERT INTO network_geometryversion (id, version, changed_at, note) "
    "VALUES (1, 1, strftime('%Y-%m-%d %H:%M:%f', 'now'), 'grid geometry') "
    "ON CONFLICT(id) DO UPDATE SET version = version + 1, changed_at = excluded.changed_at, note = excluded.note; END;"
)
SQLITE_UP = [
    "CREATE TRIGGER IF NOT EXISTS network_grid_insert AFTER INSERT ON orgs_unit FOR EACH ROW "
    "WHEN NEW.kind = 'grid' " + _SQLITE_BODY,
    "CREATE TRIGGER IF NOT EXISTS network_grid_update AFTER UPDATE ON orgs_unit FOR EACH ROW "
    "WHEN (NEW.kind = 'grid' OR OLD.kind = 'grid') AND (NEW.geom IS NOT OLD.geom OR NEW.kind IS NOT OLD.kind) "
    + _SQLITE_BODY,
    "CREATE TRIGGER IF NOT EXISTS network_grid_delete AFTER DELETE ON orgs_unit FOR EACH ROW "
    "WHEN OLD.kind = 'grid' " + _SQLITE_BODY,
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS network_grid_insert;", "DROP TRIGGER IF EXISTS network_grid_update;",
               "DROP TRIGGER IF EXISTS network_grid_delete;"]


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial"), ("orgs", "0002_initial")]
    operations = [migrations.RunPython(up, down)]
