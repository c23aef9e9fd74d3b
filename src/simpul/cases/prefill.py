"""Once only: a logged-in citizen's form starts with what her profile already says (her NIK, name, phone, e-mail
and village), shown and editable; what she changed may go back to her profile when she sends.

Which fields are filled is read from the form definition, never from field names: the fields declared with a
role (`simpul.catalog.forms_engine.FieldRole`), and the village question on the page that asks about the applicant
(a complaint's first village question is where the problem is, on another page, and stays empty).

Only for a citizen applying for herself: an anonymous visitor, a business, and staff (a village operator's
assisted form is for someone else) get nothing. The values are the pages' initial values only: nothing counts as
answered (or is stored in the draft, where the NIK is encrypted like every NIK answer) until the page is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from simpul.accounts.models import CitizenProfile, Role
from simpul.accounts.services import profile_update
from simpul.cases.display import display_answer
from simpul.catalog.forms_engine import FieldRole, localized
from simpul.core.text import normalise_phone
from simpul.regions.models import Region

# The profile attribute each field role is filled from ("email" is the account's own address).
ROLE_ATTRIBUTES: dict[str, str] = {
    FieldRole.APPLICANT_NAME: "full_name",
    FieldRole.APPLICANT_NIK: "nik",
    FieldRole.APPLICANT_PHONE: "phone",
    FieldRole.APPLICANT_EMAIL: "email",
    FieldRole.APPLICANT_VILLAGE: "domicile",
}
VILLAGE = "domicile"
# What a citizen may change in her own profile (`simpul.accounts.services.CITIZEN_EDITABLE`): a NIK is corrected
# by the office, so a changed NIK answer stays in the application only.
SAVABLE = ("full_name", "phone", VILLAGE)


@dataclass(frozen=True)
class ProfileValue:
    """One form field filled from the profile: the field, the profile attribute, and the value as the form
    takes it (a village by its code)."""

    name: str
    attribute: str
    value: str
    label: str = ""


@dataclass(frozen=True)
class ProfileChange:
    """An answer that differs from the profile, which the citizen may save to it."""

    attribute: str
    label: str
    old: str
    new: str


def _citizen_profile(user: Any) -> CitizenProfile | None:
    if not getattr(user, "is_authenticated", False) or getattr(user, "role", None) != Role.CITIZEN:
        return None
    return CitizenProfile.objects.select_related("user").filter(user=user).first()


def _profile_value(profile: CitizenProfile, attribute: str) -> str:
    if attribute == "email":
        return str(profile.user.email or "")
    if attribute == VILLAGE:
        return str(profile.domicile_id or "")
    if attribute == "phone":
        return _local_phone(str(profile.phone or profile.user.phone or ""))
    return str(getattr(profile, attribute) or "")


def _local_phone(value: str) -> str:
    """A mobile number written the way people read and type it (0812..., not +62812...)."""
    number = normalise_phone(value)
    return "0" + number[3:] if number.startswith("+62") else number


def _fields(version: Any) -> list[tuple[dict[str, Any], str]]:
    """Each field the profile can fill, with its profile attribute."""
    found: list[tuple[dict[str, Any], str]] = []
    for page in (version.form or {}).get("pages") or []:
        fields = page.get("fields") or []
        for field in fields:
            attribute = ROLE_ATTRIBUTES.get(field.get("role") or "")
            if attribute:
                found.append((field, attribute))
        # A form that declares no village role: the village question on the page that asks about the applicant.
        if any(f.get("role") for f in fields) and not any(a == VILLAGE for _f, a in found) and not any(
                f.get("role") == FieldRole.APPLICANT_VILLAGE for p in (version.form or {}).get("pages") or []
                for f in p.get("fields") or []):
            village = next((f for f in fields if f.get("type") == "region"), None)
            if village is not None:
                found.append((village, VILLAGE))
    return found


def profile_prefill(*, version: Any, user: Any) -> dict[str, ProfileValue]:
    """The form fields the citizen's profile fills, by field name (empty for anyone but a citizen with a
    profile, and without the profile's empty values)."""
    profile = _citizen_profile(user)
    if profile is None:
        return {}
    filled: dict[str, ProfileValue] = {}
    for field, attribute in _fields(version):
        value = _profile_value(profile, attribute)
        if value:
            filled[field["name"]] = ProfileValue(name=field["name"], attribute=attribute, value=value,
                                                 label=localized(field, "label") or field["name"])
    return filled


def _same(attribute: str, answer: Any, value: str) -> bool:
    if attribute == "phone":
        return normalise_phone(str(answer or "")) == normalise_phone(value)
    if attribute in ("nik", "email"):
        return str(answer or "").strip().lower() == value.strip().lower()
    return " ".join(str(answer or "").split()) == " ".join(value.split())


def from_profile(*, prefill: dict[str, ProfileValue], answers: dict[str, Any]) -> set[str]:
    """The fields whose answer (or, unanswered, initial value) is still the profile's."""
    return {name for name, filled in prefill.items()
            if name not in answers or _same(filled.attribute, answers.get(name), filled.value)}


def _shown(spec: dict[str, Any], value: Any) -> str:
    """An answer as the review shows it; a phone number written the one way people read it (0812...)."""
    if spec.get("type") == "phone":
        return _local_phone(str(value or ""))
    return display_answer(spec, value)


def profile_changes(*, version: Any, user: Any, answers: dict[str, Any]) -> list[ProfileChange]:
    """The answers the citizen changed from her profile that her profile can take (name, phone, village), in
    the form's order; an emptied answer is not a change to save."""
    changes: list[ProfileChange] = []
    specs = {field["name"]: field for field, _a in _fields(version)}
    for name, filled in profile_prefill(version=version, user=user).items():
        answer = answers.get(name)
        if filled.attribute not in SAVABLE or answer in (None, "") or _same(filled.attribute, answer, filled.value):
            continue
        spec = specs[name]
        changes.append(ProfileChange(attribute=filled.attribute, label=filled.label,
                                     old=_shown(spec, filled.value), new=_shown(spec, answer)))
    return changes


def profile_save_answers(*, version: Any, user: Any, answers: dict[str, Any]) -> list[str]:
    """Save the changed answers to the citizen's profile through the accounts service (audited there); returns
    the attributes saved. A value the profile refuses (a village that is not a desa, say) leaves the profile as
    it was: the application is sent all the same."""
    profile = _citizen_profile(user)
    if profile is None:
        return []
    prefill = profile_prefill(version=version, user=user)
    data: dict[str, Any] = {}
    for name, filled in prefill.items():
        answer = answers.get(name)
        if filled.attribute in SAVABLE and answer not in (None, "") and not _same(filled.attribute, answer,
                                                                                   filled.value):
            data[filled.attribute] = answer
    if VILLAGE in data:
        data[VILLAGE] = Region.objects.filter(code=data[VILLAGE]).first()
    if not data:
        return []
    try:
        with transaction.atomic():
            profile_update(actor=user, profile=profile, data=data)
    except (ValidationError, PermissionDenied):
        return []
    return sorted(data)
