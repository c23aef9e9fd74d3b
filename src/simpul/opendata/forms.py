"""The walidata's forms: the file of a new dataset, another file, the description, the columns (MS-Var), the
statistical activity (MS-Keg) with its indicators (MS-Ind), the review and the withdrawal. They check the form of
each answer; what must hold before publishing is checked by `simpul.opendata.drafts`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from simpul.agencies.models import Agency
from simpul.core.tabular import MAX_UPLOAD_BYTES, TableError, upload_precheck
from simpul.opendata.dcat import CKAN_TAG
from simpul.opendata.models import Frequency, License, ReferenceCode, Theme, VariableType

FILE_HELP = _("A table in CSV or XLSX: the first row holds the column names. At most 10 MB.")


class _FileField(forms.FileField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(label=_("Data file (CSV or XLSX)"), help_text=FILE_HELP,
                         widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}), **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload:
            try:
                upload_precheck(upload.name, upload.size, max_bytes=MAX_UPLOAD_BYTES)
            except TableError as exc:
                raise forms.ValidationError(str(exc), code="file") from None
        return upload


class NewDatasetForm(forms.Form):
    """Step 1: the file and the title. The file is kept in a draft as soon as it can be read, so a mistake in the
    title costs nothing: `kept` names the draft holding it, and choosing no file again keeps that one."""

    file = _FileField(required=False)
    title_id = forms.CharField(label=_("Title (Indonesian)"), max_length=200,
                               help_text=_("What the table counts, where and when, e.g. Jumlah sekolah dasar per "
                                           "kecamatan 2025."))
    kept = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)


class DraftFileForm(forms.Form):
    file = _FileField()
    change_note = forms.CharField(label=_("What changed in this file"), max_length=300, required=False,
                                  help_text=_("Readers see it next to the version, e.g. Data Desember ditambahkan."))


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.short_name})" if obj.short_name and obj.short_name != obj.name else obj.name


class DescriptionForm(forms.Form):
    slug = forms.SlugField(label=_("Identifier"), max_length=100,
                           help_text=_("It becomes the address of the page: lowercase letters, digits and dashes, "
                                       "e.g. jumlah-sekolah-2025."))
    title_id = forms.CharField(label=_("Title (Indonesian)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    description_id = forms.CharField(label=_("Description (Indonesian)"), widget=forms.Textarea(attrs={"rows": 4}),
                                     help_text=_("What the data is, where it comes from and what to keep in mind "
                                                 "when using it."))
    description_en = forms.CharField(label=_("Description (English)"), widget=forms.Textarea(attrs={"rows": 4}),
                                     required=False)
    producer = AgencyChoiceField(label=_("Producer (OPD)"), queryset=Agency.objects.filter(is_active=True)
                                 .order_by("name"), empty_label=_("Choose the office"))
    theme = forms.ChoiceField(label=_("Theme"), choices=Theme.choices)
    keywords = forms.CharField(label=_("Keywords"), required=False, max_length=300,
                               help_text=_("Separate them with commas. Letters, digits, spaces, dashes, dots and "
                                           "underscores only, 2 to 100 characters each (so data portals such as "
                                           "Satu Data and CKAN accept them)."))
    license = forms.ChoiceField(label=_("License"), choices=License.choices, initial=License.CC_BY_4)
    update_frequency = forms.ChoiceField(label=_("Update frequency"), choices=Frequency.choices,
                                         initial=Frequency.ANNUAL)
    temporal_start = forms.DateField(label=_("Period from"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    temporal_end = forms.DateField(label=_("Period to"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    spatial_code = forms.CharField(label=_("Area code (Kemendagri)"), max_length=13, required=False,
                                   help_text=_("For example 16.06 for the whole regency."))
    reference_codes = forms.MultipleChoiceField(label=_("Reference codes used"), choices=ReferenceCode.choices,
                                                required=False, widget=forms.CheckboxSelectMultiple)

    field_order = ["title_id", "title_en", "description_id", "description_en", "producer", "theme", "keywords",
                   "license", "update_frequency", "temporal_start", "temporal_end", "spatial_code", "reference_codes",
                   "slug"]

    def __init__(self, *args: Any, slug_fixed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if slug_fixed:
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = _("A published dataset keeps its identifier: its address is in use.")

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
        return data

    @staticmethod
    def initial_from(slug: str, metadata: dict[str, Any]) -> dict[str, Any]:
        return {"slug": slug, **{k: v for k, v in metadata.items() if k != "ms_keg"},
                "keywords": ", ".join(metadata.get("keywords") or [])}

    def metadata(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title_id": data["title_id"], "title_en": data.get("title_en", ""),
            "description_id": data["description_id"], "description_en": data.get("description_en", ""),
            "producer": data["producer"].pk, "theme": data["theme"],
            "keywords": [k.strip() for k in (data.get("keywords") or "").split(",") if k.strip()],
            "license": data["license"], "update_frequency": data["update_frequency"],
            "temporal_start": data["temporal_start"].isoformat() if data.get("temporal_start") else "",
            "temporal_end": data["temporal_end"].isoformat() if data.get("temporal_end") else "",
            "spatial_code": (data.get("spatial_code") or "").strip(),
            "reference_codes": list(data.get("reference_codes") or []),
        }


class VariableForm(forms.Form):
    """One column of the file (MS-Var); its name comes from the file and is not edited here."""

    type = forms.ChoiceField(label=_("Kind of values"), choices=VariableType.choices)
    definition = forms.CharField(label=_("What the column holds"), max_length=500, required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["definition"].needed_for_review = True  # type: ignore[attr-defined]
    unit = forms.CharField(label=pgettext_lazy("measure", "Unit"), max_length=50, required=False)
    reference = forms.ChoiceField(label=_("Code list the values come from"), required=False,
                                  choices=[("", _("No code list")), *ReferenceCode.choices])


VariableFormSet = forms.formset_factory(VariableForm, extra=0, max_num=200, absolute_max=200)


class ActivityForm(forms.Form):
    """MS-Keg: the statistical activity the data comes from (Peraturan BPS 5/2020)."""

    judul = forms.CharField(label=_("Name of the activity"), max_length=300,
                            help_text=_("e.g. Pendataan sekolah tahunan Dinas Pendidikan."))
    penyelenggara = forms.CharField(label=_("Organiser"), max_length=300, required=False)
    jenis_statistik = forms.ChoiceField(label=_("Type of statistics"), required=False, choices=[
        ("", _("Not stated")), ("Statistik sektoral", _("Sectoral statistics")),
        ("Statistik dasar", _("Basic statistics")), ("Statistik khusus", _("Special statistics"))])
    cara_pengumpulan = forms.CharField(label=_("How the data was collected"), max_length=300, required=False,
                                       help_text=_("e.g. administrative records, a survey, a census."))
    tujuan = forms.CharField(label=pgettext_lazy("statistical activity", "Purpose"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    cakupan = forms.CharField(label=pgettext_lazy("statistical activity", "Coverage"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class IndicatorForm(forms.Form):
    """MS-Ind: an indicator computed from the data; a row without a name is left out."""

    name = forms.CharField(label=_("Name of the indicator"), max_length=200, required=False)
    definition = forms.CharField(label=_("Definition"), max_length=500, required=False)
    formula = forms.CharField(label=_("Formula"), max_length=300, required=False)
    unit = forms.CharField(label=pgettext_lazy("measure", "Unit"), max_length=50, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("name") and any(data.get(k) for k in ("definition", "formula", "unit")):
            self.add_error("name", _("Give the indicator a name, or empty its other fields."))
        return data


IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=1, max_num=50, absolute_max=51)


class ReturnForm(forms.Form):
    note = forms.CharField(label=_("What should be changed"), max_length=2000, min_length=5,
                           widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why is it withdrawn?"), max_length=1000, min_length=10,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Readers see it on the dataset's page, e.g. Angka tahun 2024 salah "
                                         "hitung; data yang benar terbit sebagai dataset baru."))
