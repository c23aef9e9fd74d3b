"""Forms of the accounts pages. Field checks live in validators and services; forms only parse input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from simpul.accounts.validators import validate_nib, validate_nik
from simpul.regions.models import Region, RegionLevel


class NIKField(forms.CharField):
    """A 16-digit NIK, checked with `validate_nik` (area, birth date, serial); cleans to the bare digits."""

    default_error_messages = {"required": _("Enter the 16-digit NIK from the ID card or family card.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("NIK (Nomor Induk Kependudukan)"))
        kwargs.setdefault("max_length", 24)
        kwargs.setdefault(
            "help_text", _("16 digits, on the ID card (KTP) or family card (KK). It is stored encrypted.")
        )
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"})
        return attrs

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if value in self.empty_values:
            return value
        return validate_nik(value).nik


def desa_choices() -> list[tuple[str, Any]]:
    """Villages of this install's kabupaten grouped by kecamatan (one query), for a <select> with <optgroup>."""
    prefix = settings.SIMPUL_KABUPATEN_CODE + "."
    groups: dict[str, list[tuple[str, str]]] = {}
    names: dict[str, str] = {}
    villages = Region.objects.filter(level=RegionLevel.DESA, code__startswith=prefix).select_related("parent")
    for village in villages.order_by("parent__name", "name"):
        parent = village.parent
        key = parent.code if parent else ""
        names[key] = parent.name if parent else ""
        groups.setdefault(key, []).append((village.code, f"{village.name} ({village.get_kind_display()})"))
    choices: list[tuple[str, Any]] = [("", _("Choose your village"))]
    for key, options in groups.items():
        choices.append((str(_("Kecamatan {name}").format(name=names[key])), options))
    return choices


class DesaField(forms.ChoiceField):
    """A desa/kelurahan picker that works without JavaScript: one <select> grouped by kecamatan."""

    default_error_messages = {
        "required": _("Choose your village."),
        "invalid_choice": _("Choose a village from the list."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Village (desa or kelurahan)"))
        super().__init__(choices=desa_choices, **kwargs)

    def clean(self, value: Any) -> Region | None:
        code = super().clean(value)
        if not code:
            return None
        region = Region.objects.filter(code=code, level=RegionLevel.DESA).first()
        if region is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return region


class _AccountFields(forms.Form):
    email = forms.EmailField(
        label=_("Email address"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=20,
        help_text=_("Fill in an email address, a phone number, or both. You log in with either."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 12 characters. A short sentence is easy to remember and hard to guess."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("email") and not (data.get("phone") or "").strip() and "email" not in self.errors:
            self.add_error("email", _("Enter an email address or a phone number."))
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", _("The two passwords are not the same."))
        return data


class CitizenRegistrationForm(_AccountFields):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("As written on your ID card."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    nik = NIKField()
    domicile = DesaField(label=_("Village where you live"))

    field_order = ["full_name", "nik", "domicile", "email", "phone", "password", "password_again"]


class BusinessRegistrationForm(_AccountFields):
    full_name = forms.CharField(
        label=_("Name of the contact person"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    business_name = forms.CharField(label=_("Business name"), max_length=200)
    nib = forms.CharField(
        label=_("NIB (Nomor Induk Berusaha)"),
        max_length=20,
        help_text=_("13 digits, from the OSS system."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    kbli_codes = forms.CharField(
        label=_("KBLI codes"),
        max_length=300,
        help_text=_(
            "The 5-digit business activity codes on your NIB, separated by commas, e.g. 47111, 56101."
        ),
    )
    address = forms.CharField(label=_("Business address"), max_length=300)
    desa = DesaField(label=_("Village of the business"))

    field_order = [
        "business_name",
        "nib",
        "kbli_codes",
        "address",
        "desa",
        "full_name",
        "email",
        "phone",
        "password",
        "password_again",
    ]

    def clean_nib(self) -> str:
        return validate_nib(self.cleaned_data["nib"])


class LoginForm(AuthenticationForm):
    """Email or phone number plus password; Django's form passes `request` to authenticate (django-axes)."""

    username = forms.CharField(
        label=_("Email address or phone number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "The email address or phone number and password do not match an account. Check them and try again."
        ),
        "inactive": _("This account is not active."),
    }


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


class CitizenProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    domicile = DesaField(label=_("Village where you live"))


class BusinessProfileForm(forms.Form):
    business_name = forms.CharField(label=_("Business name"), max_length=200)
    kbli_codes = forms.CharField(
        label=_("KBLI codes"), max_length=300, help_text=_("5-digit codes separated by commas.")
    )
    address = forms.CharField(label=_("Business address"), max_length=300)
    desa = DesaField(label=_("Village of the business"))
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
