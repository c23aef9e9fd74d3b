"""Reads of the administration screens: the platform's health, staff and offices, and their audit trails."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet

from simpul.accounts.models import STAFF_ROLES, User
from simpul.administration.audit_labels import action_label, change_lines
from simpul.administration.permissions import readable_agency_ids
from simpul.agencies.models import Agency, Membership
from simpul.api.models import EventDelivery
from simpul.cases.selectors import overdue_case_count
from simpul.core.models import AuditEntry, JobStatus, OutboxStatus, ScheduledJobRun
from simpul.core.selectors import last_audit_verification, last_backup, outbox_counts


@dataclass(frozen=True)
class Health:
    outbox_pending: int
    outbox_dead: int
    webhooks_failing: int
    integrations_failing: int
    overdue_cases: int
    last_backup: AuditEntry | None
    last_verification: ScheduledJobRun | None

    @property
    def verification_ok(self) -> bool | None:
        if self.last_verification is None:
            return None
        return self.last_verification.last_status == JobStatus.OK


def _failing(deliveries: QuerySet[EventDelivery]) -> int:
    """Deliveries given up (dead letters) or still retrying after at least one failed attempt."""
    return deliveries.filter(
        Q(message__status=OutboxStatus.DEAD) | Q(message__status=OutboxStatus.PENDING, message__attempts__gt=0)
    ).count()


def platform_health() -> Health:
    """What the admin home shows: outbox backlog and dead letters, failing deliveries, overdue cases, the last
    recorded backup and the last check of the audit chain."""
    outbox = outbox_counts()
    return Health(
        outbox_pending=outbox["pending"],
        outbox_dead=outbox["dead"],
        webhooks_failing=_failing(EventDelivery.objects.filter(subscription__isnull=False)),
        integrations_failing=_failing(EventDelivery.objects.filter(integration__isnull=False)),
        overdue_cases=overdue_case_count(),
        last_backup=last_backup(),
        last_verification=last_audit_verification(),
    )


def _staff() -> QuerySet[User]:
    active = Membership.objects.filter(is_active=True).select_related("agency").order_by("agency__name")
    return (
        User.objects.filter(Q(role__in=STAFF_ROLES) | Q(is_superuser=True), api_client_actor__isnull=True)
        .select_related("village")
        .prefetch_related(Prefetch("memberships", queryset=active, to_attr="active_memberships"))
        .order_by("full_name", "email")
    )


def staff_list_for(*, viewer: Any, q: str = "", agency: Agency | None = None, active: bool | None = None
                   ) -> QuerySet[User]:
    """The staff `viewer` may read (an admin: everyone; a head: their offices' staff), searched by name or e-mail."""
    qs = _staff()
    readable = readable_agency_ids(viewer)
    if readable is not None:
        qs = qs.filter(memberships__agency_id__in=readable, memberships__is_active=True).distinct()
    if agency is not None:
        qs = qs.filter(memberships__agency=agency, memberships__is_active=True).distinct()
    if q.strip():
        qs = qs.filter(Q(full_name__icontains=q.strip()) | Q(email__icontains=q.strip()))
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs


def staff_get_for(*, viewer: Any, pk: int) -> User:
    """One staff member `viewer` may read; raises User.DoesNotExist (also for a head asking about another office's
    staff, so the answer says nothing about who exists elsewhere)."""
    return staff_list_for(viewer=viewer).get(pk=pk)


def staff_membership(user: User) -> Membership | None:
    """The staff member's (first) active office membership, for the change form."""
    memberships = getattr(user, "active_memberships", None)
    if memberships is None:
        return user.memberships.select_related("agency").filter(is_active=True).first()
    return memberships[0] if memberships else None


def office_list(*, q: str = "") -> QuerySet[Agency]:
    """Every office and unit (inactive ones too), with its parent and its number of active staff."""
    qs = Agency.objects.select_related("parent").annotate(
        staff_count=Count("memberships", filter=Q(memberships__is_active=True, memberships__user__is_active=True))
    )
    if q.strip():
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(short_name__icontains=q.strip()) | Q(code__icontains=q.strip()))
    return qs.order_by("name", "code")


def office_get(*, viewer: Any, code: str) -> Agency:
    """One office for its page: an admin may open any; raises Agency.DoesNotExist or PermissionDenied."""
    agency = Agency.objects.select_related("parent", "region").get(code=code)
    readable = readable_agency_ids(viewer)
    if readable is not None and agency.pk not in readable:
        raise PermissionDenied
    return agency


@dataclass(frozen=True)
class TrailRow:
    """One audit entry as a page shows it: the entry, what happened, and its details in the reader's words."""

    entry: AuditEntry
    what: str
    details: list[tuple[str, str]]


def _rows(entries: list[AuditEntry]) -> list[TrailRow]:
    names = dict(Agency.objects.values_list("code", "name"))
    return [TrailRow(entry, action_label(entry.action), change_lines(entry.changes, names)) for entry in entries]


def audit_trail_for_user(*, user: User, limit: int = 50) -> list[TrailRow]:
    """The audit entries about a person and their office memberships, newest first."""
    membership_ids = [str(pk) for pk in Membership.objects.filter(user=user).values_list("pk", flat=True)]
    return _rows(list(
        AuditEntry.objects.filter(
            Q(object_type="accounts.user", object_id=str(user.pk))
            | Q(object_type="agencies.membership", object_id__in=membership_ids)
        ).order_by("-id")[:limit]
    ))


def audit_trail_for_office(*, agency: Agency, limit: int = 50) -> list[TrailRow]:
    """The audit entries about an office and its memberships, newest first."""
    membership_ids = [str(pk) for pk in Membership.objects.filter(agency=agency).values_list("pk", flat=True)]
    return _rows(list(
        AuditEntry.objects.filter(
            Q(object_type="agencies.agency", object_id=str(agency.pk))
            | Q(object_type="agencies.membership", object_id__in=membership_ids)
        ).order_by("-id")[:limit]
    ))
