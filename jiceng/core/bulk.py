"""Fast bulk inserts for the bulk services (demo city, imports): ids reserved up front, rows sent with
executemany, no per-field ORM compilation. Callers validate first; this only writes.

Must run inside the service's transaction: on SQLite the write lock (IMMEDIATE transactions) makes
max(id) safe; on PostgreSQL ids come from the table's own sequence.
"""

import datetime
import decimal
import functools

from django.db import connection, models


def reserve_ids(model, n: int) -> list[int]:
    if n <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # nosec B608  # identifiers from model metadata, values bound as parameters
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + n))


def adapt(model, field_name: str, value):
    """A Python value as the database wants it for this column (dates and datetimes chiefly)."""
    field = model._meta.get_field(field_name)
    return field.get_db_prep_save(value, connection)


_UTC = datetime.UTC
_TEXT = (models.CharField, models.TextField)
_PLAIN = (models.IntegerField, models.BooleanField, models.FloatField, models.ForeignKey)


def _sqlite_datetime(value):
    """What Django's SQLite backend stores for an aware datetime (naive UTC text), without its
    per-call settings look-ups: the demo city converts millions of them."""
    if value is None:
        return None
    if value.tzinfo is None:
        return str(value)
    if value.tzinfo is not _UTC:
        value = value.astimezone(_UTC)
    return str(value)[:-6]  # "… +00:00" off


@functools.cache
def converter(model, field_name: str, vendor: str):
    """A function value -> database value for one column, as fast as the column type allows; any
    type without a fast path goes through the field's own get_db_prep_save."""
    field = model._meta.get_field(field_name)
    if isinstance(field, models.DateTimeField):
        return _sqlite_datetime if vendor == "sqlite" else (lambda v: v)
    if isinstance(field, models.DateField):
        return (lambda v: None if v is None else str(v)) if vendor == "sqlite" else (lambda v: v)
    if isinstance(field, _TEXT):
        return lambda v: v if v is None or type(v) is str else str(v)  # choices' enum members too
    if isinstance(field, _PLAIN):
        return lambda v: v
    return functools.partial(_prep, field)


def _prep(field, value):
    return field.get_db_prep_save(value, connection)


@functools.cache
def _row_maker(model, vendor: str):
    """(fields, row function) for inserting `model` instances: every concrete field but the key."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    convert = [converter(model, f.name, vendor) for f in fields]
    stamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]

    def row(o):
        for f in stamped:
            f.pre_save(o, True)
        return tuple(c(getattr(o, f.attname)) for c, f in zip(convert, fields, strict=True))

    return fields, row


def insert_object(obj) -> None:
    """INSERT one new model instance with one plain statement and set its primary key: Model.save()
    without the query compiler and signals, for hot paths (case intake). Only for models with no
    save() override or signal receivers that matter."""
    model = type(obj)
    fields, row = _row_maker(model, connection.vendor)
    qn = connection.ops.quote_name
    sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608  # nosec B608  # identifiers from model metadata, values bound as parameters
           f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {qn(model._meta.pk.column)}")
    with connection.cursor() as cursor:
        cursor.execute(sql, row(obj))
        obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = connection.alias


def insert_objects(model, objs, *, batch: int = 5000) -> int:
    """INSERT unsaved model instances (every concrete field but the primary key, which stays unset on
    the objects) with executemany and per-column converters. Field defaults are on the objects already
    (the model's constructor sets them); auto_now(_add) fields are filled by their pre_save."""
    fields, row = _row_maker(model, connection.vendor)
    return insert_rows(model, [f.name for f in fields], (row(o) for o in objs), batch=batch)


def insert_rows(model, fields: list[str], rows, *, batch: int = 5000) -> int:
    """INSERT rows (tuples in the order of `fields`, already database-ready). Returns the count."""
    opts = model._meta
    columns = ", ".join(connection.ops.quote_name(opts.get_field(f).column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(opts.db_table)} ({columns}) VALUES ({placeholders})"  # nosec B608  # identifiers from model metadata, values bound as parameters
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



def insert_values(model, fields: list[str], rows, *, per_statement: int = 5000) -> int:
    """INSERT rows (tuples in the order of `fields`, database-ready) many to a statement, for hot paths
    of tens of thousands of rows (a city's payroll). On PostgreSQL one statement per `per_statement` rows
    with one array parameter per column: INSERT … SELECT * FROM unnest(%s::type[], …), whatever the
    number of rows (executemany runs the statement once a row; a VALUES list of thousands of
    placeholders is slow to bind). Elsewhere (SQLite: tests, the demo) `insert_rows`. Returns the count."""
    if connection.vendor != "postgresql":
        return insert_rows(model, fields, rows)
    opts = model._meta
    qn = connection.ops.quote_name
    columns = [opts.get_field(f) for f in fields]
    arrays = ", ".join(f"%s::{c.db_type(connection)}[]" for c in columns)
    sql = (f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(c.column) for c in columns)}) "  # nosec B608  # identifiers and types from model metadata, values bound as parameters
           f"SELECT * FROM unnest({arrays})")
    rows = list(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start:start + per_statement]
            cursor.execute(sql, [_array_literal(column) for column in zip(*chunk, strict=True)])
    return len(rows)


_SCALARS = (str, int, float, decimal.Decimal, datetime.date)  # bool is an int, datetime a date


def _array_literal(values) -> str:
    """A column of values as a PostgreSQL array literal, every element double-quoted (backslash and
    quote escaped) or NULL, cast to the column's type by the statement: one text parameter instead
    of one per value (which the driver would dump one by one). Plain values only (no JSON)."""
    out = []
    for v in values:
        if v is None:
            out.append("NULL")
        elif isinstance(v, _SCALARS):
            out.append('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"')
        else:
            raise TypeError(f"insert_values takes plain values, not {type(v).__name__}")
    return "{" + ",".join(out) + "}"
