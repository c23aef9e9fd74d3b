"""Turn a service version's declared form into real Django forms, and validate answers against it.

A form definition is data (`ServiceVersion.form`):

    {"pages": [{"key": "reason", "title_id": "...", "title_en": "...",
                "fields": [{"name": "reason", "type": "choice", "label_id": "...", "label_en": "...",
                            "required": true, "choices": [{"value": "lost", "label_id": "...", "label_en": "..."}],
                            "show_if": {"field": "other", "equals": "yes"}}]}]}

Field types: text, textarea, number, date, choice, yesno, nik, kk (family card number), region, phone, email,
url (a link: http:// or https:// only), file. Rules: required, required_unless (required unless another field has
an answer: "a phone number or an email"), min_length, max_length, pattern (+ pattern_message_id/_en), min, max
(numbers; ISO dates or "today" for dates).
`show_if` hides a field unless another field's answer equals a value (`equals`) or is one of several (`in`);
a hidden field is never required and its answer is dropped.
`role` (optional, each at most once per form) says what a field is about the applicant, so that the case takes its
name, NIK, phone, email and address from it whatever the field is called (`FieldRole`).

Public interface (used by portal, cases and the API):
- `page_form(version, page_key, data=None, files=None, *, language=None, answers=None) -> forms.Form`
- `visible_fields(version, answers) -> list[str]`
- `validate_answers(version, answers) -> (cleaned, errors)`: all pages at once, JSON-safe cleaned values (an
  answer of a type its field never takes, such as a list for a text field, is a field error)
- `document_specs(version, answers=None) -> list[dict]`: declared documents (those visible under `answers`)
- `protected_fields(version) -> set[str]`: the fields whose answers are kept encrypted at rest (NIK, KK number)
- `fields_with_role(version, role) -> list[dict]`, `answer_for_role(version, answers, role) -> str`,
  `role_field_names(version) -> set[str]`: the fields declared with a role, and their answers
- `definition_errors(form=..., documents=...) -> list[str]`: problems of a definition, each naming its path
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db.models import TextChoices
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from simpul.accounts.validators import validate_kk, validate_nik
from simpul.core.files import document_precheck
from simpul.core.text import PlainCharField
from simpul.regions.models import Region, RegionLevel


class ServiceVersion(Protocol):
    """What the engine reads of a service version (`simpul.catalog.models.ServiceVersion` is one): its form and
    document definitions. A protocol, not the model, so that the model module can use the engine without the
    two importing each other."""

    form: Any
    documents: Any

FIELD_TYPES = (
    "text", "textarea", "number", "date", "choice", "yesno", "nik", "kk", "region", "phone", "email", "url", "file",
)
# What each field type is called where staff pick one (the service designer); every type of FIELD_TYPES has one.
FIELD_TYPE_LABELS = {
    "text": _("Short text"), "textarea": _("Long text"), "number": pgettext_lazy("field type", "Number"), "date": _("Date"),
    "choice": _("Choose one of several answers"), "yesno": _("Yes or no"), "nik": _("NIK (16 digits)"),
    "kk": _("Family card number (16 digits)"), "region": _("Village or kelurahan"), "phone": _("Mobile number"),
    "email": _("Email address"), "url": _("Link to a web page"), "file": _("File upload"),
}
# The only schemes a link answer may have: a `javascript:` or `data:` link shown to an officer is a trap.
URL_SCHEMES = ("http", "https")
YES, NO = "yes", "no"
FILE_TYPES = ("pdf", "jpg", "jpeg", "png")
# Answers of these types identify a person on their own (UU 27/2022): stored encrypted wherever answers are kept
# (a case's form data, an application draft), shown masked to staff.
PROTECTED_TYPES = ("nik", "kk")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
PHONE_RE = re.compile(r"^(?:\+62|62|0)8[0-9]{7,12}$")
DEFAULT_MAX_BYTES = 2 * 1024 * 1024


class FieldRole(TextChoices):
    """What a declared field says about the applicant (the `role` key of a field; each at most once per form)."""

    APPLICANT_NAME = "applicant_name", _("Applicant's name")
    APPLICANT_NIK = "applicant_nik", _("Applicant's NIK")
    APPLICANT_PHONE = "applicant_phone", _("Applicant's mobile number")
    APPLICANT_EMAIL = "applicant_email", _("Applicant's email")
    APPLICANT_ADDRESS = "applicant_address", _("Applicant's address")
    APPLICANT_VILLAGE = "applicant_village", _("Applicant's village")


# The field types each role may be given to (a phone role on a phone field, so the case gets a valid number).
ROLE_TYPES: dict[str, tuple[str, ...]] = {
    FieldRole.APPLICANT_NAME: ("text",),
    FieldRole.APPLICANT_NIK: ("nik",),
    FieldRole.APPLICANT_PHONE: ("phone",),
    FieldRole.APPLICANT_EMAIL: ("email",),
    FieldRole.APPLICANT_ADDRESS: ("text", "textarea"),
    FieldRole.APPLICANT_VILLAGE: ("region",),
}


# -- definition helpers -----------------------------------------------------------------------------------------


def localized(mapping: dict[str, Any] | Any, key: str = "label", language: str | None = None) -> str:
    """The `<key>_<lang>` entry of a declared field/document/choice, falling back to Indonesian."""
    lang = (language or translation.get_language() or "id")[:2]
    if isinstance(mapping, dict):
        return str(mapping.get(f"{key}_{lang}") or mapping.get(f"{key}_id") or mapping.get(key) or "")
    return str(getattr(mapping, f"{key}_{lang}", "") or getattr(mapping, f"{key}_id", "") or "")


def _pages(version: ServiceVersion | dict[str, Any]) -> list[dict[str, Any]]:
    form = version if isinstance(version, dict) else (version.form or {})
    return list(form.get("pages") or [])


def all_fields(version: ServiceVersion | dict[str, Any]) -> list[dict[str, Any]]:
    """Every declared field of every page, in order."""
    return [field for page in _pages(version) for field in page.get("fields") or []]


def protected_fields(version: ServiceVersion | dict[str, Any]) -> set[str]:
    """Names of the declared fields whose answers are encrypted at rest (types in `PROTECTED_TYPES`)."""
    return {field["name"] for field in all_fields(version) if field.get("type") in PROTECTED_TYPES}


def fields_with_role(version: ServiceVersion | dict[str, Any], role: str) -> list[dict[str, Any]]:
    """The declared fields given `role` (at most one in a valid definition), in order."""
    return [field for field in all_fields(version) if field.get("role") == role]


def answer_for_role(version: ServiceVersion | dict[str, Any], answers: dict[str, Any] | None, role: str) -> str:
    """The answer to the field declared with `role`, as text ("" when the form has no such field or no answer)."""
    answers = answers or {}
    for field in fields_with_role(version, role):
        value = answers.get(field["name"])
        if value not in (None, ""):
            return str(value)
    return ""


def role_field_names(version: ServiceVersion | dict[str, Any]) -> set[str]:
    """Names of the fields declared with any role (those that identify the applicant)."""
    return {field["name"] for field in all_fields(version) if field.get("role")}


def page_keys(version: ServiceVersion) -> list[str]:
    return [page["key"] for page in _pages(version)]


def get_page(version: ServiceVersion, page_key: str) -> dict[str, Any]:
    for page in _pages(version):
        if page.get("key") == page_key:
            return page
    raise KeyError(page_key)


def _as_answer(value: Any) -> str:
    if value is True:
        return YES
    if value is False:
        return NO
    return "" if value is None else str(value)


def _condition_holds(condition: dict[str, Any] | None, answers: dict[str, Any], visible: set[str]) -> bool:
    if not condition:
        return True
    ref = condition.get("field")
    if ref not in visible:
        return False
    answer = _as_answer(answers.get(ref))
    if "in" in condition:
        return answer in {_as_answer(v) for v in condition.get("in") or []}
    return answer == _as_answer(condition.get("equals"))


def visible_fields(version: ServiceVersion | dict[str, Any], answers: dict[str, Any] | None) -> list[str]:
    """Names of the fields shown for these answers (a field depending on a hidden field is hidden too)."""
    answers = answers or {}
    visible: set[str] = set()
    ordered: list[str] = []
    for field in all_fields(version):
        if _condition_holds(field.get("show_if"), answers, visible):
            visible.add(field["name"])
            ordered.append(field["name"])
    return ordered


def document_specs(version: ServiceVersion, answers: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The declared documents; with `answers`, only those whose `show_if` holds (field visibility respected).

    Each spec carries `code`, `label_id`, `label_en`, `required`, `types` (lower-case extensions), `max_bytes`,
    `hint_id`, `hint_en`, and `show_if` if any.
    """
    specs = []
    visible = set(visible_fields(version, answers)) if answers is not None else None
    for raw in version.documents or []:
        spec = {
            "code": raw["code"], "label_id": raw.get("label_id", ""), "label_en": raw.get("label_en", ""),
            "required": bool(raw.get("required", False)),
            "types": [t.lower() for t in raw.get("types") or ["pdf", "jpg", "png"]],
            "max_bytes": int(raw.get("max_bytes") or DEFAULT_MAX_BYTES),
            "hint_id": raw.get("hint_id", ""), "hint_en": raw.get("hint_en", ""),
        }
        if raw.get("show_if"):
            spec["show_if"] = raw["show_if"]
        if visible is not None and answers is not None and not _condition_holds(raw.get("show_if"), answers, visible):
            continue
        specs.append(spec)
    return specs


