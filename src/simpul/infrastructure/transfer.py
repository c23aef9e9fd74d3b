"""Import (CSV/XLSX, all-or-nothing, with a validation report) and export (CSV/XLSX) of registry lists."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from simpul.agencies.models import Agency
from simpul.core.tabular import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    Sheet,
    TableError,
    csv_bytes,
    plain_value,
    read_upload,
    xlsx_bytes,
)
from simpul.infrastructure import services
from simpul.infrastructure.models import Link, Measurement, MeasurementSource, Site
from simpul.regions.models import Region

# --- export ------------------------------------------------------------------------------------------------


def export_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str) -> HttpResponse:
    """A CSV (UTF-8 with BOM, for spreadsheet programs) or XLSX download of a list."""
    if fmt == "xlsx":
        rows = [[float(v) if isinstance(v, Decimal) else v for v in row] for row in rows]
        content, media_type = xlsx_bytes([Sheet(filename, header, rows)]), XLSX_MEDIA_TYPE
    else:
        content, media_type = csv_bytes(header, rows, bom=True), CSV_MEDIA_TYPE
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{"xlsx" if fmt == "xlsx" else "csv"}"'
    return response


# --- import ------------------------------------------------------------------------------------------------

IMPORT_COLUMNS: dict[str, list[str]] = {
    "sites": ["code", "name", "kind", "region_code", "agency_code", "latitude", "longitude", "staff_count",
              "residents_served", "opening_hours", "source"],
    "links": ["site_code", "technology", "provider", "download_mbps", "upload_mbps", "burst_download_mbps",
              "burst_upload_mbps", "monthly_cost_idr", "contract_start", "contract_end", "status", "source"],
    "measurements": ["link_id", "measured_at", "download_mbps", "upload_mbps", "latency_ms", "loss_pct",
                     "available", "probe_id"],
}
REQUIRED: dict[str, set[str]] = {
    "sites": {"code", "name", "kind", "region_code"},
    "links": {"site_code", "technology", "download_mbps"},
    "measurements": {"link_id", "measured_at"},
}


@dataclass
class ImportProblem:
    line: int
    column: str
    message: str


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class _Bad(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def read_table(*, data: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV or XLSX file as (line number, {column: text}); the header is line 1. Read by the one table
    reader (`simpul.core.tabular.read_upload`, TableError with a translated reason); column names are matched
    in lower case and every cell is text (an XLSX date as ISO)."""
    _format, table = read_upload(filename, data, max_bytes=settings.UPLOAD_MAX_BYTES)
    columns = [c.lower() for c in table.columns]
    out = []
    for line, row in zip(table.lines, table.rows, strict=True):
        texts = {}
        for name, column in zip(columns, table.columns, strict=True):
            value = plain_value(row.get(column))
            texts[name] = "" if value is None else str(value).strip()
        out.append((line, texts))
    return out


def _decimal(row: dict[str, str], col: str) -> Decimal | None:
    raw = row.get(col, "")
    if raw == "":
        return None
    if "," in raw and "." not in raw:
        raw = raw.replace(",", ".")
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise _Bad(col, _("“{value}” is not a number.").format(value=raw)) from None


def _int(row: dict[str, str], col: str, default: int | None = None) -> int | None:
    value = _decimal(row, col)
    if value is None:
        return default
    if value != value.to_integral_value() or value < 0:
        raise _Bad(col, _("“{value}” is not a whole number of zero or more.").format(value=row[col]))
    return int(value)


def _date(row: dict[str, str], col: str) -> date | None:
    raw = row.get(col, "")
    if not raw:
        return None
    value = parse_date(raw[:10])
    if value is None:
        raise _Bad(col, _("“{value}” is not a date (YYYY-MM-DD).").format(value=raw))
    return value


def _datetime(row: dict[str, str], col: str) -> datetime:
    raw = row.get(col, "")
    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None:
        raise _Bad(col, _("“{value}” is not a date and time (YYYY-MM-DDTHH:MM).").format(value=raw))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _bool(row: dict[str, str], col: str) -> bool | None:
    raw = row.get(col, "").lower()
    if raw == "":
        return None
    if raw in {"1", "true", "yes", "ya", "up", "y"}:
        return True
    if raw in {"0", "false", "no", "tidak", "down", "n"}:
        return False
    raise _Bad(col, _("“{value}” is not yes or no.").format(value=row[col]))


def _site_fields(row: dict[str, str]) -> dict[str, Any]:
    region = Region.objects.filter(code=row["region_code"]).first()
    if region is None:
        raise _Bad("region_code", _("Unknown region code “{code}”.").format(code=row["region_code"]))
    agency = None
    if row.get("agency_code"):
        agency = Agency.objects.filter(code=row["agency_code"]).first()
        if agency is None:
            raise _Bad("agency_code", _("Unknown agency code “{code}”.").format(code=row["agency_code"]))
    return {
        "code": row["code"], "name": row["name"], "kind": row["kind"], "region": region, "agency": agency,
        "latitude": _decimal(row, "latitude"), "longitude": _decimal(row, "longitude"),
        "staff_count": _int(row, "staff_count", 0), "residents_served": _int(row, "residents_served", 0),
        "opening_hours": row.get("opening_hours", ""), "source": row.get("source", "") or _("import"),
    }


