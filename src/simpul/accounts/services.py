"""Writes of the accounts app: registration, profile changes, NIK reveals and TOTP devices.

Every service is keyword-only, atomic, validates before saving and writes an audit entry. Personal data
in audit entries is masked (NIK `1606********0001`, email `s***a@...`, phone `+6281*****890`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from simpul.accounts.models import BusinessProfile, CitizenProfile, Role, User
from simpul.accounts.permissions import may_reveal_nik
from simpul.accounts.subject_data import collect
from simpul.accounts.validators import validate_kbli_list, validate_nib, validate_nik
from simpul.core.limits import Limit, limit_hit
from simpul.core.pdp import mask_email, mask_nik, mask_phone, nik_hash
from simpul.core.services import audit_record
from simpul.core.text import normalise_phone
from simpul.regions.models import Region, RegionLevel

# UU 27/2022 Pasal 20(2): personal data of public-service users is processed as a public task, not on consent.
LEGAL_BASIS_PUBLIC_SERVICE = "public_service"
CITIZEN_EDITABLE = ("full_name", "phone", "domicile")
BUSINESS_EDITABLE = ("business_name", "kbli_codes", "address", "desa", "phone")


def _check_desa(region: Region | None, field: str) -> dict[str, str]:
    if region is None:
        return {field: _("Choose your village.")}
    if region.level != RegionLevel.DESA:
        return {field: _("Choose a village (desa or kelurahan), not a larger region.")}
    return {}


def _new_user(
    *, email: str | None, phone: str | None, password: str, full_name: str, role: str
) -> tuple[User, dict[str, Any]]:
    """Build (not save) a user and collect the errors of the login identifiers and the password."""
    errors: dict[str, Any] = {}
    email = (email or "").strip().lower() or None
    phone = normalise_phone(phone or "") or None
    if not email and not phone:
        errors["email"] = _("Enter an email address or a phone number.")
    if phone and not 10 <= len(phone) <= 16:
        errors["phone"] = _("Enter a phone number such as 0812 3456 7890.")
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = _("An account with this email address already exists.")
    if phone and User.objects.filter(phone=phone).exists():
        errors["phone"] = _("An account with this phone number already exists.")
    user = User(email=email, phone=phone, full_name=full_name.strip(), role=role)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = exc.error_list
    user.set_password(password)
    return user, errors


def _audit_identity(user: User) -> dict[str, str]:
    return {"email": mask_email(user.email), "phone": mask_phone(user.phone), "role": user.role}


@transaction.atomic
def citizen_register(
    *,
    email: str | None,
    phone: str | None,
    password: str,
    full_name: str,
    nik: str,
    domicile: Region | None,
    actor: User | None = None,
    today: dt.date | None = None,
) -> User:
    """Create a citizen account with its profile; raises ValidationError keyed by field."""
    user, errors = _new_user(
        email=email, phone=phone, password=password, full_name=full_name, role=Role.CITIZEN
    )
    if not full_name.strip():
        errors["full_name"] = _("Enter your full name as written on your ID card.")
    errors.update(_check_desa(domicile, "domicile"))
    info = None
    try:
        info = validate_nik(nik, today=today)
    except ValidationError as exc:
        errors["nik"] = exc.error_list
    if info is not None and CitizenProfile.objects.filter(nik_hash=nik_hash(info.nik)).exists():
        errors["nik"] = ValidationError(
            _("This NIK is already registered. Log in, or reset your password if you forgot it."),
            code="nik_taken",
        )
    if errors:
        raise ValidationError(errors)
    if info is None or domicile is None:  # unreachable: both were checked above
        raise ValidationError(_("Check the form."))
    user.full_clean(exclude=["password"])
    user.save()
    profile = CitizenProfile(
        user=user,
        nik=info.nik,
        nik_hash=nik_hash(info.nik),
        full_name=user.full_name,
        birth_date=info.birth_date,
        sex=info.sex,
        domicile=domicile,
        phone=user.phone or "",
    )
    profile.full_clean()
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError as exc:  # two registrations of one NIK at the same moment
        raise ValidationError({"nik": _("This NIK is already registered.")}) from exc
    audit_record(
        actor=actor or user,
        action="accounts.citizen_registered",
        obj=profile,
        object_repr=f"{profile.full_name} ({profile.nik_masked})",
        changes={
            **_audit_identity(user),
            "nik": mask_nik(info.nik),
            "domicile": domicile.code,
            "legal_basis": LEGAL_BASIS_PUBLIC_SERVICE,
        },
    )
    return user


@transaction.atomic
def business_register(
    *,
    email: str | None,
    phone: str | None,
    password: str,
    full_name: str,
    business_name: str,
    nib: str,
    kbli_codes: list[str] | str,
    address: str,
    desa: Region | None,
    actor: User | None = None,
) -> User:
    """Create a business account (pelaku usaha) with NIB and KBLI codes; raises ValidationError by field."""
    user, errors = _new_user(
        email=email, phone=phone, password=password, full_name=full_name, role=Role.BUSINESS
    )
    errors.update(_check_desa(desa, "desa"))
    if not business_name.strip():
        errors["business_name"] = _("Enter the name of the business.")
    if not address.strip():
        errors["address"] = _("Enter the address of the business.")
    clean_nib, codes = "", []
    try:
        clean_nib = validate_nib(nib)
        if BusinessProfile.objects.filter(nib=clean_nib).exists():
            errors["nib"] = _("A business with this NIB already has an account.")
    except ValidationError as exc:
        errors["nib"] = exc.error_list
    try:
        codes = validate_kbli_list(kbli_codes)
    except ValidationError as exc:
        errors["kbli_codes"] = exc.error_list
    if errors:
        raise ValidationError(errors)
    if desa is None:  # unreachable: checked above
        raise ValidationError(_("Choose your village."))
    user.full_clean(exclude=["password"])
    user.save()
    profile = BusinessProfile(
        user=user,
        business_name=business_name.strip(),
        nib=clean_nib,
        kbli_codes=codes,
        address=address.strip(),
        desa=desa,
        phone=user.phone or "",
    )
    profile.full_clean()
    profile.save()
    audit_record(
        actor=actor or user,
        action="accounts.business_registered",
        obj=profile,
        changes={**_audit_identity(user), "nib": clean_nib, "kbli_codes": codes, "desa": desa.code},
    )
    return user


def _display(value: Any) -> Any:
    if isinstance(value, Region):
        return value.code
    return value


@transaction.atomic
def profile_update(
    *, actor: User, profile: CitizenProfile | BusinessProfile, data: dict[str, Any]
) -> CitizenProfile | BusinessProfile:
    """Change the editable fields of a profile (its owner or a platform admin); audited with masked values.

    A citizen's NIK may only be corrected by a platform admin (`data["nik"]`); it is re-validated and
    its birth date and sex decoded again.
    """
    is_admin = actor.is_superuser or actor.role == Role.PLATFORM_ADMIN
    if profile.user_id != actor.pk and not is_admin:
        raise PermissionDenied
    editable = CITIZEN_EDITABLE if isinstance(profile, CitizenProfile) else BUSINESS_EDITABLE
    unknown = (
        set(data) - set(editable) - ({"nik"} if isinstance(profile, CitizenProfile) and is_admin else set())
    )
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: {fields}.").format(fields=", ".join(sorted(unknown)))
        )
    changes: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    for field, value in data.items():
        if field == "nik":
            continue
        if field in ("domicile", "desa"):
            errors.update(_check_desa(value, field))
        if field == "kbli_codes":
            try:
                value = validate_kbli_list(value)
            except ValidationError as exc:
                errors[field] = exc.error_list
                continue
        if field == "phone":
            value = normalise_phone(value or "")
        old = getattr(profile, field)
        if old != value:
            changes[field] = [_display(old), _display(value)]
            setattr(profile, field, value)
    if isinstance(profile, CitizenProfile) and "nik" in data:
        try:
            info = validate_nik(data["nik"])
        except ValidationError as exc:
            errors["nik"] = exc.error_list
        else:
            if info.nik != profile.nik:
                if CitizenProfile.objects.filter(nik_hash=nik_hash(info.nik)).exclude(pk=profile.pk).exists():
                    errors["nik"] = _("This NIK is already registered.")
                changes["nik"] = [mask_nik(profile.nik), mask_nik(info.nik)]
                profile.nik, profile.nik_hash = info.nik, nik_hash(info.nik)
                profile.birth_date, profile.sex = info.birth_date, info.sex
    if errors:
        raise ValidationError(errors)
    if "phone" in changes:
        changes["phone"] = [mask_phone(v) for v in changes["phone"]]
    if not changes:
        return profile
    profile.full_clean()
    profile.save()
    if isinstance(profile, CitizenProfile) and "full_name" in changes:
        User.objects.filter(pk=profile.user_id).update(full_name=profile.full_name)
    audit_record(actor=actor, action="accounts.profile_updated", obj=profile, changes=changes)
    return profile


def nik_reveal(*, viewer: User, profile: CitizenProfile, purpose: str = "") -> str:
    """Return a citizen's NIK in clear for a staff member whose role needs it; every reveal is audited.

    A refused attempt is audited too (`pdp.nik_reveal_refused`, committed before PermissionDenied is raised
    unless the caller holds an outer transaction that it rolls back).
    """
    if not may_reveal_nik(viewer):
        audit_record(
            actor=viewer,
            action="pdp.nik_reveal_refused",
            obj=profile,
            object_repr=profile.nik_masked,
            changes={"nik": profile.nik_masked},
        )
        raise PermissionDenied(_("Your role may not see NIK numbers in full."))
    audit_record(
        actor=viewer,
        action="pdp.nik_revealed",
        obj=profile,
        object_repr=profile.nik_masked,
        changes={"nik": profile.nik_masked, "purpose": purpose[:200]},
    )
    return profile.nik


@transaction.atomic
def village_operator_assign(*, actor: User, user: User, village: Region) -> User:
    """Make `user` the village operator of one desa/kelurahan (platform admins only)."""
    if not (actor.is_superuser or actor.role == Role.PLATFORM_ADMIN):
        raise PermissionDenied
    before = [user.role, user.village_id]
    user.role, user.village = Role.VILLAGE_OPERATOR, village
    user.full_clean(exclude=["password"])
    user.save(update_fields=["role", "village"])
    audit_record(
        actor=actor,
        action="accounts.village_operator_assigned",
        obj=user,
        object_repr=mask_email(user.email) or mask_phone(user.phone),
        changes={"role": [before[0], user.role], "village": [before[1], village.code]},
    )
    return user


@transaction.atomic
def totp_device_start(*, user: User) -> Any:
    """The user's unconfirmed TOTP device (created once, reused until confirmed)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user: User, device: Any, token: str) -> bool:
    """Confirm a new device with a first valid code; audited. Returns False on a wrong code."""
    if device.user_id != user.pk or device.confirmed:
        raise PermissionDenied
    if not device.verify_token(token.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(
        actor=user,
        action="accounts.totp_device_confirmed",
        obj=user,
        object_repr=mask_email(user.email),
        changes={"device": device.name},
    )
    return True


@transaction.atomic
def subject_data_export(*, user: User) -> dict[str, Any]:
    """Everything Simpul holds about `user` (UU 27/2022 access and portability), audited."""
    from django.utils import timezone

    data = {"generated_at": timezone.now().isoformat(), **collect(user)}
    audit_record(
        actor=user,
        action="pdp.subject_data_exported",
        obj=user,
        object_repr=mask_email(user.email) or mask_phone(user.phone),
        changes={"sections": sorted(key for key, value in data.items() if value not in (None, [], {}))},
    )
    return data


def password_reset_limited(*, email: str, client: str) -> int | None:
    """Count one password-reset request; the minutes to wait when the address or the client has had its share
    (`settings.PASSWORD_RESET_PER_ADDRESS`, `PASSWORD_RESET_PER_CLIENT` in `PASSWORD_RESET_WINDOW_SECONDS`),
    else None.

    Every address typed is counted, with or without an account, so a refusal says nothing about which
    addresses exist."""
    window = settings.PASSWORD_RESET_WINDOW_SECONDS
    per_address = Limit("password-reset-address", settings.PASSWORD_RESET_PER_ADDRESS, window)
    per_client = Limit("password-reset-client", settings.PASSWORD_RESET_PER_CLIENT, window)
    states = [limit_hit(per_address, email.strip().lower()), limit_hit(per_client, client)]
    refused = [state for state in states if state.exceeded]
    if not refused:
        return None
    return max(1, -(-max(state.retry_after for state in refused) // 60))


@transaction.atomic
def invitation_accept(*, user: User, password: str) -> User:
    """An invited staff member chooses their password (the link's one use); audited. Raises ValidationError."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.error_list}) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=user,
        action="accounts.invitation_accepted",
        obj=user,
        object_repr=mask_email(user.email) or mask_phone(user.phone),
        changes={"role": user.role},
    )
    return user