# -- building Django fields ---------------------------------------------------------------------------------------


def region_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Desa/kelurahan codes grouped by kecamatan name, for the region picker."""
    groups: dict[str, list[tuple[str, str]]] = {}
    names: dict[str, str] = {}
    for code, name, parent_id, parent_name in Region.objects.filter(level=RegionLevel.DESA).values_list(
        "code", "name", "parent_id", "parent__name"
    ).order_by("parent_id", "name"):
        groups.setdefault(parent_id or "", []).append((code, name))
        names[parent_id or ""] = parent_name or ""
    return [(str(_("Kecamatan {name}")).format(name=names[k]), v) for k, v in groups.items()]


def _date_bound(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if value == "today":
        return timezone.localdate()
    return dt.date.fromisoformat(str(value))


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DecimalCommaField(forms.DecimalField):
    """A number typed as people write it: "7,5" (the Indonesian decimal comma) or "7.5", in either language;
    shown back in the page's language ("7,5" in Indonesian, "7.5" in English). One mark only: "1.000,5" is
    refused rather than guessed."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = value.strip().replace(" ", "")
            if value.count(",") + value.count(".") > 1:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            value = value.replace(",", ".")
            return super().to_python(value)
        return super().to_python(value)


def _pattern_message(spec: dict[str, Any]) -> str:
    return localized(spec, "pattern_message") or str(_("The answer does not have the expected form."))


