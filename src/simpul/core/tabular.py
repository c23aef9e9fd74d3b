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
"""

from __future__ import annotations

import csv
import io
import numbers
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone

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
    from openpyxl.cell import WriteOnlyCell

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
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for spec in sheets:
        sheet = workbook.create_sheet(title=spec.title[:31] or "data")
        sheet.append([_xlsx_cell(sheet, h) for h in spec.header])
        for row in spec.rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
