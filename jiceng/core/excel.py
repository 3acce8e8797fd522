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
import math
import re
import zipfile
import zlib

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook
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
    """The one writer of a one-sheet export (see `write_xlsx_table`): kept under its old name."""
    return write_xlsx_table(headers, rows, title=title)


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
# Style 0: general; 1: "0.00" (numFmtId 2), for amounts in yuan and fen; 2: a date (numFmtId 14);
# 3: a date and time (numFmtId 22).
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


_EPOCH = datetime.datetime(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year bug)


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
    """The one Excel writer: a one-sheet workbook of a plain table, written as SpreadsheetML directly
    (openpyxl spends about a tenth of a millisecond a cell; a city's payroll is tens of thousands of rows).
    Cells: `str` (and lazy translations) as inline text, never a formula whatever it starts with, the
    characters XML refuses (control characters) dropped; `int`/`float` as numbers, `Decimal` as an exact
    number shown with two decimals, `bool` as TRUE/FALSE, `date`/`datetime` as dates (a datetime in the
    current time zone, without it), None and "" as empty; anything else as its text."""
    from decimal import Decimal
    from xml.sax.saxutils import quoteattr  # nosec B406  # escaping our own output, nothing is parsed

    letters = [_column_letter(i) for i in range(len(headers))]
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for number, values in enumerate(_chain_header(headers, rows), start=1):
        cells = []
        for i, value in enumerate(values):
            ref = f"{letters[i] if i < len(letters) else _column_letter(i)}{number}"
            kind = type(value)
            if value is None or value == "":
                continue  # an empty cell, as openpyxl writes it
            if kind is str:
                cells.append(_text_cell(ref, value))
            elif kind is int:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif kind is Decimal:
                if value.is_finite():
                    cells.append(f'<c r="{ref}" s="1"><v>{value:f}</v></c>')
            elif kind is bool:
                cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
            elif kind is float:
                if math.isfinite(value):
                    cells.append(f'<c r="{ref}"><v>{value!r}</v></c>')
            elif kind is datetime.datetime:
                if timezone.is_aware(value):
                    value = timezone.localtime(value).replace(tzinfo=None)
                serial = (value - _EPOCH).total_seconds() / 86400
                cells.append(f'<c r="{ref}" s="3"><v>{serial!r}</v></c>')
            elif kind is datetime.date:
                cells.append(f'<c r="{ref}" s="2"><v>{(value - _EPOCH.date()).days}</v></c>')
            elif isinstance(value, int):  # IntegerChoices members
                cells.append(f'<c r="{ref}"><v>{int(value)}</v></c>')
            else:
                cells.append(_text_cell(ref, str(value)))
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


# --- one declarative table for every registry (H5) -------------------------------------------------
#
# A registry says once what its sheet is: `Table([Column(key, header, field, …), …])`. The same spec
# writes the export (`Table.export`) and reads the import (`Table.import_file`): every row is parsed and
# checked against the columns' fields (text lengths, number ranges, dates, choices by value or label),
# every problem is collected as {row, column, message}, and only a sheet without one is written, row
# by row through the app's own service, inside one transaction; a row the service refuses is reported
# like a parse error and rolls the whole file back. Apps list their registries in `<app>/excel.py`
# (`REGISTRIES`); core serves /excel/<name>/export and /excel/<name>/import for each.

MAX_IMPORT_ROWS = 5000


class Field:
    """How a column's cell is read (`parse`, raising ValueError with a user message) and written
    (`format`)."""

    def parse(self, value):
        return value

    def format(self, value):
        return value


class Text(Field):
    def __init__(self, max_length: int):
        self.max_length = max_length

    def parse(self, value):
        if isinstance(value, datetime.datetime | datetime.date):
            value = value.isoformat()
        text = str(value).strip()
        if len(text) > self.max_length:
            raise ValueError(_("At most %(n)d characters.") % {"n": self.max_length})
        return text


class Integer(Field):
    def __init__(self, min_value: int | None = None, max_value: int | None = None):
        self.min_value, self.max_value = min_value, max_value

    def parse(self, value):
        try:
            number = float(str(value).strip()) if not isinstance(value, int | float) else value
        except ValueError:
            raise ValueError(_("Not a whole number: “%(v)s”.") % {"v": value}) from None
        if isinstance(value, bool) or not math.isfinite(number) or int(number) != number:
            raise ValueError(_("Not a whole number: “%(v)s”.") % {"v": value})
        _check_range(number, self.min_value, self.max_value)
        return int(number)


