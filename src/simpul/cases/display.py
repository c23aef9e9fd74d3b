"""Turning stored answers into rows people can read (labels, choice labels, village names, masked NIK)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.dateparse import parse_date
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from simpul.cases.permissions import HIDDEN
from simpul.catalog.forms_engine import visible_fields
from simpul.catalog.models import localized
from simpul.core.pdp import mask_nik
from simpul.regions.models import Region


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
        return date_format(day) if day else str(value)
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
