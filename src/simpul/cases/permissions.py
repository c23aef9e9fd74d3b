"""Who may see and act on a case: the one place that decides (selectors and services call it).

- A citizen or business sees only the cases they applied for (``applicant``).
- A village operator sees only the cases they submitted themselves, and only for their own desa.
- An officer (any active member) of the responsible agency sees its cases; a member of an agency a case is
  disposed to (pending disposition) sees it too.
- Anyone holding the reference + PIN sees the public view of one case (tracking page and status API).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from simpul.agencies.models import Membership, MembershipRole
from simpul.cases.constants import ActorRole, DispositionStatus


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", True))


def member_agency_ids(user: Any, *, roles: list[str] | None = None) -> list[int]:
    if not _authenticated(user):
        return []
    qs = Membership.objects.filter(user=user, is_active=True, agency__is_active=True)
    if roles:
        qs = qs.filter(role__in=roles)
    return list(qs.values_list("agency_id", flat=True))


# Up to this many pending dispositions enter the visibility condition as a list of case ids; a longer inbox as a
# subquery (a list of thousands of literals costs more to send and plan than the rows it finds).
DISPOSED_AS_LIST = 100


def staff_visibility_q(user: Any) -> Q:
    """Cases an agency member may see: of their agencies, or disposed (pending) to them.

    The pending dispositions are looked up first (a short inbox, read through its index) and enter the condition
    as case ids, not as a join: an OR across a join needs DISTINCT over every row and keeps PostgreSQL from reading
    a million-case table through its indexes (docs/operations.md, "Worklist at scale"). Without pending
    dispositions the condition is the agency alone, which the indexes that start with the agency serve.
    """
    from simpul.cases.models import Disposition

    agency_ids = member_agency_ids(user)
    if not agency_ids:
        return Q(pk__in=[])
    visible = Q(agency_id__in=agency_ids)
    pending = (Disposition.objects.filter(to_agency_id__in=agency_ids, status=DispositionStatus.PENDING)
               .order_by().values_list("case_id", flat=True))
    disposed = sorted(set(pending[: DISPOSED_AS_LIST + 1]))
    if not disposed:
        return visible
    return visible | Q(pk__in=disposed if len(disposed) <= DISPOSED_AS_LIST else pending)


def is_applicant(case: Any, user: Any) -> bool:
    if not _authenticated(user):
        return False
    if case.applicant_id is not None and case.applicant_id == user.pk:
        return True
    # a village operator acts for the citizens whose cases they submitted at the village hall
    return case.submitted_by_id is not None and case.submitted_by_id == user.pk


def actor_roles(case: Any, user: Any, *, via_pin: bool = False) -> set[str]:
    """The workflow roles `user` holds on `case` (see `simpul.cases.workflow`)."""
    roles: set[str] = set()
    if via_pin or is_applicant(case, user):
        roles.add(ActorRole.APPLICANT)
    if not _authenticated(user):
        return roles
    memberships = Membership.objects.filter(user=user, is_active=True, agency__is_active=True)
    for agency_id, role in memberships.values_list("agency_id", "role"):
        if agency_id == case.agency_id:
            roles.add(ActorRole.OFFICER)
            if role == MembershipRole.HEAD:
                roles.add(ActorRole.HEAD)
    pending = case.dispositions.filter(status=DispositionStatus.PENDING).values_list("to_agency_id", flat=True)
    if set(pending) & {agency_id for agency_id, _role in memberships.values_list("agency_id", "role")}:
        roles.add(ActorRole.RECEIVER)
    return roles


def can_view_as_staff(case: Any, user: Any) -> bool:
    roles = actor_roles(case, user)
    return bool(roles & {ActorRole.OFFICER, ActorRole.HEAD, ActorRole.RECEIVER})
