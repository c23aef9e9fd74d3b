"""Writing tables as CSV and XLSX: the one place every tabular export in Simpul goes through.

A cell whose text begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by spreadsheet
programs (OWASP "CSV injection": `=HYPERLINK(...)`, `=cmd|' /C calc'!A0`). Such text is written with a leading
`'`, which spreadsheets show as plain text. Real numbers (int, float, Decimal, numpy numbers) stay numbers, and text that is a
plain number ("-3.5", "+62") is left alone: a spreadsheet reads it as that number, never as a formula.

In XLSX every text cell is written as a string cell (never a formula), in addition to the prefix, so that a
spreadsheet re-saved as CSV stays harmless too.

- `neutralise(text)`: the text, prefixed with `'` when it would start a formula.
- `csv_bytes(header, rows, *, bom=False, lineterminator="\\r\\n")`: UTF-8 CSV.
- `xlsx_bytes(sheets)`: an XLSX workbook of one or more `Sheet`s.

Reading is here too, for every table anyone uploads (open data, the infrastructure registry's imports):
`read_upload(name, content)` gives a `Table` of a CSV (UTF-8, `,`/`;`/tab sniffed, cells kept as text) or an
XLSX file (first sheet, cells keep their types), or raises `TableError` with a translated reason: not UTF-8, not
a spreadsheet, no header, a nameless or repeated column, a row longer than the header, too many rows or columns,
too large. `upload_precheck(name, size)` says the same about size and type before the bytes are read.
"""

from __future__ import annotations

import csv
import io
import numbers
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zipfile import BadZipFile

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise(text: str) -> str:
    """`text` made safe to open in a spreadsheet program: prefixed with `'` when it would start a formula."""
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and value != value


def _csv_cell(value: Any) -> Any:
    if value is None or _is_nan(value):
        return ""
    if isinstance(value, numbers.Number):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return neutralise(str(value))


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, bom: bool = False,
              lineterminator: str = "\r\n") -> bytes:
    """The rows as UTF-8 CSV (with a byte-order mark for spreadsheet programs when `bom`)."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator=lineterminator)
    writer.writerow([_csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8")


@dataclass
class Sheet:
    title: str
    header: Sequence[Any]
    rows: Iterable[Sequence[Any]]


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if value is None or _is_nan(value):
        return None
    if isinstance(value, numbers.Number):
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value
    cell = WriteOnlyCell(sheet, value=neutralise(str(value)))
    cell.data_type = "s"
    return cell


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX workbook with one worksheet per `Sheet`; text is never written as a formula."""
    workbook = Workbook(write_only=True)
    for spec in sheets:
        sheet = workbook.create_sheet(title=spec.title[:31] or "data")
        sheet.append([_xlsx_cell(sheet, h) for h in spec.header])
        for row in spec.rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# -- reading ------------------------------------------------------------------------------------------------------

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_COLUMNS = 200
MAX_ROWS = 200_000
READABLE = ("csv", "xlsx")


class TableError(ValueError):
    """A translated message naming what is wrong with an uploaded file."""


@dataclass
class Table:
    columns: list[str]
    rows: list[dict[str, Any]]
    lines: list[int] = field(default_factory=list)  # for each row, its line in the file (the header is line 1)


def plain_value(value: Any) -> Any:
    """A cell as JSON-friendly data: Decimal as float, dates as ISO text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _header(raw: list[Any]) -> list[str]:
    columns = [str(c).strip() if c is not None else "" for c in raw]
    while columns and not columns[-1]:
        columns.pop()
    if not columns:
        raise TableError(_("The first row must hold the column names."))
    if len(columns) > MAX_COLUMNS:
        raise TableError(_("The file has more than {n} columns.").format(n=MAX_COLUMNS))
    for index, name in enumerate(columns, start=1):
        if not name:
            raise TableError(_("Column {n} has no name in the first row.").format(n=index))
    seen: set[str] = set()
    for name in columns:
        if name in seen:
            raise TableError(_("The column name \"{name}\" appears twice.").format(name=name))
        seen.add(name)
    return columns


def _cell(value: Any) -> Any:
    """CSV cells stay text (codes such as "16.06" or "0812..." must not become numbers); XLSX keeps its types."""
    if isinstance(value, str):
        return value.strip()
    return plain_value(value)


def read_csv(content: bytes) -> Table:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(_("The CSV file is not UTF-8 text. Save it as \"CSV UTF-8\" and upload it again.")) from None
    if "\x00" in text:
        raise TableError(_("This is not a CSV text file."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        columns = _header(next(reader, []))
        rows = []
        lines: list[int] = []
        for number, raw in enumerate(reader, start=2):
            if not any(v.strip() for v in raw):
                continue
            if len(raw) > len(columns) and any(v.strip() for v in raw[len(columns):]):
                raise TableError(_("Row {n} has more values than there are columns.").format(n=number))
            rows.append({c: _cell(raw[i]) if i < len(raw) else None for i, c in enumerate(columns)})
            lines.append(number)
            if len(rows) > MAX_ROWS:
                raise TableError(_("The file has more than {n} rows.").format(n=MAX_ROWS))
    except csv.Error as exc:
        raise TableError(_("The CSV file cannot be read: {error}").format(error=exc)) from None
    return Table(columns, rows, lines)


def read_xlsx(content: bytes) -> Table:
    if not content.startswith(b"PK"):
        raise TableError(_("This is not an XLSX (Excel) file."))
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError):
        raise TableError(_("This is not an XLSX (Excel) file, or it is damaged.")) from None
    sheet = workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    columns = _header(list(next(values, []) or []))
    rows = []
    lines: list[int] = []
    for number, raw in enumerate(values, start=2):
        if not any(v not in (None, "") for v in raw):
            continue
        rows.append({c: _cell(raw[i]) if i < len(raw) else None for i, c in enumerate(columns)})
        lines.append(number)
        if len(rows) > MAX_ROWS:
            raise TableError(_("The file has more than {n} rows.").format(n=MAX_ROWS))
    workbook.close()
    return Table(columns, rows, lines)


def upload_precheck(name: str, size: int, *, max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """The format ("csv" or "xlsx") of an upload named `name` of `size` bytes, before reading it; TableError with
    a translated reason otherwise (forms call it in `clean_<field>`, `read_upload` again on the bytes)."""
    if size > max_bytes:
        raise TableError(_("The file is larger than {mb} MB.").format(mb=max_bytes // (1024 * 1024)))
    if size <= 0:
        raise TableError(_("The file is empty."))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in READABLE:
        raise TableError(_("Upload a CSV or XLSX file."))
    return extension


def read_upload(name: str, content: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES) -> tuple[str, Table]:
    """(format, table) of an uploaded file; TableError with a translated reason when it is not acceptable."""
    extension = upload_precheck(name, len(content), max_bytes=max_bytes)
    table = read_csv(content) if extension == "csv" else read_xlsx(content)
    if not table.rows:
        raise TableError(_("The file has column names but no rows of data."))
    return extension, table
