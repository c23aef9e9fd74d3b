"""The service designer's forms: they parse what the admin typed; what a definition may hold is decided by the
engine (`forms_engine.definition_errors`), whose messages the views put on these forms' fields.

The type, role and show-if pickers are plain text fields with a select widget on purpose: a value no option
offers still reaches the engine, which names the problem (no second list of rules here).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from simpul.catalog.forms_engine import FIELD_TYPE_LABELS, FIELD_TYPES, FILE_TYPES, FieldRole
from simpul.catalog.models import Service, ServiceKind, ServiceVersion, Workflow

DETAIL_FIELDS = (
    "name_id", "name_en", "description_id", "description_en", "kind", "audience", "agency", "routing_agency",
    "complaint_category", "legal_basis", "fee_rupiah", "fee_note_id", "fee_note_en", "sla_working_days",
    "sla_extension_days", "retention_days", "requires_account",
)
# The workflow follows from the kind of service (a complaint is handled as a complaint...).
KIND_WORKFLOW = {
    ServiceKind.PERMOHONAN: Workflow.APPLICATION, ServiceKind.PERIZINAN: Workflow.APPLICATION,
    ServiceKind.PENGADUAN: Workflow.COMPLAINT, ServiceKind.INFORMASI: Workflow.INFORMATION_REQUEST,
}


class ServiceDetailsForm(forms.ModelForm):
    """What a service is, who handles it, what it costs and how long it takes (a draft version's details)."""

    class Meta:
        model = ServiceVersion
        fields = DETAIL_FIELDS
        widgets = {
            "description_id": forms.Textarea(attrs={"rows": 3}), "description_en": forms.Textarea(attrs={"rows": 3}),
            "legal_basis": forms.Textarea(attrs={"rows": 3}), "fee_note_id": forms.Textarea(attrs={"rows": 2}),
            "fee_note_en": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "routing_agency": _("Only for complaints: the office that receives them, when it is not the "
                                "responsible one."),
            "complaint_category": _("Only for complaints: the category citizens pick."),
            "legal_basis": _("The regulations this service rests on, one a line."),
        }

    def __init__(self, *args: Any, agencies: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency: Any = self.fields["agency"]
        routing: Any = self.fields["routing_agency"]
        agency.queryset = agencies.order_by("name")
        routing.queryset = routing.queryset.filter(is_active=True).order_by("name")
        agency.label_from_instance = routing.label_from_instance = lambda office: office.name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.instance.workflow = KIND_WORKFLOW.get(cleaned.get("kind", ""), Workflow.APPLICATION)
        return cleaned

    GROUPS = (
        (_("What the service is"), ("name_id", "code", "name_en", "description_id", "description_en", "kind",
                                    "audience", "requires_account")),
        (_("Who handles it"), ("agency", "routing_agency", "complaint_category", "legal_basis")),
        (_("Cost and time"), ("fee_rupiah", "fee_note_id", "fee_note_en", "sla_working_days",
                              "sla_extension_days")),
        (_("Keeping the data"), ("retention_days",)),
    )

    def fieldsets(self) -> list[tuple[Any, list[Any]]]:
        """The fields in groups, each group a fieldset with its legend."""
        return [(legend, [self[name] for name in names if name in self.fields]) for legend, names in self.GROUPS]

    def version_fields(self) -> dict[str, Any]:
        return {**{name: self.cleaned_data[name] for name in DETAIL_FIELDS}, "workflow": self.instance.workflow}


class NewServiceForm(ServiceDetailsForm):
    code = forms.SlugField(
        label=_("Web address of the service"), max_length=80,
        help_text=_("Lower-case letters, digits and hyphens; it appears in the link citizens open "
                    "(for example: surat-keterangan-usaha). It cannot be changed later."),
    )


    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if Service.objects.filter(code=code).exists():
            raise forms.ValidationError(_("Another service already has this address."), code="taken")
        return code


class PageForm(forms.Form):
    title_id = forms.CharField(label=_("Page title (Indonesian)"), max_length=200)
    title_en = forms.CharField(label=_("Page title (English)"), max_length=200, required=False)


class NewPageForm(PageForm):
    """A page comes with its first question (a page without questions is refused by the engine)."""

    first_label_id = forms.CharField(label=_("First question on the page (Indonesian)"), max_length=300)
    first_type = forms.CharField(label=_("Type of answer"), widget=forms.Select)
    first_choices = forms.CharField(
        label=_("Answers to choose from"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only for “Choose one of several answers”: one answer a line; an English label after a "
                    "bar, for example: Hilang | Lost"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_type"].widget.choices = type_choices()
        self.fields["first_type"].initial = "text"


def _needed_by_the_engine(field: forms.Field) -> None:
    """Shown without "(optional)": the engine refuses it empty and says so (`cases/_field.html` reads the spec)."""
    field.simpul_spec = {"required": True}  # type: ignore[attr-defined]


# Files are asked for as documents: the citizen's form pages leave file questions out and upload on the documents
# step, so the designer offers a document instead of a file question.
ASKED_AS_DOCUMENTS = frozenset({"file"})


def type_choices() -> list[tuple[str, Any]]:
    """The engine's field types, as it names them for staff (files are documents, `ASKED_AS_DOCUMENTS`)."""
    return [(kind, FIELD_TYPE_LABELS.get(kind, kind)) for kind in FIELD_TYPES if kind not in ASKED_AS_DOCUMENTS]


class QuestionForm(forms.Form):
    type = forms.CharField(label=_("Type of answer"), widget=forms.Select,
                           help_text=_("To ask for a file (a scan or a photo), add a document to the service."))
    label_id = forms.CharField(label=_("Question (Indonesian)"), max_length=300, required=False)
    label_en = forms.CharField(label=_("Question (English)"), max_length=300, required=False)
    hint_id = forms.CharField(label=_("Hint (Indonesian)"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Shown under the question: what to write, or where to find it."))
    hint_en = forms.CharField(label=_("Hint (English)"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    choices = forms.CharField(
        label=_("Answers to choose from"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only for “Choose one of several answers”: one answer a line; an English label after a "
                    "bar, for example: Hilang | Lost"),
    )
    show_if = forms.CharField(label=_("Show this question only when"), required=False, widget=forms.Select)
    min_length = forms.IntegerField(label=_("At least this many characters"), required=False, min_value=0)
    max_length = forms.IntegerField(label=_("At most this many characters"), required=False, min_value=0)
    min = forms.CharField(label=_("Lowest allowed answer"), required=False, max_length=20,
                          help_text=_("A number, or for a date: YYYY-MM-DD or “today”."))
    max = forms.CharField(label=_("Highest allowed answer"), required=False, max_length=20,
                          help_text=_("A number, or for a date: YYYY-MM-DD or “today”."))
    role = forms.CharField(label=_("This answer is the applicant's"), required=False, widget=forms.Select,
                           help_text=_("The case takes the applicant's name, NIK, phone or address from it."))
    name = forms.CharField(
        label=_("Short name of the answer"), required=False, max_length=60,
        help_text=_("Used in exports and by other systems; lower-case letters, digits and _. Left empty, it is "
                    "made from the question."),
    )

    def __init__(self, *args: Any, conditions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _needed_by_the_engine(self.fields["label_id"])
        self.fields["type"].widget.choices = type_choices()
        self.fields["show_if"].widget.choices = [("", _("Always")), *conditions]
        self.fields["role"].widget.choices = [("", _("None of these")), *FieldRole.choices]


class DocumentForm(forms.Form):
    label_id = forms.CharField(label=_("Document (Indonesian)"), max_length=300, required=False)
    label_en = forms.CharField(label=_("Document (English)"), max_length=300, required=False)
    hint_id = forms.CharField(label=_("Hint (Indonesian)"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    hint_en = forms.CharField(label=_("Hint (English)"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    required = forms.BooleanField(label=_("The document is required"), required=False)
    types = forms.MultipleChoiceField(label=_("File types accepted"), required=False,
                                      widget=forms.CheckboxSelectMultiple)
    max_megabytes = forms.IntegerField(label=_("Largest file (MB)"), min_value=1, initial=2)
    show_if = forms.CharField(label=_("Ask for it only when"), required=False, widget=forms.Select)
    code = forms.CharField(label=_("Short name of the document"), required=False, max_length=60,
                           help_text=_("Lower-case letters, digits and _. Left empty, it is made from the name."))

    def __init__(self, *args: Any, conditions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _needed_by_the_engine(self.fields["label_id"])
        types: Any = self.fields["types"]
        # .jpg and .jpeg are one kind of photo: one box ("JPG/JPEG") gives both (`designer.document_spec`)
        types.choices = [(t, "JPG/JPEG" if t == "jpg" else t.upper()) for t in FILE_TYPES if t != "jpeg"]
        self.fields["show_if"].widget.choices = [("", _("Always")), *conditions]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Service file (YAML)"))
