"""Reads of the accounts app: a user's profile, account overview, TOTP devices, village-operator scope."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

from simpul.accounts.models import BusinessProfile, CitizenProfile, Role, User
from simpul.core.pdp import mask_email, mask_phone, nik_hash


def profile_for_user(*, user: User) -> CitizenProfile | BusinessProfile | None:
    """The citizen or business profile of `user` (None for staff)."""
    if user.role == Role.CITIZEN:
        return CitizenProfile.objects.select_related("domicile__parent").filter(user=user).first()
    if user.role == Role.BUSINESS:
        return BusinessProfile.objects.select_related("desa__parent").filter(user=user).first()
    return None


def is_citizen_profile(profile: Any) -> bool:
    return isinstance(profile, CitizenProfile)


def profile_initial(*, profile: CitizenProfile | BusinessProfile) -> dict[str, Any]:
    """Initial values for the profile form."""
    if isinstance(profile, CitizenProfile):
        return {"full_name": profile.full_name, "phone": profile.phone, "domicile": profile.domicile_id}
    return {
        "business_name": profile.business_name,
        "kbli_codes": ", ".join(profile.kbli_codes),
        "address": profile.address,
        "desa": profile.desa_id,
        "phone": profile.phone,
    }


def account_overview(*, user: User) -> dict[str, Any]:
    """What the "my account" page shows: identifiers masked, role, profile (NIK masked), memberships."""
    memberships = (
        list(user.memberships.select_related("agency").filter(is_active=True)) if user.is_staff_role else []
    )
    return {
        "account": user,
        "email_masked": mask_email(user.email),
        "phone_masked": mask_phone(user.phone),
        "profile": profile_for_user(user=user),
        "memberships": memberships,
        "village": user.village if user.role == Role.VILLAGE_OPERATOR else None,
    }


def citizen_profile_by_nik(*, nik: str) -> CitizenProfile | None:
    """Find a citizen by NIK through the keyed hash (the NIK itself is never searchable)."""
    return CitizenProfile.objects.select_related("user", "domicile").filter(nik_hash=nik_hash(nik)).first()


def totp_device_matching(*, user: User, token: str) -> Any:
    """The user's confirmed TOTP device that accepts `token` (django-otp throttles repeated failures)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    token = token.strip().replace(" ", "")
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            return device
    return None


def totp_secret_text(*, device: Any) -> str:
    """The base32 secret in groups of four, for typing into an authenticator app by hand."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