def build_field(spec: dict[str, Any], *, region_options: list[Any] | None = None) -> forms.Field:
    """One Django form field from one declared field (labels in the active language)."""
    kind = spec.get("type", "text")
    required = bool(spec.get("required", False)) and not spec.get("show_if") and not spec.get("required_unless")
    common: dict[str, Any] = {
        "label": localized(spec, "label") or spec["name"],
        "help_text": localized(spec, "hint"),
        "required": required,
    }
    validators: list[Any] = []
    if spec.get("pattern"):
        validators.append(RegexValidator(spec["pattern"], message=_pattern_message(spec), code="pattern"))
    text_limits = {k: spec[k] for k in ("min_length", "max_length") if spec.get(k) is not None}
    field: forms.Field
    if kind in ("text", "textarea"):
        widget = forms.Textarea(attrs={"rows": 5}) if kind == "textarea" else forms.TextInput()
        text_limits.setdefault("max_length", 5000 if kind == "textarea" else 300)
        # no bidirectional controls in a typed answer (a name, a complaint): simpul.core.text
        field = PlainCharField(widget=widget, validators=validators, **text_limits, **common)
    elif kind == "number":
        field = DecimalCommaField(
            min_value=Decimal(str(spec["min"])) if spec.get("min") is not None else None,
            max_value=Decimal(str(spec["max"])) if spec.get("max") is not None else None,
            max_digits=18, decimal_places=4, validators=validators, **common,
        )
    elif kind == "date":
        validators = []
        low, high = _date_bound(spec.get("min")), _date_bound(spec.get("max"))
        if low is not None:
            validators.append(_min_date(low))
        if high is not None:
            validators.append(_max_date(high))
        field = forms.DateField(widget=_DateInput(), input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
                                validators=validators, **common)
    elif kind == "choice":
        choices = [(c["value"], localized(c, "label") or c["value"]) for c in spec.get("choices") or []]
        widget = forms.RadioSelect if len(choices) <= 5 else forms.Select
        if widget is forms.Select:
            choices = [("", _("— choose —")), *choices]
        field = forms.ChoiceField(choices=choices, widget=widget, **common)
    elif kind == "yesno":
        field = forms.ChoiceField(choices=[(YES, _("Yes")), (NO, _("No"))], widget=forms.RadioSelect, **common)
    elif kind in ("nik", "kk"):
        check = validate_nik if kind == "nik" else validate_kk
        # no min/max length of its own: the NIK/KK check says what is wrong in one message (a short NIK got two)
        field = forms.CharField(
            validators=[check, *validators],
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{16}",
                                          "maxlength": "20"}),
            **common,
        )
    elif kind == "region":
        options = region_options if region_options is not None else region_choices()
        field = forms.ChoiceField(choices=[("", _("— choose your village —")), *options], **common)
    elif kind == "phone":
        field = forms.CharField(
            max_length=20, validators=[_phone_validator, *validators],
            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}), **common,
        )
    elif kind == "email":
        field = forms.EmailField(max_length=254, validators=validators,
                                 widget=forms.EmailInput(attrs={"autocomplete": "email"}), **common)
    elif kind == "url":
        field = LinkField(max_length=500, validators=validators, **common)
    elif kind == "file":
        types = [t.lower() for t in spec.get("types") or ["pdf", "jpg", "png"]]
        field = forms.FileField(
            validators=[_file_validator(types, int(spec.get("max_bytes") or DEFAULT_MAX_BYTES))],
            widget=forms.ClearableFileInput(attrs={"accept": ",".join("." + t for t in types)}), **common,
        )
    else:
        raise ValueError(f"unknown field type {kind!r}")
    field.simpul_spec = spec  # type: ignore[attr-defined]
    return field


