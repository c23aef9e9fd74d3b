"""The walidata's upload form: a CSV/XLSX file and its Satu Data Indonesia metadata."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from simpul.agencies.models import Agency
from simpul.opendata.dcat import CKAN_TAG
from simpul.opendata.models import Frequency, License, ReferenceCode, Theme
from simpul.regions.models import Region


def _lines(text: str, keys: tuple[str, ...]) -> list[dict[str, str]]:
    """ "a | b | c" lines into dicts with `keys` (missing parts empty)."""
    items = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        items.append({k: (parts[i] if i < len(parts) else "") for i, k in enumerate(keys)})
    return items


VAR_KEYS = ("name", "definition", "unit")
IND_KEYS = ("name", "definition", "formula", "unit")


class DatasetUploadForm(forms.Form):
    file = forms.FileField(label=_("Data file (CSV or XLSX)"),
                           help_text=_("The first row holds the column names. At most 10 MB."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))
    slug = forms.SlugField(label=_("Identifier"), max_length=100,
                           help_text=_("Lowercase letters, digits and dashes, e.g. jumlah-sekolah-2025."))
    title_id = forms.CharField(label=_("Title (Indonesian)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    description_id = forms.CharField(label=_("Description (Indonesian)"), widget=forms.Textarea(attrs={"rows": 4}))
    description_en = forms.CharField(label=_("Description (English)"), widget=forms.Textarea(attrs={"rows": 4}),
                                     required=False)
    producer = forms.ModelChoiceField(label=_("Producer (OPD)"), queryset=Agency.objects.filter(is_active=True))
    theme = forms.ChoiceField(label=_("Theme"), choices=Theme.choices)
    keywords = forms.CharField(label=_("Keywords"), required=False, max_length=300,
                               help_text=_("Separate them with commas. Letters, digits, spaces, dashes, dots and "
                                           "underscores only, 2 to 100 characters each (so data portals such as "
                                           "Satu Data and CKAN accept them)."))
    license = forms.ChoiceField(label=_("License"), choices=License.choices, initial=License.CC_BY_4)
    update_frequency = forms.ChoiceField(label=_("Update frequency"), choices=Frequency.choices)
    temporal_start = forms.DateField(label=_("Period from"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    temporal_end = forms.DateField(label=_("Period to"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    spatial_code = forms.CharField(label=_("Area code (Kemendagri)"), max_length=13, required=False,
                                   help_text=_("For example 16.06 for the whole regency."))
    reference_codes = forms.MultipleChoiceField(label=_("Reference codes used"), choices=ReferenceCode.choices,
                                                required=False, widget=forms.CheckboxSelectMultiple)
    activity = forms.CharField(label=_("MS-Keg: name of the statistical activity"), max_length=300)
    collection_method = forms.CharField(label=_("MS-Keg: how the data was collected"), max_length=300,
                                        required=False)
    variables = forms.CharField(
        label=_("MS-Var: variables"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One line per column: name | definition | unit. Every column of the file needs a line."),
    )
    indicators = forms.CharField(
        label=_("MS-Ind: indicators"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        help_text=_("One line per indicator: name | definition | formula | unit."),
    )

    def clean_keywords(self) -> str:
        text = self.cleaned_data.get("keywords") or ""
        refused = [k.strip() for k in text.split(",") if k.strip() and not CKAN_TAG.match(k.strip())]
        if refused:
            raise forms.ValidationError(
                _("These keywords have characters or a length data portals refuse: %(keywords)s. Use letters, "
                  "digits, spaces, dashes, dots and underscores, 2 to 100 characters each."),
                params={"keywords": ", ".join(refused)}, code="keyword")
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("temporal_start"), data.get("temporal_end")
        if start and end and start > end:
            self.add_error("temporal_end", _("The end of the period must not be before its start."))
        variables = _lines(data.get("variables", ""), VAR_KEYS)
        if any(not v["definition"] for v in variables):
            self.add_error("variables", _("Every variable needs a definition after the | sign."))
        data["ms_var"] = variables
        data["ms_ind"] = _lines(data.get("indicators", ""), IND_KEYS)
        return data

    def metadata(self) -> dict[str, Any]:
        data = self.cleaned_data
        spatial = data.get("spatial_code") or ""
        label = ""
        if spatial:
            label = Region.objects.filter(code=spatial).values_list("name", flat=True).first() or ""
        return {
            "title_id": data["title_id"], "title_en": data.get("title_en", ""),
            "description_id": data["description_id"], "description_en": data.get("description_en", ""),
            "producer": data["producer"], "theme": data["theme"],
            "keywords": [k.strip() for k in (data.get("keywords") or "").split(",") if k.strip()],
            "license": data["license"], "update_frequency": data["update_frequency"],
            "temporal_start": data.get("temporal_start"), "temporal_end": data.get("temporal_end"),
            "spatial_code": spatial, "spatial_label": label, "reference_codes": data.get("reference_codes") or [],
            "ms_keg": {"judul": data["activity"], "cara_pengumpulan": data.get("collection_method", "")},
            "ms_var": data["ms_var"], "ms_ind": data["ms_ind"],
        }
