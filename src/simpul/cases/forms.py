"""Forms of the cases pages that are not declared by a service (tracking, consent, staff actions)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from simpul.agencies.models import AgencyKind
from simpul.cases.constants import NoteAudience
from simpul.cases.reference_numbers import format_reference
from simpul.catalog.forms_engine import PHONE_RE, document_specs, localized, normalize_phone, region_choices
from simpul.regions.models import Region, RegionLevel

AUDIENCE_CHOICES = [
    (NoteAudience.INTERNAL, _("Only staff of the offices handling this case")),
    (NoteAudience.APPLICANT, _("The applicant too: shown on the tracking page and sent by SMS or email")),
]
TO_APPLICANT_HINT = _("The applicant will read this message on the tracking page and in the SMS or email.")
INTERNAL_HINT = _("Only staff will read this note. The applicant does not see it.")


class TrackForm(forms.Form):
    reference = forms.CharField(
        label=_("Application or complaint number"), max_length=40, help_text=lazy(
            lambda: _("For example {reference}.").format(reference=format_reference("26", "7K3QX")), str)(),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    pin = forms.CharField(
        label=_("PIN"), min_length=6, max_length=8, help_text=_("The 6 digits shown when you sent it, and on your receipt."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class ResumeSmsForm(forms.Form):
    """"Send me the link by SMS" on a saved form's page."""

    phone = forms.CharField(
        label=_("Mobile number"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"required": _("Enter a mobile number such as 081234567890 or +6281234567890.")},
    )

    def clean_phone(self) -> str:
        value = normalize_phone(self.cleaned_data.get("phone") or "")
        if not PHONE_RE.match(value):
            raise forms.ValidationError(_("Enter a mobile number such as 081234567890 or +6281234567890."))
        return value


CONSENT_PHOTO_LABEL = _("Photo of the consent form the citizen signed")
CONSENT_PHOTO_HINT = _("A photo (JPG or PNG) or a scan (PDF). It is kept with the application as proof of the "
                       "citizen's consent, and the office sees it.")


class ConsentForm(forms.Form):
    consent = forms.BooleanField(
        label=_("The citizen agrees that I submit this application for them and that their data is processed "
                "for this service."),
        required=True,
        error_messages={"required": _("Tick the citizen's consent once they agree that you send this application "
                                      "for them. Without it the application cannot be sent.")},
    )
    consent_photo = forms.FileField(
        label=CONSENT_PHOTO_LABEL, required=False,
        help_text=_("If the citizen has signed the consent form already. You can also attach it after sending."),
        widget=forms.FileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}),
    )


class ConsentPhotoForm(forms.Form):
    """The photo of the signed consent form, attached to an application already sent (`case_consent_attach`)."""

    consent_photo = forms.FileField(
        label=CONSENT_PHOTO_LABEL, help_text=CONSENT_PHOTO_HINT,
        widget=forms.FileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}),
        error_messages={"required": _("Choose the photo of the signed consent form.")},
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000,
                           required=False)


