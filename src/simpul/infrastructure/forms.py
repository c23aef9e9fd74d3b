from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simpul.core.tabular import TableError, upload_precheck
from simpul.infrastructure.transfer import IMPORT_COLUMNS
from simpul.regions.models import Region, RegionLevel


class PeriodForm(forms.Form):
    """The period for availability and measurements (default: the last 30 days)."""

    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        end = data.get("end") or timezone.localdate()
        start = data.get("start") or end - timedelta(days=30)
        if start > end:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        data["start"], data["end"] = start, end
        return data


class TrendForm(forms.Form):
    date_from = forms.DateField(label=_("First date"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Second date"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The first date must not be after the second date."))
        return data


def _kecamatan_choices() -> list[tuple[str, str]]:
    qs = Region.objects.filter(parent_id=settings.SIMPUL_KABUPATEN_CODE, level=RegionLevel.KECAMATAN)
    return [("", _("Whole regency"))] + [(r.code, r.name) for r in qs.order_by("name")]


RUPIAH = re.compile(r"(?:rp\.?)?\s*(\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+|\d+)(?:,00?)?(?:,-)?", re.IGNORECASE)


class RupiahField(forms.IntegerField):
    """An amount in rupiah typed as people write it: "500.000.000", "Rp 500.000.000", "Rp500.000.000,00",
    "500000000" (and "500,000,000"). Dots and commas only ever group thousands here: rupiah have no cents."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    default_error_messages = {"invalid": _("Write the amount in rupiah in figures, for example 500.000.000.")}

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        text = str(value).replace("\u00a0", " ").strip()
        match = RUPIAH.fullmatch(text) if len(text) <= 40 else None  # no budget needs more than 40 characters
        if match is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(re.sub(r"[.,]", "", match.group(1)))


class PlannerForm(forms.Form):
    budget = RupiahField(
        label=_("Budget (Rp)"), min_value=0, max_value=10**15,
        help_text=_("All the money available over the horizon: one-off costs plus monthly costs. For example "
                    "500.000.000."),
    )
    horizon_months = forms.IntegerField(
        label=_("Horizon (months)"), min_value=1, max_value=120, initial=12,
        help_text=_("Monthly costs are counted for this many months."),
    )
    region = forms.ChoiceField(label=_("Area"), required=False, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _kecamatan_choices()


class ImportForm(forms.Form):
    KIND_CHOICES = [
        ("sites", _("Sites")),
        ("links", _("Links")),
        ("measurements", _("Measurements")),
    ]
    kind = forms.ChoiceField(label=_("What the file holds"), choices=KIND_CHOICES)
    file = forms.FileField(label=_("File (CSV in UTF-8, or XLSX)"))

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        try:
            upload_precheck(f.name, f.size, max_bytes=settings.UPLOAD_MAX_BYTES)
        except TableError as exc:
            raise forms.ValidationError(str(exc)) from None
        return f


IMPORT_HELP = IMPORT_COLUMNS