def _link_fields(row: dict[str, str], new_sites: dict[str, Site]) -> dict[str, Any]:
    site = new_sites.get(row["site_code"]) or Site.objects.filter(code=row["site_code"]).first()
    if site is None:
        raise _Bad("site_code", _("Unknown site code “{code}”.").format(code=row["site_code"]))
    return {
        "site": site, "technology": row["technology"], "provider": row.get("provider", ""),
        "download_mbps": _decimal(row, "download_mbps"), "upload_mbps": _decimal(row, "upload_mbps"),
        "burst_download_mbps": _decimal(row, "burst_download_mbps"),
        "burst_upload_mbps": _decimal(row, "burst_upload_mbps"),
        "monthly_cost_idr": _int(row, "monthly_cost_idr"), "contract_start": _date(row, "contract_start"),
        "contract_end": _date(row, "contract_end"), "status": row.get("status") or "active",
        "source": row.get("source", "") or _("import"),
    }


def _measurement_fields(row: dict[str, str]) -> dict[str, Any]:
    link_id = _int(row, "link_id")
    link = Link.objects.filter(pk=link_id).first() if link_id else None
    if link is None:
        raise _Bad("link_id", _("Unknown link “{value}”.").format(value=row.get("link_id", "")))
    return {
        "link": link, "measured_at": _datetime(row, "measured_at"), "download_mbps": _decimal(row, "download_mbps"),
        "upload_mbps": _decimal(row, "upload_mbps"), "latency_ms": _decimal(row, "latency_ms"),
        "loss_pct": _decimal(row, "loss_pct"), "available": _bool(row, "available"),
        "probe_id": row.get("probe_id", ""), "source": MeasurementSource.IMPORT,
    }


_FIELD_TO_COLUMN = {"region": "region_code", "agency": "agency_code", "site": "site_code", "link": "link_id"}
_MODEL = {"sites": Site, "links": Link, "measurements": Measurement}


def _validate(kind: str, fields: dict[str, Any], existing: Any) -> list[tuple[str, str]]:
    obj = copy.copy(existing) if existing is not None else _MODEL[kind]()  # the service diffs the original
    for name, value in fields.items():
        setattr(obj, name, value)
    try:
        obj.full_clean(exclude=["code"] if existing is not None else None, validate_constraints=kind != "measurements")
    except ValidationError as exc:
        return [
            (_FIELD_TO_COLUMN.get(name, name), str(msg))
            for name, msgs in exc.message_dict.items()
            for msg in msgs
        ]
    return []


def infrastructure_import(*, actor: Any, kind: str, data: bytes, filename: str, commit: bool = True) -> ImportReport:
    """Import sites, links or measurements from CSV/XLSX. Every problem is reported with its line and column;
    if there is any problem nothing is written (all-or-nothing)."""
    report = ImportReport(kind=kind)
    if kind not in IMPORT_COLUMNS:
        report.problems.append(ImportProblem(0, "", _("Unknown import kind.")))
        return report
    try:
        rows = read_table(data=data, filename=filename)
    except TableError as exc:
        report.problems.append(ImportProblem(1, "", str(exc)))
        return report
    report.rows = len(rows)
    if not rows:
        report.problems.append(ImportProblem(1, "", _("The file has no data rows.")))
        return report
    known = set(IMPORT_COLUMNS[kind])
    header = set(rows[0][1])
    for col in sorted(REQUIRED[kind] - header):
        report.problems.append(ImportProblem(1, col, _("Required column is missing.")))
    for col in sorted(header - known):
        report.problems.append(ImportProblem(1, col, _("Unknown column.")))
    if report.problems:
        return report
    prepared: list[tuple[dict[str, Any], Any]] = []
    seen: dict[str, int] = {}
    new_sites: dict[str, Site] = {}
    for line, row in rows:
        missing = [c for c in sorted(REQUIRED[kind]) if not row.get(c)]
        for col in missing:
            report.problems.append(ImportProblem(line, col, _("This field is required.")))
        if missing:
            continue
        try:
            if kind == "sites":
                if row["code"] in seen:
                    raise _Bad("code", _("Code “{code}” repeats line {line}.").format(code=row["code"],
                                                                                      line=seen[row["code"]]))
                seen[row["code"]] = line
                fields = _site_fields(row)
                existing = Site.objects.filter(code=row["code"]).first()
            elif kind == "links":
                fields, existing = _link_fields(row, new_sites), None
            else:
                fields, existing = _measurement_fields(row), None
        except _Bad as bad:
            report.problems.append(ImportProblem(line, bad.column, bad.message))
            continue
        for col, msg in _validate(kind, fields, existing):
            report.problems.append(ImportProblem(line, col, msg))
        prepared.append((fields, existing))
    if report.problems or not commit:
        return report
    with transaction.atomic():
        for fields, existing in prepared:
            if kind == "sites":
                if existing is not None:
                    services.site_update(actor=actor, site=existing, **fields)
                    report.updated += 1
                else:
                    services.site_create(actor=actor, **fields)
                    report.created += 1
            elif kind == "links":
                services.link_create(actor=actor, **fields)
                report.created += 1
            else:
                _m, created = services.measurement_record(actor=actor, **fields)
                report.created += int(created)
    return report
