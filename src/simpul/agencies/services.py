"""Writes of the agencies app: agencies (OPD) and who works in them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from simpul.agencies.models import Agency, AgencyKind, Membership, MembershipRole
from simpul.core.services import audit_record

AGENCY_FIELDS = ("name", "short_name", "kind", "parent", "region", "address", "phone", "email", "website", "is_active",
                 "handles_complaints", "handles_cases")


@transaction.atomic
def agency_create(
    *,
    code: str,
    name: str,
    kind: str = AgencyKind.DINAS,
    short_name: str = "",
    parent: Agency | None = None,
    region: Any = None,
    address: str = "",
    phone: str = "",
    email: str = "",
    website: str = "",
    handles_complaints: bool = False,
    handles_cases: bool = True,
    actor: Any = None,
) -> Agency:
    """Create an agency; `code` is its stable identifier (other systems and data refer to it)."""
    agency = Agency(
        code=code, name=name, kind=kind, short_name=short_name, parent=parent, region=region, address=address,
        phone=phone, email=email, website=website, handles_complaints=handles_complaints,
        handles_cases=handles_cases,
    )
    agency.full_clean()
    agency.save()
    audit_record(actor=actor, actor_label="" if actor else "system", action="agencies.agency_create", obj=agency,
                 changes={"code": code, "name": name, "kind": kind})
    return agency


@transaction.atomic
def agency_update(*, agency: Agency, actor: Any = None, **changes: Any) -> Agency:
    """Change some fields of an agency (the code never changes). No write and no audit entry when nothing changes."""
    unknown = set(changes) - set(AGENCY_FIELDS)
    if unknown:
        raise TypeError(f"agency_update got unknown fields: {sorted(unknown)}")
    changed: dict[str, Any] = {}
    for field, value in changes.items():
        if field in ("parent", "region"):
            old = getattr(agency, f"{field}_id")
            if old == (value.pk if value is not None else None):
                continue
        else:
            old = getattr(agency, field)
        if old != value:
            changed[field] = {"from": str(old) if old is not None else None,
                              "to": str(value) if value is not None else None}
            setattr(agency, field, value)
    if not changed:
        return agency
    if agency.parent_id and agency.parent_id == agency.pk:
        raise ValidationError({"parent": _("An agency cannot be its own parent.")})
    agency.full_clean()
    agency.save()
    audit_record(actor=actor, actor_label="" if actor else "system", action="agencies.agency_update", obj=agency,
                 changes=changed)
    return agency


@transaction.atomic
def membership_add(*, user: Any, agency: Agency, role: str = MembershipRole.OFFICER, actor: Any = None) -> Membership:
    """Make `user` a member of `agency` with `role`; an existing membership gets the new role and is reactivated."""
    if role not in MembershipRole.values:
        raise ValidationError({"role": _("Unknown role: {role}.").format(role=role)})
    membership = Membership.objects.select_for_update().filter(user=user, agency=agency).first()
    if membership is None:
        membership = Membership(user=user, agency=agency, role=role)
        membership.full_clean()
        membership.save()
        before: dict[str, Any] = {}
    else:
        if membership.role == role and membership.is_active:
            return membership
        before = {"role": membership.role, "is_active": membership.is_active}
        membership.role = role
        membership.is_active = True
        membership.save(update_fields=["role", "is_active", "updated_at"])
    audit_record(actor=actor, actor_label="" if actor else "system", action="agencies.membership_add",
                 obj=membership, changes={"user": user.pk, "agency": agency.code, "role": role, "before": before})
    return membership


@transaction.atomic
def membership_remove(*, user: Any, agency: Agency, actor: Any = None) -> bool:
    """End `user`'s membership of `agency`. Returns False when there was none."""
    membership = Membership.objects.select_for_update().filter(user=user, agency=agency).first()
    if membership is None:
        return False
    audit_record(actor=actor, actor_label="" if actor else "system", action="agencies.membership_remove",
                 obj=membership, changes={"user": user.pk, "agency": agency.code, "role": membership.role})
    membership.delete()
    return True