def _min_date(low: dt.date) -> Any:
    def check(value: dt.date) -> None:
        if value < low:
            raise ValidationError(_("The date must be on or after {date}.").format(date=date_format(low)),
                                  code="min")

    return check


def _max_date(high: dt.date) -> Any:
    def check(value: dt.date) -> None:
        if value > high:
            raise ValidationError(_("The date must be on or before {date}.").format(date=date_format(high)),
                                  code="max")

    return check


def normalize_phone(value: str) -> str:
    return re.sub(r"[\s\-().]", "", value or "")


def _phone_validator(value: str) -> None:
    if not PHONE_RE.match(normalize_phone(value)):
        raise ValidationError(
            _("Enter a mobile number such as 081234567890 or +6281234567890."), code="phone"
        )


class LinkField(forms.URLField):
    """A link answer: a web address with http:// or https:// and a host, nothing else (never `javascript:`,
    `data:`, `file:`, `ftp:`...), with one plain message whatever is wrong with it. An address typed without a
    scheme ("example.org/foto.jpg") is taken as https://."""

    default_validators = [URLValidator(schemes=list(URL_SCHEMES), message=_(
        "Give a full web link that starts with http:// or https://."), code="url")]
    default_error_messages = {"invalid": _("Give a full web link that starts with http:// or https://.")}
    widget = forms.URLInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "url")


def _file_validator(types: list[str], max_bytes: int) -> Any:
    """The file field's check, the one upload pipeline's (`simpul.core.files`): size against the field's cap and
    `UPLOAD_MAX_BYTES`, type from the content's first bytes (not the name); the whole file is checked again when
    it is stored."""
    spec = {"types": types, "max_bytes": max_bytes}

    def check(upload: Any) -> None:
        head = upload.read(4096)
        upload.seek(0)
        document_precheck(spec=spec, name=getattr(upload, "name", "") or "", size=upload.size, head=head)

    return check