class Number(Field):
    def __init__(self, min_value: float | None = None, max_value: float | None = None):
        self.min_value, self.max_value = min_value, max_value

    def parse(self, value):
        try:
            number = float(str(value).strip()) if not isinstance(value, int | float) else float(value)
        except ValueError:
            raise ValueError(_("Not a number: “%(v)s”.") % {"v": value}) from None
        if isinstance(value, bool) or not math.isfinite(number):
            raise ValueError(_("Not a number: “%(v)s”.") % {"v": value})
        _check_range(number, self.min_value, self.max_value)
        return number


def _check_range(number, low, high):
    if low is not None and number < low:
        raise ValueError(_("At least %(n)s.") % {"n": low})
    if high is not None and number > high:
        raise ValueError(_("At most %(n)s.") % {"n": high})


class Date(Field):
    def parse(self, value):
        try:
            return as_date(value)
        except (TypeError, ValueError):
            raise ValueError(_("Not a date (YYYY-MM-DD): “%(v)s”.") % {"v": value}) from None


class DateTime(Field):
    def parse(self, value):
        if isinstance(value, datetime.datetime):
            moment = value
        else:
            try:
                moment = datetime.datetime.fromisoformat(str(value).strip().replace("/", "-"))
            except ValueError:
                raise ValueError(_("Not a date and time (YYYY-MM-DD HH:MM): “%(v)s”.") % {"v": value}) from None
        moment = moment.replace(second=round(moment.second + moment.microsecond / 1e6) % 60, microsecond=0) \
            if moment.microsecond else moment  # Excel's serial carries float noise
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Choice(Field):
    """One of a model's choices: read by its value or its label (zh-Hans or English), written as its label."""

    def __init__(self, choices, *, extra: dict | None = None):
        from django.utils import translation

        self.choices = list(choices.choices if hasattr(choices, "choices") else choices)
        self.lookup = {}
        for value, label in self.choices:
            self.lookup[str(value).lower()] = value
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    self.lookup[str(label).strip().lower()] = value
        for key, value in (extra or {}).items():
            self.lookup[key.lower()] = value
        self.labels = dict(self.choices)

    def parse(self, value):
        key = str(value).strip().lower()
        if isinstance(value, float) and value.is_integer():
            key = str(int(value))
        if key not in self.lookup:
            raise ValueError(_("Unknown value “%(v)s”; one of: %(choices)s.")
                             % {"v": value, "choices": "、".join(str(label) for _v, label in self.choices)})
        return self.lookup[key]

    def format(self, value):
        return str(self.labels.get(value, value)) if value is not None else None


class Boolean(Field):
    TRUE = {"是", "true", "1", "yes", "y", "√", "在"}
    FALSE = {"否", "false", "0", "no", "n", "", "×"}

    def parse(self, value):
        key = str(value).strip().lower()
        if isinstance(value, bool):
            return value
        if key in self.TRUE:
            return True
        if key in self.FALSE:
            return False
        raise ValueError(_("Write 是 or 否: “%(v)s”.") % {"v": value})

    def format(self, value):
        return None if value is None else ("是" if value else "否")


class Column:
    """One column: its key (the service's argument or the row dict's key), its header (zh-Hans, as the
    sheet shows it; the key and `aliases` are read too), how its cells are read and written, whether an
    import needs it, and how an export gets it from an object (`get`: a callable or a dotted attribute;
    default the key). `export_only` columns (ids, computed figures) are written and ignored on import;
    `import_only` ones are read and never written."""

    def __init__(self, key: str, header: str, field: Field | None = None, *, required: bool = False, get=None,
                 aliases: tuple = (), default=None, export_only: bool = False, import_only: bool = False):
        self.key, self.header, self.field = key, header, field or Text(200)
        self.required, self.aliases, self.default = required, aliases, default
        self.export_only, self.import_only = export_only, import_only
        if get is None:
            get = key
        if isinstance(get, str):
            parts = get.split(".")

            def get(obj, parts=parts):
                for part in parts:
                    obj = getattr(obj, part) if obj is not None else None
                return obj
        self.get = get


