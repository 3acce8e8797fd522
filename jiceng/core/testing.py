"""Test helpers shared by every app: audit-trigger toggles, query-count pinning that prints SQL."""

import contextlib

from django.db import connection
from django.test.utils import CaptureQueriesContext


@contextlib.contextmanager
def audit_writable():
    """Lift the append-only triggers for a tamper test, then put them back."""
    from importlib import import_module

    mig = import_module("jiceng.core.migrations.0002_audit_append_only")
    with connection.schema_editor() as editor:
        mig.down(None, editor)
    try:
        yield
    finally:
        with connection.schema_editor() as editor:
            mig.up(None, editor)


@contextlib.contextmanager
def assert_queries(expected: int, *, label: str = ""):
    """Fail when the block runs a different number of queries, printing each statement."""
    with CaptureQueriesContext(connection) as ctx:
        yield ctx
    if len(ctx.captured_queries) != expected:
        listing = "\n".join(f"{i + 1}. {q['sql']}" for i, q in enumerate(ctx.captured_queries))
        raise AssertionError(f"{label}: expected {expected} queries, ran {len(ctx.captured_queries)}:\n{listing}")


def xlsx_upload(rows, *, name: str = "upload.xlsx"):
    """An in-memory .xlsx file (first row = header) to post as an upload or pass to an importer."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    buf.name = name
    return buf