class DeclaredForm(forms.Form):
    """Base of the forms built from a definition: applies show_if and conditional `required` after cleaning."""

    simpul_specs: list[dict[str, Any]] = []
    simpul_context: dict[str, Any] = {}
    simpul_definition: dict[str, Any] = {}

    def _answers_for_conditions(self) -> dict[str, Any]:
        answers = dict(self.simpul_context)
        if self.is_bound:
            for spec in self.simpul_specs:
                answers[spec["name"]] = self.data.get(self.add_prefix(spec["name"]), answers.get(spec["name"]))
        return answers

    def visible_names(self) -> set[str]:
        return set(visible_fields(self.simpul_definition, self._answers_for_conditions()))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        visible = self.visible_names()
        for spec in self.simpul_specs:
            name = spec["name"]
            if name not in visible:
                cleaned.pop(name, None)
                if self._errors:
                    self._errors.pop(name, None)
                continue
            missing = cleaned.get(name) in (None, "", [])
            if not missing or name in (self._errors or {}):
                continue
            other = spec.get("required_unless")
            if other:
                if _as_answer(self._answer_of(other, cleaned)) == "":
                    label = self._label_of(other)
                    self.add_error(name, forms.ValidationError(
                        _("Fill this in, or fill in “{other}”.").format(other=label), code="required_unless"))
            elif spec.get("show_if") and spec.get("required"):
                self.add_error(name, forms.ValidationError(_("This field is required."), code="required"))
        return cleaned

    def _answer_of(self, name: str, cleaned: dict[str, Any]) -> Any:
        """Another field's answer: cleaned on this page, else as given with the other pages' answers."""
        if name in cleaned:
            return cleaned[name]
        if name in self.fields and self.is_bound:
            return self.data.get(self.add_prefix(name))  # it failed its own check: still an answer
        return self.simpul_context.get(name)

    def _label_of(self, name: str) -> str:
        spec = next((s for s in all_fields(self.simpul_definition) if s.get("name") == name), {})
        return localized(spec, "label") or name


def page_form(
    version: ServiceVersion,
    page_key: str,
    data: Any = None,
    files: Any = None,
    *,
    language: str | None = None,
    answers: dict[str, Any] | None = None,
    prefix: str | None = None,
) -> DeclaredForm:
    """A bound (or unbound) Django form for one page of the version's form.

    `answers` holds the answers of the other pages, so `show_if` can refer to them; for an unbound form it is
    also the initial data. Fields with `show_if` are always rendered (pages work without JavaScript) and only
    validated when their condition holds.
    """
    with translation.override(language) if language else _null_context():
        page = get_page(version, page_key)
        specs = list(page.get("fields") or [])
        region_options = region_choices() if any(s.get("type") == "region" for s in specs) else None
        attrs: dict[str, Any] = {
            spec["name"]: build_field(spec, region_options=region_options) for spec in specs
        }
        attrs["simpul_specs"] = specs
        attrs["simpul_context"] = dict(answers or {})
        attrs["simpul_definition"] = version.form or {}
        form_class = type(f"Page_{page_key}", (DeclaredForm,), attrs)
        initial = {s["name"]: (answers or {}).get(s["name"]) for s in specs if (answers or {}).get(s["name"])}
        if data is None and files is None:
            return form_class(initial=initial, prefix=prefix)
        return form_class(data=data, files=files, initial=initial, prefix=prefix)


class _null_context:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


def to_json_value(value: Any) -> Any:
    """A cleaned form value as a JSON-safe answer (dates ISO, decimals int or float, phones compact)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def json_answers(form: forms.Form) -> dict[str, Any]:
    """The cleaned data of a valid page form, JSON-safe, without files."""
    out = {}
    for name, value in form.cleaned_data.items():
        spec = getattr(form.fields.get(name), "simpul_spec", {}) if name in form.fields else {}
        if spec.get("type") == "file":
            continue
        if spec.get("type") == "phone" and value:
            value = normalize_phone(value)
        out[name] = to_json_value(value)
    return out


def validate_answers(
    version: ServiceVersion, answers: dict[str, Any], *, language: str | None = None,
    optional: Iterable[str] = (),
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Validate answers for all pages at once.

    Returns `(cleaned, errors)`: `cleaned` holds JSON-safe values of the visible, non-file fields (hidden
    fields and unknown keys are dropped); `errors` maps a field name to translated messages. File fields are
    not validated here: uploads are checked against `document_specs` by the cases app. The fields named in
    `optional` may be left empty (the caller has that answer another way, e.g. a point instead of the village);
    an answer given to them is still checked.

    The form classes are built once per definition, page, language and day (`_validation_form_class`), and a
    region answer is checked with one look-up of its code instead of loading every village as choices.
    """
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    with translation.override(language) if language else _null_context():
        wrong_type = answer_type_errors(version, answers or {})
        answers = {k: _as_form_value(v) for k, v in (answers or {}).items() if k not in wrong_type}
        definition = version.form or {}
        signature = _definition_signature(definition)
        left_open = frozenset(optional)
        for key in page_keys(version):
            form_class = _validation_form_class(definition, signature, key, left_open)
            initial = {s["name"]: answers.get(s["name"]) for s in form_class.simpul_specs if answers.get(s["name"])}
            form = form_class(data=answers, initial=initial)
            form.simpul_context = dict(answers)
            if form.is_valid():
                cleaned.update(json_answers(form))
            else:
                for name, messages in form.errors.items():
                    errors.setdefault(name, []).extend(str(m) for m in messages)
                cleaned.update({
                    n: to_json_value(v) for n, v in getattr(form, "cleaned_data", {}).items() if n not in form.errors
                })
    errors.update({name: [message] for name, message in wrong_type.items()})
    return cleaned, errors


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# What a JSON answer may be, per field type (None is no answer): text everywhere, and besides text a number for
# a number field and true/false for a yes/no field. A list or an object is never an answer: Django's fields would
# take its Python repr ("['a', 'b']") as the text and store it.
_ANSWER_TYPES: dict[str, tuple[Any, Any]] = {
    "number": (lambda v: isinstance(v, str) or _is_number(v), _("Give a number.")),
    "yesno": (lambda v: isinstance(v, str | bool), _("Answer yes or no.")),
}
_TEXT_ANSWER = (lambda v: isinstance(v, str), _("Give this answer as text."))


