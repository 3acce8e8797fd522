"""Fast bulk inserts for the bulk services (demo city, imports): ids reserved up front, rows sent with
executemany, no per-field ORM compilation. Callers validate first; this only writes.

Must run inside the service's transaction: on SQLite the write lock (IMMEDIATE transactions) makes
max(id) safe; on PostgreSQL ids come from the table's own sequence.
"""

from django.db import connection


def reserve_ids(model, n: int) -> list[int]:
    if n <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)", [n])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + n))


def adapt(model, field_name: str, value):
    """A Python value as the database wants it for this column (dates and datetimes chiefly)."""
    field = model._meta.get_field(field_name)
    return field.get_db_prep_save(value, connection)


def insert_rows(model, fields: list[str], rows, *, batch: int = 5000) -> int:
    """INSERT rows (tuples in the order of `fields`, already database-ready). Returns the count."""
    opts = model._meta
    columns = ", ".join(connection.ops.quote_name(opts.get_field(f).column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(opts.db_table)} ({columns}) VALUES ({placeholders})"
    count = 0
    chunk = []
    with connection.cursor() as cursor:
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count
