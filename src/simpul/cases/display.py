"""Turning stored answers into rows people can read (labels, choice labels, village names, masked NIK), and the
one way staff pages write a date (`date_display`, `datetime_display`; in templates the `day` and `moment`
filters of `{% load case_display %}`) and name a document (`document_label`)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from simpul.cases.permissions import HIDDEN
from simpul.catalog.forms_engine import visible_fields
from simpul.catalog.models import localized
from simpul.core.pdp import mask_nik
from simpul.regions.models import Region

# The page language's own formats (`simpul.core.formats`): "8 Desember 2026" / "8 December 2026", one per language.
DATE_FORMAT = "DATE_FORMAT"
DATETIME_FORMAT = "DATETIME_FORMAT"


def date_display(value: date | datetime | None) -> str:
    """A date as every page writes it ("8 Desember 2026"); "" for none."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return date_format(value, DATE_FORMAT)


def datetime_display(value: datetime | None) -> str:
    """A moment as every page writes it ("8 Desember 2026 14.05", local time); "" for none."""
    if value is None or value == "":
        return ""
    return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, DATETIME_FORMAT)


def document_label(version: Any, code: str) -> str:
    """The document's name as the service's form version calls it ("Scan/foto Kartu Keluarga"), never its code;
    the code itself only for a document the version does not declare."""
    for spec in getattr(version, "documents", None) or []:
        if spec.get("code") == code:
            return localized(spec, "label") or code
    return code


def field_label(version: Any, name: str) -> str:
    """A question's label as the service's form version words it, never its name; the name itself only for a
    question the version does not declare."""
    for page in (getattr(version, "form", None) or {}).get("pages") or []:
        for spec in page.get("fields") or []:
            if spec.get("name") == name:
                return localized(spec, "label") or name
    return name


def display_answer(spec: dict[str, Any], value: Any) -> str:
    if value in (None, ""):
        return "—"
    if spec.get("type") == "choice":
        for choice in spec.get("choices") or []:
            if str(choice.get("value")) == str(value):
                return localized(choice, "label") or str(value)
    if spec.get("type") == "yesno":
        return _("Yes") if value in ("yes", True) else _("No")
    if spec.get("type") == "region":
        region = Region.objects.filter(code=value).select_related("parent").first()
        return f"{region.name}, {region.parent.name}" if region and region.parent else str(value)
    if spec.get("type") in ("nik", "kk"):
        return mask_nik(str(value))
    if spec.get("type") == "date":
        day = value if isinstance(value, date) else parse_date(str(value))
        return date_display(day) if day else str(value)
    if spec.get("type") == "number":
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        return number_format(number.normalize() if number == number.to_integral() else number,
                             use_l10n=True, force_grouping=True)
    return str(value)


def answer_rows(
    version: Any, answers: dict[str, Any], *, mask: bool = False, hidden: set[str] | None = None
) -> list[dict[str, Any]]:
    """One row per visible field: page key, label, display value (NIK masked when `mask`; the answers named in
    `hidden`, as `simpul.cases.permissions.masked_answer_names` decides, replaced by "(hidden)")."""


    visible = set(visible_fields(version, answers))
    rows = []
    for page in (version.form or {}).get("pages") or []:
        for spec in page.get("fields") or []:
            if spec["name"] not in visible or spec.get("type") == "file":
                continue
            value = answers.get(spec["name"])
            shown = display_answer(spec, value) if (mask or spec.get("type") not in ("nik", "kk")) else str(value)
            if hidden and spec["name"] in hidden and value not in (None, ""):
                shown = str(HIDDEN)
            rows.append({"page": page["key"], "name": spec["name"],
                         "label": localized(spec, "label") or spec["name"], "value": shown})
    return rows
