"""Who may design services, decided here only.

A platform admin (Dinkominfo) designs every service. An office's service manager (an active membership with
`manages_services`) designs the services whose responsible office is theirs, and creates services only for it.
Every designer page and write asks these functions.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from simpul.accounts.models import Role
from simpul.agencies.models import Agency, Membership
from simpul.catalog.models import Service


def is_platform_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False) and (
        getattr(user, "is_superuser", False) or getattr(user, "role", None) == Role.PLATFORM_ADMIN))


def designer_agencies(user: Any) -> QuerySet[Agency]:
    """The offices whose services `user` may design (every active office for a platform admin)."""
    if is_platform_admin(user):
        return Agency.objects.filter(is_active=True)
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_staff_role", False):
        return Agency.objects.none()
    managed = Membership.objects.filter(user=user, is_active=True, manages_services=True).values("agency_id")
    return Agency.objects.filter(is_active=True, pk__in=managed)


def may_use_designer(user: Any) -> bool:
    return is_platform_admin(user) or designer_agencies(user).exists()


def may_design_service(user: Any, service: Service) -> bool:
    """A platform admin, or a manager of the office responsible for the service's newest version."""
    if is_platform_admin(user):
        return True
    newest = service.versions.order_by("-number").values_list("agency_id", flat=True).first()
    return newest is not None and designer_agencies(user).filter(pk=newest).exists()