class Table:
    def __init__(self, columns: list[Column], *, title: str = "Sheet1", max_rows: int = MAX_IMPORT_ROWS):
        self.columns, self.title, self.max_rows = columns, title, max_rows
        self.by_key = {c.key: c for c in columns}

    @property
    def export_columns(self):
        return [c for c in self.columns if not c.import_only]

    @property
    def import_columns(self):
        return [c for c in self.columns if not c.export_only]

    def export(self, objects, *, title: str | None = None) -> bytes:
        columns = self.export_columns
        return write_xlsx([c.header for c in columns],
                          ([c.field.format(c.get(obj)) for c in columns] for obj in objects),
                          title=title or self.title)

    def header(self, key: str) -> str:
        column = self.by_key.get(key)
        return column.header if column else ""

    def parse(self, upload) -> list[tuple[int, dict]]:
        """Every row as (row number, {key: value}), or one ValidationFailed listing every problem."""
        rows, errors = self.read(upload)
        errors.raise_if_any()
        return rows

    def read(self, upload) -> tuple[list[tuple[int, dict]], "RowErrors"]:
        """The rows that parse cleanly as (row number, {key: value}), and the problems of the others, not yet
        raised: a bulk importer adds its own checks of the good rows (parents, duplicates, scope) to the same
        list and raises once, so the user sees every problem of the file at once."""
        columns = self.import_columns
        rows, present = read_rows(upload, {c.key: (c.header, c.key, *c.aliases) for c in columns})
        require_columns(present, {c.key: c.header for c in columns if c.required})
        errors = RowErrors()
        if not rows:
            errors.add(2, columns[0].header, _("The sheet has no data rows."))
        if len(rows) > self.max_rows:
            raise TooLarge(_("At most %(n)d rows per file.") % {"n": self.max_rows}, field="file",
                           code="too_many_rows")
        out = []
        for number, raw in rows:
            row, bad = {}, False
            for c in columns:
                value = raw.get(c.key)
                if value is None or (isinstance(value, str) and not value.strip()):
                    if c.required:
                        errors.add(number, c.header, _("This column is required."))
                        bad = True
                    row[c.key] = c.default
                    continue
                try:
                    row[c.key] = c.field.parse(value)
                except ValueError as exc:
                    errors.add(number, c.header, exc.args[0] if exc.args else _("Invalid value."))
                    bad = True
            if not bad:
                out.append((number, row))
        return out, errors

    def import_file(self, upload, write) -> int:
        """Parse the whole sheet, then call `write(row)` (one service call) for each row inside one
        transaction; any refusal is collected with its row and column, and then nothing is kept."""
        from django.db import transaction

        from jiceng.core.errors import ServiceError

        rows = self.parse(upload)
        errors = RowErrors()
        with transaction.atomic():
            for number, row in rows:
                try:
                    with transaction.atomic():
                        write(row)
                except ServiceError as exc:
                    errors.add(number, self.header(exc.field or "") or self.columns[0].header, exc.message)
            errors.raise_if_any()  # inside the transaction: rolls back every row written
        return len(rows)


class Registry:
    """One registry's Excel: `name` (its URL), `title`, its `table`, `scope(user, code)` (the unit named
    by ?unit=, by the registry's own rule: NotFound outside the user's area), the `list_url` of its list page
    (a function of the unit), `rows(user, unit)` (what an export lists: already narrowed to the unit's
    subtree, which the user may read), and `write(actor, unit, row)` (one service call per imported row;
    None for an export-only registry) or `importer(actor, unit, upload)` (a bulk service that reads the
    table itself); `capability` is what an import needs on the unit, `read_capability` what an export needs
    (a roster of people's records asks more than reading the unit)."""

    def __init__(self, name: str, title, table: Table, *, scope, rows, write=None, capability: str = "write",
                 list_url=None, importer=None, read_capability: str = "read"):
        self.name, self.title, self.table, self.scope = name, title, table, scope
        self._importer = importer
        self.rows, self.write, self.capability = rows, write, capability
        self.read_capability = read_capability
        self.list_url = list_url

    @property
    def imports(self) -> bool:
        return self.write is not None or self._importer is not None

    def import_file(self, actor, unit, upload) -> int:
        """All rows or none; a ValidationFailed lists every problem as {row, column, message}."""
        if self._importer is not None:  # a registry whose rows are written in bulk by its own service
            return self._importer(actor, unit, upload)
        return self.table.import_file(upload, lambda row: self.write(actor, unit, row))


def registries() -> dict[str, Registry]:
    """Every app's registries (`REGISTRIES` in `<app>/excel.py`), by name."""
    from jiceng.core.discovery import app_modules

    out = {}
    for _cfg, module in app_modules("excel"):
        for registry in getattr(module, "REGISTRIES", ()):
            out[registry.name] = registry
    return out
