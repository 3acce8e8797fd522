"""Excel import and export (H5): read a sheet into dict rows with row numbers, collect row-level
errors, and write sheets. Imports are all or nothing: the caller validates every row, raises one
ValidationFailed listing every bad row and column, and only then writes.

The one place where workbooks are opened and written (issue 10, items 9 and 10):
- `open_workbook` checks an upload's size, its uncompressed size (a zip bomb declares gigabytes) and
  its row count before openpyxl parses anything;
- `append_row` writes every string that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`
  first) as a text cell, so an exported name such as `=HYPERLINK(…)` stays text.
"""

import datetime
import io
import re
import zipfile
import zlib

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.rich_text import CellRichText

from jiceng.core.errors import TooLarge, ValidationFailed
from jiceng.core.limits import read_upload

MAX_ROWS = 200_000
MB = 1024 * 1024
MAX_XLSX_BYTES = 10 * MB
MAX_XLSX_UNCOMPRESSED = 150 * MB
MAX_XLSX_PARTS = 2000
FORMULA_START = ("=", "+", "-", "@")
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")


def open_workbook(upload, *, max_rows: int = MAX_ROWS, max_bytes: int = MAX_XLSX_BYTES, field: str = "file"):
    """An uploaded .xlsx (file or bytes) opened read-only by openpyxl, after checking it without parsing:
    its size, the sum of its parts' uncompressed sizes (what unzipping can produce at most: zipfile reads
    no more than a part declares) and the rows of each sheet, counted on the stream."""
    data = upload if isinstance(upload, bytes) else read_upload(upload, max_bytes=max_bytes, field=field)
    if len(data) > max_bytes:
        raise TooLarge(_("A file may be at most %(mb)d MB.") % {"mb": max_bytes // MB}, field=field)
    not_xlsx = ValidationFailed(_("The file is not an Excel workbook (.xlsx)."), code="not_xlsx", field=field)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise not_xlsx from None
    if len(parts) > MAX_XLSX_PARTS or sum(p.file_size for p in parts) > MAX_XLSX_UNCOMPRESSED:
        raise TooLarge(_("The workbook unpacks to more than %(mb)d MB: split it into smaller files.")
                       % {"mb": MAX_XLSX_UNCOMPRESSED // MB}, field=field, code="xlsx_too_large")
    try:
        for part in parts:
            if part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml"):
                rows, tail = 0, b""
                with archive.open(part) as stream:
                    while chunk := stream.read(1 << 20):
                        block = tail + chunk
                        rows += len(_ROW_TAG.findall(block))
                        tail = block[-64:]
                        rows -= len(_ROW_TAG.findall(tail))  # counted again with the next chunk
                        if rows > max_rows + 1:
                            raise TooLarge(_("At most %(n)d rows per file.") % {"n": max_rows}, field=field,
                                           code="too_many_rows")
                rows += len(_ROW_TAG.findall(tail))
                if rows > max_rows + 1:
                    raise TooLarge(_("At most %(n)d rows per file.") % {"n": max_rows}, field=field,
                                   code="too_many_rows")
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error):
        raise not_xlsx from None
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a non-xlsx file
        raise not_xlsx from None


def safe_value(value):
    """The value to append: a string a spreadsheet would take for a formula becomes a text cell (an
    inline string: openpyxl would store a plain string starting with `=` as a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        if ILLEGAL_CHARACTERS_RE.search(value):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return CellRichText([value[:32767]])
    return value


def sheet_title(title) -> str:
    """A sheet title from a user string: without the characters Excel refuses, at most 31 long."""
    return re.sub(r"[\\/*?:\[\]]", "", str(title or ""))[:31].strip("'") or "Sheet1"


def append_row(sheet, values) -> None:
    """Every export writes its rows through here (write-only and normal sheets alike)."""
    sheet.append([safe_value(v) for v in values])


def workbook_bytes(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


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
    book = open_workbook(upload)
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
    sheet = book.create_sheet(title=sheet_title(title))
    append_row(sheet, headers)
    for row in rows:
        append_row(sheet, row)
    return workbook_bytes(book)


# --- a plain table written directly, for exports of tens of thousands of rows --------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>')
# Style 0: general; style 1: "0.00" (numFmtId 2), for amounts in yuan and fen.
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text_cell(ref: str, value: str) -> str:
    from xml.sax.saxutils import escape  # nosec B406  # escaping our own output, nothing is parsed

    value = ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'


def write_xlsx_table(headers: list[str], rows, *, title: str = "Sheet1") -> bytes:
    """A one-sheet workbook of a plain table, written as SpreadsheetML directly: for exports of tens of
    thousands of rows (a city's payroll), where openpyxl spends about a tenth of a millisecond a cell.
    Cells: `str` as inline text (never a formula, whatever it starts with; characters XML refuses are
    dropped), `int` as a whole number, `Decimal` as an exact number shown with two decimals, None as
    empty. Any other type is refused (use `write_xlsx`)."""
    from decimal import Decimal
    from xml.sax.saxutils import quoteattr  # nosec B406  # escaping our own output, nothing is parsed

    letters = [_column_letter(i) for i in range(len(headers))]
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for number, values in enumerate(_chain_header(headers, rows), start=1):
        cells = []
        for letter, value in zip(letters, values, strict=True):
            ref = f"{letter}{number}"
            kind = type(value)
            if value is None:
                continue
            if kind is str:
                cells.append(_text_cell(ref, value))
            elif kind is int:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif kind is Decimal and value.is_finite():
                cells.append(f'<c r="{ref}" s="1"><v>{value:f}</v></c>')
            else:
                raise TypeError(f"write_xlsx_table writes str, int and Decimal cells, not {kind.__name__}")
        out.append(f'<row r="{number}">{"".join(cells)}</row>')
    out.append("</sheetData></worksheet>")
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                f'<sheet name={quoteattr(sheet_title(title))} sheetId="1" r:id="rId1"/></sheets></workbook>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        archive.writestr("xl/worksheets/sheet1.xml", "".join(out))
    return buffer.getvalue()


def _chain_header(headers, rows):
    yield [str(h) for h in headers]
    yield from rows