def answer_type_errors(version: ServiceVersion | dict[str, Any], answers: dict[str, Any]) -> dict[str, str]:
    """Answers whose type no field of their kind accepts (a list or an object for a text field, a number for a
    NIK...): field name -> translated message. Fields not declared, file fields and None are not checked."""
    errors: dict[str, str] = {}
    for spec in all_fields(version):
        name = spec.get("name")
        kind = spec.get("type", "text")
        if kind == "file" or name not in answers or answers[name] is None:
            continue
        accepts, message = _ANSWER_TYPES.get(kind, _TEXT_ANSWER)
        if not accepts(answers[name]):
            errors[name] = str(message)
    return errors


class _RegionCodeField(forms.ChoiceField):
    """The region picker's field for validation only: a desa/kelurahan code is valid when such a region exists
    (the same rule as its choices, `region_choices`), checked with one indexed look-up of that code."""

    def valid_value(self, value: Any) -> bool:
        return Region.objects.filter(level=RegionLevel.DESA, code=str(value)).exists()


_FORM_CLASSES: dict[tuple[Any, ...], type[DeclaredForm]] = {}
_FORM_CLASSES_MAX = 512


def _definition_signature(definition: dict[str, Any]) -> str:
    import json

    return json.dumps(definition, sort_keys=True, separators=(",", ":"), default=str)


def _validation_form_class(
    definition: dict[str, Any], signature: str, page_key: str, optional: frozenset[str] = frozenset()
) -> type[DeclaredForm]:
    """The form class validating one page's non-file fields, cached per process.

    Keyed by the definition itself (its canonical JSON, so an edited or newly published version never meets a
    stale class), the page, the fields left optional, the active language (labels, pattern messages) and the
    local date (`"today"` bounds).
    """
    cache_key = (signature, page_key, optional, translation.get_language(), timezone.localdate())
    form_class = _FORM_CLASSES.get(cache_key)
    if form_class is not None:
        return form_class
    definition = copy.deepcopy(definition)  # the class outlives the caller's dict, which may be edited in place
    page = get_page(definition, page_key)  # type: ignore[arg-type]
    specs = [s for s in page.get("fields") or [] if s.get("type") != "file"]
    for spec in specs:
        if spec.get("name") in optional:
            spec["required"] = False
            spec.pop("required_unless", None)
    attrs: dict[str, Any] = {}
    for spec in specs:
        if spec.get("type") == "region":
            field = build_field(spec, region_options=[])
            region_field = _RegionCodeField(choices=field.choices, required=field.required, label=field.label,
                                            help_text=field.help_text)
            region_field.simpul_spec = spec  # type: ignore[attr-defined]
            attrs[spec["name"]] = region_field
        else:
            attrs[spec["name"]] = build_field(spec)
    attrs["simpul_specs"] = specs
    attrs["simpul_context"] = {}
    attrs["simpul_definition"] = definition
    form_class = type(f"Page_{page_key}", (DeclaredForm,), attrs)
    if len(_FORM_CLASSES) >= _FORM_CLASSES_MAX:
        _FORM_CLASSES.clear()
    _FORM_CLASSES[cache_key] = form_class
    return form_class


