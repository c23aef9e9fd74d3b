"""Who may use the administration screens, decided here only.

Platform admins (and superusers) run offices and staff; an agency head may read the staff of their own offices
(the offices where they are an active head), nothing else. Views guard themselves with `ADMIN_ROLES` or
`STAFF_READER_ROLES` through `require_staff_mfa`; the selectors narrow what a head sees with `readable_agency_ids`.
"""

from __future__ import annotations

from typing import Any

from simpul.accounts.models import Role
from simpul.agencies.models import MembershipRole
from simpul.agencies.selectors import agencies_for_user

ADMIN_ROLES = frozenset({Role.PLATFORM_ADMIN})
STAFF_READER_ROLES = frozenset({Role.PLATFORM_ADMIN, Role.AGENCY_HEAD})


def may_administer(user: Any) -> bool:
    """Platform admins and superusers: create, change and deactivate staff; edit offices."""
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and (getattr(user, "role", None) == Role.PLATFORM_ADMIN or getattr(user, "is_superuser", False))
    )


def readable_agency_ids(user: Any) -> set[int] | None:
    """The offices whose staff `user` may read: None for "all" (an admin), else the offices they head."""
    if may_administer(user):
        return None
    if getattr(user, "role", None) != Role.AGENCY_HEAD:
        return set()
    return set(agencies_for_user(user, roles=[MembershipRole.HEAD]).values_list("pk", flat=True))
