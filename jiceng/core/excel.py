"""Excel import and export (H5): read a sheet into dict rows with row numbers, collect row-level
errors, and write sheets. Imports are all or nothing: the caller validates every row, raises one
ValidationFailed listing every bad row and column, and only then writes."""

import datetime
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from jiceng.core.errors import ValidationFailed

MAX_ROWS = 200_000


class RowErrors:
    def __init__(self):
        self.errors = []

    def add(self, row: int, column: str, message):
        self.errors.append({"row": row, "column": column, "message": str(message)})

    def raise_if_any(self):
        if self.errors:
            first = self.errors[0]
            raise ValidationFailed(
                _("%(n)d problem(s) in the file, nothing was imported. First: row %(row)d, column “%(col)s”: %(msg)s")
                % {"n": len(self.errors), "row": first["row"], "col": first["column"], "msg": first["message"]},
                code="import_rejected", errors=self.errors)


def read_rows(upload, columns: dict[str, tuple[str, ...]]) -> tuple[list[tuple[int, dict]], set[str]]:
    """Rows of the first sheet as (row number, {key: value}), and the keys whose column is present. `columns` maps a key to the headers that
    name it (Chinese and English). Unknown headers are ignored; missing required ones are reported."""
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a non-xlsx file
        raise ValidationFailed(_("The file is not an Excel workbook (.xlsx)."), code="not_xlsx") from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        header = next(rows)
    except StopIteration:
        raise ValidationFailed(_("The sheet is empty."), code="empty") from None
    lookup = {}
    for key, names in columns.items():
        for name in names:
            lookup[name.strip().lower()] = key
    index = {}
    for i, cell in enumerate(header):
        key = lookup.get(str(cell or "").strip().lower())
        if key:
            index[key] = i
    out = []
    for number, values in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            raise ValidationFailed(_("At most %(n)d rows per file.") % {"n": MAX_ROWS}, code="too_many_rows")
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        row = {}
        for key, i in index.items():
            value = values[i] if i < len(values) else None
            if isinstance(value, str):
                value = value.strip()
            elif isinstance(value, float) and value.is_integer():
                value = int(value)
            row[key] = value
        out.append((number, row))
    book.close()
    return out, set(index)


def require_columns(present: set, required: dict[str, str]):
    missing = [label for key, label in required.items() if key not in present]
    if missing:
        raise ValidationFailed(_("Missing column(s): %(cols)s") % {"cols": ", ".join(missing)}, code="missing_columns")


def as_date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).replace("/", "-"))


def write_xlsx(headers: list[str], rows, *, title: str = "Sheet1") -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