def _as_form_value(value: Any) -> Any:
    if value is True:
        return YES
    if value is False:
        return NO
    return value


# -- checking a definition (import, admin, publish) ---------------------------------------------------------------


def definition_errors(*, form: Any, documents: Any) -> list[str]:
    """Problems of a form/documents definition, each message naming its path (e.g. `form.pages[0].fields[2]`)."""
    errors: list[str] = []
    if form in (None, ""):
        form = {}
    if not isinstance(form, dict):
        return [str(_("form: must be a mapping with a list of pages"))]
    pages = form.get("pages", [])
    if not isinstance(pages, list):
        return [str(_("form.pages: must be a list"))]
    seen: dict[str, str] = {}
    roles_seen: dict[str, str] = {}
    page_keys_seen: set[str] = set()
    for p_index, page in enumerate(pages):
        ppath = f"form.pages[{p_index}]"
        if not isinstance(page, dict):
            errors.append(str(_("{path}: must be a mapping")).format(path=ppath))
            continue
        key = page.get("key")
        if not key or not isinstance(key, str) or not NAME_RE.match(key):
            errors.append(str(_("{path}.key: needs a short lower-case key")).format(path=ppath))
        elif key in page_keys_seen:
            errors.append(str(_("{path}.key: duplicate page key '{key}'")).format(path=ppath, key=key))
        page_keys_seen.add(str(key))
        fields = page.get("fields", [])
        if not isinstance(fields, list) or not fields:
            errors.append(str(_("{path}.fields: a page needs at least one field")).format(path=ppath))
            continue
        for f_index, field in enumerate(fields):
            errors += _field_errors(f"{ppath}.fields[{f_index}]", field, seen)
            errors += _role_errors(f"{ppath}.fields[{f_index}]", field, roles_seen)
    errors += _condition_errors(pages, seen)
    errors += _required_unless_errors(pages, seen)
    errors += _document_errors(documents, seen)
    return errors


def _required_unless_errors(pages: list[Any], seen: dict[str, str]) -> list[str]:
    """`required_unless` names another field of the form (on any page)."""
    errors: list[str] = []
    for p_index, page in enumerate(pages):
        if not isinstance(page, dict) or not isinstance(page.get("fields"), list):
            continue
        for f_index, field in enumerate(page["fields"]):
            if not isinstance(field, dict) or field.get("required_unless") in (None, ""):
                continue
            other = field["required_unless"]
            if not isinstance(other, str) or other not in seen or other == field.get("name"):
                errors.append(str(_("{path}.required_unless: names no other field of the form ('{field}')")).format(
                    path=f"form.pages[{p_index}].fields[{f_index}]", field=other))
    return errors


def _field_errors(path: str, field: Any, seen: dict[str, str]) -> list[str]:
    errors: list[str] = []
    if not isinstance(field, dict):
        return [str(_("{path}: must be a mapping")).format(path=path)]
    name = field.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        errors.append(str(_("{path}.name: use lower-case letters, digits and _ (got '{name}')")).format(
            path=path, name=name))
    elif name in seen:
        errors.append(str(_("{path}.name: duplicate field name '{name}' (first at {first})")).format(
            path=path, name=name, first=seen[name]))
    else:
        seen[name] = path
    kind = field.get("type")
    if kind not in FIELD_TYPES:
        errors.append(str(_("{path}.type: unknown field type '{type}' (allowed: {allowed})")).format(
            path=path, type=kind, allowed=", ".join(FIELD_TYPES)))
    if not field.get("label_id"):
        errors.append(str(_("{path}.label_id: an Indonesian label is required")).format(path=path))
    if kind == "choice":
        choices = field.get("choices")
        if not isinstance(choices, list) or not choices:
            errors.append(str(_("{path}.choices: a choice field needs choices")).format(path=path))
        else:
            values = [c.get("value") if isinstance(c, dict) else None for c in choices]
            if any(not v for v in values) or len(set(values)) != len(values):
                errors.append(str(_("{path}.choices: every choice needs a distinct value")).format(path=path))
    if field.get("pattern"):
        try:
            re.compile(field["pattern"])
        except (re.error, TypeError):
            errors.append(str(_("{path}.pattern: not a valid regular expression")).format(path=path))
    for key in ("min_length", "max_length"):
        if field.get(key) is not None and (not isinstance(field[key], int) or field[key] < 0):
            errors.append(str(_("{path}.{key}: must be a whole number")).format(path=path, key=key))
    for key in ("min", "max"):
        if field.get(key) is None:
            continue
        if kind == "date":
            try:
                _date_bound(field[key])
            except (ValueError, TypeError):
                errors.append(str(_("{path}.{key}: use a date YYYY-MM-DD or 'today'")).format(path=path, key=key))
        elif not isinstance(field[key], int | float) or isinstance(field[key], bool):
            errors.append(str(_("{path}.{key}: must be a number")).format(path=path, key=key))
    return errors


