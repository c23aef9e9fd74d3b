"""Reads of the agencies app. The list of agencies is public; memberships are checked here, in one place."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from simpul.agencies.models import Agency, Membership
from simpul.core.actors import Actor
from simpul.regions.selectors import in_region


def agency_list(*, kind: str | None = None, region: str | None = None, active_only: bool = True) -> QuerySet[Agency]:
    """Agencies ordered by name, with their parent joined; `region` matches the region code and its descendants."""
    qs = Agency.objects.select_related("parent")
    if active_only:
        qs = qs.filter(is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(in_region(region))
    return qs.order_by("name", "code")


def agencies_for_forwarding(*, exclude_id: int | None = None) -> QuerySet[Agency]:
    """The offices a case may be forwarded to: active, handling cases (`Agency.handles_cases`, data: the official
    residences of Table 1 do not), by full name; `exclude_id` is the case's own agency."""
    qs = Agency.objects.filter(is_active=True, handles_cases=True)
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs.order_by("name", "code")


def agency_get(*, code: str) -> Agency:
    """One agency by code; raises Agency.DoesNotExist."""
    return Agency.objects.select_related("parent").get(code=code)


def agencies_for_user(user: Any, *, roles: Iterable[str] | None = None) -> QuerySet[Agency]:
    """The active agencies `user` is an active member of (optionally only with one of `roles`)."""
    if not Actor.of(user).is_person:
        return Agency.objects.none()
    memberships = Membership.objects.filter(user=user, is_active=True)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return Agency.objects.filter(is_active=True, pk__in=memberships.values("agency_id")).order_by("name")


def user_is_member(user: Any, agency: Agency | int, *, roles: Iterable[str] | None = None) -> bool:
    """Whether `user` is an active member of `agency` (an Agency or its id), optionally with one of `roles`."""
    if not Actor.of(user).is_person:
        return False
    agency_id = agency.pk if isinstance(agency, Agency) else agency
    qs = Membership.objects.filter(user=user, agency_id=agency_id, is_active=True)
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return qs.exists()


def complaint_unit() -> Agency | None:
    """The complaint-handling unit of the regency (SP4N-LAPOR!): the active agency marked `handles_complaints`
    (Musi Banyuasin: Inspektorat), or None when no agency is marked. Set as data: the agencies CSV or the admin."""
    return Agency.objects.filter(is_active=True, handles_complaints=True).order_by("pk").first()
