"""The business behind an application for a business service (reklame...), and the tax estimate its answers
give: what the form, the check page, the confirmation, the receipt and the officer's case screen show.

The case keeps the NIB it was sent with (`Case.business_nib`, set by `cases.intake`); the company's name is read
from the business account with that NIB. The estimate is `simpul.catalog.tariffs.estimate`: only where the
kabupaten keeps the tariff as data, else nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simpul.accounts.models import BusinessProfile, Role
from simpul.catalog.tariffs import Estimate, estimate


@dataclass(frozen=True)
class ApplyingBusiness:
    """A company as an application names it."""

    name: str
    nib: str


def business_for_applicant(*, user: Any, version: Any) -> ApplyingBusiness | None:
    """The business a signed-in business account applies as, for a service meant for businesses."""
    if getattr(version, "audience", "") != "business" or getattr(user, "role", "") != Role.BUSINESS:
        return None
    profile = BusinessProfile.objects.filter(user_id=user.pk).only("business_name", "nib").first()
    return ApplyingBusiness(name=profile.business_name, nib=profile.nib) if profile else None


def business_for_case(*, case: Any) -> ApplyingBusiness | None:
    """The business a case was sent for (by its NIB); the NIB alone when no account holds it any more."""
    if not case.business_nib:
        return None
    name = BusinessProfile.objects.filter(nib=case.business_nib).values_list("business_name", flat=True).first()
    return ApplyingBusiness(name=name or "", nib=case.business_nib)


def case_estimate(*, case: Any) -> Estimate | None:
    """The tax estimate of a case's answers (none of the answers it reads is encrypted)."""
    return estimate(case.service_version, case.form_data or {})