def _role_errors(path: str, field: Any, roles_seen: dict[str, str]) -> list[str]:
    if not isinstance(field, dict) or field.get("role") in (None, ""):
        return []
    role = field["role"]
    if not isinstance(role, str) or role not in FieldRole.values:
        return [str(_("{path}.role: unknown role '{role}' (allowed: {allowed})")).format(
            path=path, role=role, allowed=", ".join(FieldRole.values))]
    if role in roles_seen:
        return [str(_("{path}.role: the role '{role}' is already given to {first}")).format(
            path=path, role=role, first=roles_seen[role])]
    roles_seen[role] = path
    if field.get("type") not in ROLE_TYPES[role]:
        return [str(_("{path}.role: the role '{role}' needs a field of type {types}")).format(
            path=path, role=role, types=", ".join(ROLE_TYPES[role]))]
    return []


def _check_condition(path: str, condition: Any, known: Iterable[str]) -> list[str]:
    if not isinstance(condition, dict) or not condition.get("field"):
        return [str(_("{path}.show_if: needs 'field' and 'equals' (or 'in')")).format(path=path)]
    if condition["field"] not in known:
        return [str(_("{path}.show_if: refers to unknown or later field '{field}'")).format(
            path=path, field=condition["field"])]
    if "equals" not in condition and "in" not in condition:
        return [str(_("{path}.show_if: needs 'equals' or 'in'")).format(path=path)]
    return []


def _condition_errors(pages: list[Any], seen: dict[str, str]) -> list[str]:
    errors: list[str] = []
    earlier: list[str] = []
    for p_index, page in enumerate(pages):
        if not isinstance(page, dict) or not isinstance(page.get("fields"), list):
            continue
        for f_index, field in enumerate(page["fields"]):
            if not isinstance(field, dict):
                continue
            if field.get("show_if") is not None:
                errors += _check_condition(f"form.pages[{p_index}].fields[{f_index}]", field["show_if"], earlier)
            if isinstance(field.get("name"), str):
                earlier.append(field["name"])
    return errors


def _document_errors(documents: Any, fields: dict[str, str]) -> list[str]:
    if documents in (None, ""):
        return []
    if not isinstance(documents, list):
        return [str(_("documents: must be a list"))]
    errors: list[str] = []
    codes: set[str] = set()
    for index, doc in enumerate(documents):
        path = f"documents[{index}]"
        if not isinstance(doc, dict):
            errors.append(str(_("{path}: must be a mapping")).format(path=path))
            continue
        code = doc.get("code")
        if not isinstance(code, str) or not NAME_RE.match(code):
            errors.append(str(_("{path}.code: use lower-case letters, digits and _")).format(path=path))
        elif code in codes:
            errors.append(str(_("{path}.code: duplicate document code '{code}'")).format(path=path, code=code))
        codes.add(str(code))
        if not doc.get("label_id"):
            errors.append(str(_("{path}.label_id: an Indonesian label is required")).format(path=path))
        types = doc.get("types", ["pdf"])
        if not isinstance(types, list) or not types or any(str(t).lower() not in FILE_TYPES for t in types):
            errors.append(str(_("{path}.types: allowed types are {allowed}")).format(
                path=path, allowed=", ".join(FILE_TYPES)))
        max_bytes = doc.get("max_bytes", DEFAULT_MAX_BYTES)
        if not isinstance(max_bytes, int) or max_bytes <= 0 or max_bytes > 50 * 1024 * 1024:
            errors.append(str(_("{path}.max_bytes: a size between 1 byte and 50 MB")).format(path=path))
        if doc.get("show_if") is not None:
            errors += _check_condition(path, doc["show_if"], fields)
    return errors
