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


def image_bytes(fmt: str = "PNG", size=(16, 12), *, gps: bool = False, colour=(200, 40, 40)) -> bytes:
    """A real, decodable image (Pillow); with `gps`, an EXIF block carrying a GPS position and a camera."""
    import io

    from PIL import ExifTags, Image

    image = Image.new("RGB", size, colour)
    options = {}
    if gps:
        exif = Image.Exif()
        exif[ExifTags.Base.Make] = "PhoneMaker"
        gps_ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps_ifd[ExifTags.GPS.GPSLatitudeRef] = "N"
        gps_ifd[ExifTags.GPS.GPSLatitude] = (36.0, 5.0, 17.0)
        gps_ifd[ExifTags.GPS.GPSLongitudeRef] = "E"
        gps_ifd[ExifTags.GPS.GPSLongitude] = (111.0, 31.0, 4.0)
        options["exif"] = exif
    buf = io.BytesIO()
    image.save(buf, format=fmt, **options)
    return buf.getvalue()


def photo_upload(name: str = "photo.png", fmt: str = "PNG", **kw):
    """A real image as an uploaded file (SimpleUploadedFile)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    types = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
    return SimpleUploadedFile(name, image_bytes(fmt, **kw), content_type=types[fmt])


def sheet_rows(data: bytes) -> list[list]:
    """The rows of an .xlsx's first sheet (header first), as openpyxl reads them back."""
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    width = max((len(r) for r in rows), default=0)
    return [r + [None] * (width - len(r)) for r in rows]  # a row's empty last cells are not written


def registry_round_trip(client, name: str, unit_code: str, wipe) -> tuple[list, list]:
    """Export a registry's rows under a unit through /excel/<name>/export, `wipe()` them (the clean scope),
    import the exported file through /excel/<name>/import, export again: (first rows, second rows), each
    narrowed to the columns an import reads (export-only columns, such as a status, start afresh)."""
    import io

    from jiceng.core.excel import registries

    registry = registries()[name]
    keep = {c.header for c in registry.table.import_columns}

    def export():
        r = client.get(f"/excel/{name}/export?unit={unit_code}")
        if r.status_code != 200:
            raise AssertionError(f"export answered {r.status_code}")
        rows = sheet_rows(r.content)
        index = [i for i, h in enumerate(rows[0]) if h in keep]
        return [[row[i] for i in index] for row in rows], r.content

    first, data = export()
    if len(first) <= 1:
        raise AssertionError("nothing to round-trip")
    wipe()
    upload = io.BytesIO(data)
    upload.name = f"{name}.xlsx"
    r = client.post(f"/excel/{name}/import?unit={unit_code}", {"file": upload})
    if r.status_code != 302:
        raise AssertionError((r.status_code, r.context and r.context.get("errors")))
    second, _data = export()
    return first, second
