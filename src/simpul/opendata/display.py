"""How a dataset's metadata reads on a page, in the page's language: labels instead of stored keys and codes, and
only the facts that have a value (no "Period — – —")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from simpul.opendata.models import ACTIVITY_LABELS, Dataset, ReferenceCode, VariableType


def _day(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def period_text(start: date | None, end: date | None) -> str:
    """"1 Jan 2025 – 31 Dec 2025", "from 1 Jan 2025", "until 31 Dec 2025", or "" when neither is known."""
    if start and end:
        return f"{_day(start)} – {_day(end)}"
    if start:
        return _("from {date}").format(date=_day(start))
    if end:
        return _("until {date}").format(date=_day(end))
    return ""


def reference_label(code: str) -> str:
    return str(ReferenceCode(code).label) if code in ReferenceCode.values else code


def type_label(code: str) -> str:
    return str(VariableType(code).label) if code in VariableType.values else str(VariableType.STRING.label)


def _when(value: datetime | None) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else ""


def facts(dataset: Dataset, *, walidata: str = "") -> list[tuple[str, str]]:
    """The dataset's metadata as (label, text) rows, leaving out the empty ones."""
    rows: list[tuple[str, Any]] = [
        (_("Identifier"), dataset.slug),
        (_("Producer (OPD)"), dataset.producer.name if dataset.producer_id else ""),
        (_("Walidata"), walidata),
        (_("Theme"), dataset.get_theme_display()),
        (_("Keywords"), ", ".join(dataset.keywords or [])),
        (_("License"), f"{dataset.get_license_display()} ({dataset.license})"),
        (_("Update frequency"), dataset.get_update_frequency_display()),
        (_("Period"), period_text(dataset.temporal_start, dataset.temporal_end)),
        (_("Area"), f"{dataset.spatial_label} ({dataset.spatial_code})" if dataset.spatial_label
         else dataset.spatial_code),
        (_("Reference codes used"), ", ".join(reference_label(c) for c in dataset.reference_codes or [])),
        (_("Last refreshed"), _when(dataset.last_refreshed)),
        (_("Version of the file"), str(dataset.version) if dataset.version else ""),
    ]
    if dataset.pk:
        rows.append((_("Made by"), _("Computed automatically from Simpul's data") if dataset.is_generated
                     else _("Uploaded by the walidata")))
    return [(label, str(value)) for label, value in rows if value]


def activity_rows(ms_keg: dict[str, Any]) -> list[tuple[str, str]]:
    """MS-Keg as (label, text), in the standard's order; a key Simpul does not know is shown as words."""
    known = [(str(label), str(ms_keg[key])) for key, label in ACTIVITY_LABELS.items() if ms_keg.get(key)]
    other = [(key.replace("_", " ").capitalize(), str(value)) for key, value in ms_keg.items()
             if key not in ACTIVITY_LABELS and value]
    return known + other


@dataclass
class Variable:
    name: str
    type: str
    definition: str
    unit: str
    reference: str


def variables(ms_var: list[dict[str, Any]]) -> list[Variable]:
    return [Variable(name=str(v.get("name") or ""), type=type_label(str(v.get("type") or "")),
                     definition=str(v.get("definition") or ""), unit=str(v.get("unit") or ""),
                     reference=reference_label(str(v.get("reference") or "")) if v.get("reference") else "")
            for v in ms_var or []]
