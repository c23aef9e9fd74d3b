"""One table, three formats: write CSV/XLSX/JSON from rows. Uploaded CSV/XLSX files are read by
`simpul.core.tabular.read_upload`, the one reader every table upload goes through."""

from __future__ import annotations

import json
from collections.abc import Callable

from simpul.core.tabular import Sheet, Table, TableError, csv_bytes, plain_value, read_upload, xlsx_bytes

__all__ = ["PREVIEW_ROWS", "RENDERERS", "Table", "TableError", "read_upload", "to_csv", "to_json", "to_xlsx"]

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


