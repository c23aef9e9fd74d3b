"""One table, three formats: write CSV/XLSX/JSON from rows. Uploaded CSV/XLSX files are read by
`simpul.core.tabular.read_upload`, the one reader every table upload goes through."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime

from simpul.core.tabular import Sheet, Table, TableError, csv_bytes, plain_value, read_upload, xlsx_bytes

__all__ = ["PREVIEW_ROWS", "RENDERERS", "Table", "TableError", "column_types", "infer_type", "read_upload", "to_csv",
           "to_json", "to_xlsx"]

PREVIEW_ROWS = 10


def to_csv(table: Table) -> bytes:
    return csv_bytes(table.columns, ([plain_value(row.get(c)) for c in table.columns] for row in table.rows),
                     lineterminator="\n")


def to_json(table: Table) -> bytes:
    rows = [{c: plain_value(row.get(c)) for c in table.columns} for row in table.rows]
    return json.dumps({"columns": table.columns, "rows": rows}, ensure_ascii=False).encode("utf-8")


def to_xlsx(table: Table, *, title: str = "data") -> bytes:
    return xlsx_bytes([Sheet(title, table.columns, ([plain_value(row.get(c)) for c in table.columns]
                                                   for row in table.rows))])


RENDERERS: dict[str, Callable[..., bytes]] = {"csv": to_csv, "json": to_json, "xlsx": to_xlsx}




_INTEGER = re.compile(r"[+-]?(0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"[+-]?(0|[1-9][0-9]*)[.,][0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
BOOLEAN_WORDS = frozenset({"ya", "tidak", "yes", "no", "true", "false"})


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "decimal"
    if isinstance(value, datetime | date):
        return "date"
    text = str(value).strip()
    if _INTEGER.fullmatch(text):
        return "integer"
    if _DECIMAL.fullmatch(text):
        return "decimal"
    if _DATE.fullmatch(text):
        try:
            date.fromisoformat(text)
        except ValueError:
            return "string"
        return "date"
    if text.lower() in BOOLEAN_WORDS:
        return "boolean"
    return "string"


def infer_type(values: Iterable[object]) -> str:
    """The MS-Var type (`VariableType`) every non-empty value of a column fits: "integer" when all are whole
    numbers, "decimal" when all are numbers, "date", "boolean" (ya/tidak, yes/no, true/false), else "string".

    A number written with a leading zero (a code such as 0812 or 007) is text, and so is a Kemendagri code
    (16.06.01); a column with no value at all is "string". The walidata can change the guess.
    """
    kinds = {_kind(v) for v in values if v is not None and str(v).strip() != ""}
    if not kinds:
        return "string"
    if kinds == {"integer"}:
        return "integer"
    if kinds <= {"integer", "decimal"}:
        return "decimal"
    if len(kinds) == 1:
        return kinds.pop()
    return "string"


def column_types(table: Table) -> dict[str, str]:
    """`infer_type` of each column of `table`."""
    return {c: infer_type(row.get(c) for row in table.rows) for c in table.columns}