class RevisionForm(NoteForm):
    """Ask for a revision: the message, and which answers and documents the applicant is to change (none ticked:
    the whole application may be corrected)."""

    fields_asked = forms.MultipleChoiceField(
        label=_("Answers to correct"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick only what must change. The applicant then sees only these, and the rest read-only. "
                    "Tick nothing to let them correct everything."))
    documents_asked = forms.MultipleChoiceField(
        label=_("Documents to upload again"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, version: Any = None, answers: dict[str, Any] | None = None, **kwargs: Any) -> None:
        """`answers` (the case's stored answers) decide which documents the case needs (their `show_if`)."""
        super().__init__(*args, **kwargs)
        definition = version.form if version is not None else {}
        self.fields["fields_asked"].choices = [  # type: ignore[attr-defined]
            (f["name"], localized(f, "label") or f["name"])
            for page in (definition or {}).get("pages") or [] for f in page.get("fields") or []
            if f.get("type") != "file"]
        self.fields["documents_asked"].choices = [  # type: ignore[attr-defined]
            (spec["code"], localized(spec) or spec["code"])
            for spec in (document_specs(version, answers) if version else [])]
        if not self.fields["documents_asked"].choices:  # type: ignore[attr-defined]
            del self.fields["documents_asked"]


class ApproveForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=4000, required=False)
    result_file = forms.FileField(
        label=_("Another result document to attach (PDF, JPG or PNG)"), required=False,
        help_text=_("The signed decision letter is issued by itself when you approve; attach a file only if the "
                    "applicant needs one more."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if settings.DOCUMENTS_SIGNING_BACKEND == "bsre":  # a certified signature: the signer types their passphrase
            self.fields["passphrase"] = forms.CharField(
                label=_("Your signing passphrase (BSrE)"), max_length=200, required=True, strip=False,
                widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
                help_text=_("Used once to sign the decision letter; Simpul never keeps it."))


class ForwardForm(forms.Form):
    """Forward to another office: the offices that handle cases (`agencies_for_forwarding`), by full name,
    grouped by kind (dinas, badan, kantor camat...) so the list is searched by eye and by typing, without
    JavaScript."""

    to_agency = forms.ModelChoiceField(label=_("Forward to"), queryset=None,  # type: ignore[arg-type]
                                       help_text=_("Type the first letters of the office's name to jump to it."))
    note = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    def __init__(self, *args: Any, agencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_agency"]
        field.queryset = agencies  # type: ignore[attr-defined]
        groups: dict[str, list[tuple[int, str]]] = {}
        for agency in agencies:
            groups.setdefault(str(AgencyKind(agency.kind).label) if agency.kind in AgencyKind.values else "",
                              []).append((agency.pk, agency.name))
        field.choices = [("", _("— choose the office —")),  # type: ignore[attr-defined]
                         *((kind, names) for kind, names in sorted(groups.items()))]


class AssignForm(forms.Form):
    to_user = forms.ModelChoiceField(label=_("Assign to"), queryset=None, required=False,  # type: ignore[arg-type]
                                     empty_label=_("Nobody"))

    def __init__(self, *args: Any, users: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = users  # type: ignore[attr-defined]


class DesaForm(forms.Form):
    """The village a case is about, chosen by the office (`simpul.cases.actions.case_set_desa`)."""

    desa = forms.ChoiceField(label=_("Village"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["desa"].choices = [("", _("— choose the village —")), *region_choices()]  # type: ignore[attr-defined]

    def clean_desa(self) -> Region:
        found = Region.objects.filter(level=RegionLevel.DESA, code=self.cleaned_data["desa"]).first()
        if found is None:  # an edited page: the choices are the villages
            raise forms.ValidationError(_("Choose a village from the list."), code="invalid_choice")
        return found


NOTE_LABELS = {  # the note field's label says who reads it: (optional, required)
    NoteAudience.APPLICANT: (_("Message to the applicant"), _("Message to the applicant (required)")),
    NoteAudience.INTERNAL: (_("Internal note, for staff only"), _("Internal note, for staff only (required)")),
    "": (_("Note"), _("Note (required)")),
}


def note_audience_set(
    form: forms.Form, *, audience: str, fixed: bool, required: bool = False, label: Any = None
) -> forms.Form:
    """Say on `form` who will read its note: a fixed audience in the field's label and a plain sentence, else
    a choice (the workflow row's audience chosen first). `label` replaces the label (e.g. "Why you return it");
    a required note says so."""
    if "note" not in form.fields:
        return form
    field = form.fields["note"]
    if label:
        field.label = _("{label} (required)").format(label=label) if required else label
    elif fixed or field.label == NoteForm.base_fields["note"].label:
        field.label = NOTE_LABELS[audience if fixed else ""][1 if required else 0]
    elif required:
        field.label = _("{label} (required)").format(label=field.label)
    if fixed:
        field.help_text = TO_APPLICANT_HINT if audience == NoteAudience.APPLICANT else INTERNAL_HINT
        return form
    form.fields["note_audience"] = forms.ChoiceField(
        label=_("Who will read this note?"), choices=AUDIENCE_CHOICES, initial=audience, widget=forms.RadioSelect,
        required=False,  # not sent: the workflow row's audience
    )
    if not form.is_bound:
        form.initial.setdefault("note_audience", audience)
    return form
