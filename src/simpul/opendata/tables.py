"""One table, three formats: write CSV/XLSX/JSON from rows, and read an uploaded CSV or XLSX (checked)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from simpul.core.tabular import Sheet, csv_bytes, xlsx_bytes

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_COLUMNS = 200
MAX_ROWS = 200_000
PREVIEW_ROWS = 10


class TableError(ValueError):
    """A translated message naming what is wrong with an uploaded file."""


@dataclass
class Table:
    columns: list[str]
    rows: list[dict[str, Any]]


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def to_csv(table: Table) -> bytes:
    return csv_bytes(table.columns, ([_plain(row.get(c)) for c in table.columns] for row in table.rows),
                     lineterminator="\n")


def to_json(table: Table) -> bytes:
    rows = [{c: _plain(row.get(c)) for c in table.columns} for row in table.rows]
    return json.dumps({"columns": table.columns, "rows": rows}, ensure_ascii=False).encode("utf-8")


def to_xlsx(table: Table, *, title: str = "data") -> bytes:
    return xlsx_bytes([Sheet(title, table.columns, ([_plain(row.get(c)) for c in table.columns]
                                                   for row in table.rows))])


RENDERERS: dict[str, Callable[..., bytes]] = {"csv": to_csv, "json": to_json, "xlsx": to_xlsx}


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
    return _plain(value)


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
        for number, raw in enumerate(reader, start=2):
            if not any(v.strip() for v in raw):
                continue
            if len(raw) > len(columns) and any(v.strip() for v in raw[len(columns):]):
                raise TableError(_("Row {n} has more values than there are columns.").format(n=number))
            rows.append({c: _cell(raw[i]) if i < len(raw) else None for i, c in enumerate(columns)})
            if len(rows) > MAX_ROWS:
                raise TableError(_("The file has more than {n} rows.").format(n=MAX_ROWS))
    except csv.Error as exc:
        raise TableError(_("The CSV file cannot be read: {error}").format(error=exc)) from None
    return Table(columns, rows)


def read_xlsx(content: bytes) -> Table:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

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
    for raw in values:
        if not any(v not in (None, "") for v in raw):
            continue
        rows.append({c: _cell(raw[i]) if i < len(raw) else None for i, c in enumerate(columns)})
        if len(rows) > MAX_ROWS:
            raise TableError(_("The file has more than {n} rows.").format(n=MAX_ROWS))
    workbook.close()
    return Table(columns, rows)


def read_upload(name: str, content: bytes) -> tuple[str, Table]:
    """(format, table) of an uploaded file; TableError with a translated reason when it is not acceptable."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise TableError(_("The file is larger than {mb} MB.").format(mb=MAX_UPLOAD_BYTES // (1024 * 1024)))
    if not content:
        raise TableError(_("The file is empty."))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension == "csv":
        table = read_csv(content)
    elif extension == "xlsx":
        table = read_xlsx(content)
    else:
        raise TableError(_("Upload a CSV or XLSX file."))
    if not table.rows:
        raise TableError(_("The file has column names but no rows of data."))
    return extension, table
