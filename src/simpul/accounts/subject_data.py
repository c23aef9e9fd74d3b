"""Data-subject access and portability (UU 27/2022): everything Simpul holds about one person, as JSON.

Accounts contributes the account and profile; other apps add their part by registering a function that takes
the user and returns JSON-friendly data (a dict or a list), usually in their `AppConfig.ready()`::

    from simpul.accounts.subject_data import register_subject_data

    @register_subject_data("cases")
    def _cases_of(user):
        return [{"reference": c.reference, "status": c.status, ...} for c in Case.objects.filter(applicant=user)]

The export is produced by `simpul.accounts.services.subject_data_export`, which audits it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simpul.accounts.models import BusinessProfile, CitizenProfile, User
from simpul.core.registry import Registry

Contributor = Callable[[User], Any]
sections: Registry[Contributor] = Registry("data-subject export section")


def register_subject_data(name: str) -> Callable[[Contributor], Contributor]:
    """Register `func(user)` under `name` in the data-subject export; a name is registered once
    (`AlreadyRegistered` otherwise)."""

    def decorate(func: Contributor) -> Contributor:
        return sections.register(func, name=name)

    return decorate


def _account(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "phone": user.phone,
        "full_name": user.full_name,
        "role": user.role,
        "village": user.village_id,
        "preferred_language": user.preferred_language,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
    }


@register_subject_data("citizen_profile")
def _citizen_profile(user: User) -> dict[str, Any] | None:
    profile = CitizenProfile.objects.filter(user=user).first()
    if profile is None:
        return None
    return {
        "nik": profile.nik,
        "full_name": profile.full_name,
        "birth_date": profile.birth_date.isoformat(),
        "sex": profile.sex,
        "domicile": profile.domicile_id,
        "phone": profile.phone,
        "created_at": profile.created_at.isoformat(),
        "updated_at": profile.updated_at.isoformat(),
    }


@register_subject_data("business_profile")
def _business_profile(user: User) -> dict[str, Any] | None:
    profile = BusinessProfile.objects.filter(user=user).first()
    if profile is None:
        return None
    return {
        "business_name": profile.business_name,
        "nib": profile.nib,
        "kbli_codes": profile.kbli_codes,
        "address": profile.address,
        "desa": profile.desa_id,
        "phone": profile.phone,
    }


def collect(user: User) -> dict[str, Any]:
    """The whole export for `user` (read-only; call the audited service to hand it out)."""
    data: dict[str, Any] = {"account": _account(user)}
    for name, func in sections.items():
        data[name] = func(user)
    return data
