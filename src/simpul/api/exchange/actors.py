"""The user an API client acts as on cases, and which cases a client may see.

`cases_for_client(client)` is the one answer to "which cases may this client read", for every door an API key
reaches (the agency exchange, Open311, webhooks of case events): with `cases:read`, the cases its agencies hold
or are forwarded to (within its service restrictions); with `cases:intake`, the cases it submitted itself
(the intake's idempotency scope marks them when they are created); with neither, none.

On a case a client acts as an `Actor` (`case_actor`): it holds the roles an officer of the agencies it may act
for would (`simpul.cases.permissions.actor_roles`), and its actions are stored as done by one login-less user
(unusable password, never staff), made an officer of each agency it acts for on first use; the history and
the audit log name "<client> (API)".
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet

from simpul.agencies.models import Membership, MembershipRole
from simpul.agencies.services import membership_add
from simpul.cases.constants import DispositionStatus
from simpul.cases.intake import idempotency_scope
from simpul.cases.models import Case
from simpul.clients.auth import client_allowed_agency_ids
from simpul.clients.models import ApiClient, ApiClientActor
from simpul.core.actors import Actor


@transaction.atomic
def client_actor(client: ApiClient) -> Any:
    """The client's acting user (created on first use)."""
    link = ApiClientActor.objects.select_related("user").filter(client=client).first()
    if link is not None:
        return link.user
    user_model = get_user_model()
    user = user_model(email=f"api-client-{client.pk}@api.simpul.invalid", full_name=f"{client.name} (API)"[:200],
                      role="officer", is_staff=False, is_active=True)
    user.set_unusable_password()
    user.save()
    ApiClientActor.objects.create(client=client, user=user)
    return user


def client_actor_for_agency(client: ApiClient, agency: Any) -> Any:
    """The acting user, made an officer of `agency` (the caller has checked the client may act for it)."""
    user = client_actor(client)
    if not Membership.objects.filter(user=user, agency=agency, is_active=True).exists():
        membership_add(user=user, agency=agency, role=MembershipRole.OFFICER)
    return user


def case_actor(client: ApiClient, agency: Any = None) -> Actor:
    """The `Actor` of `client` on cases: the agencies it may act for, and its acting user, made an officer of
    `agency` (the caller has checked the client may act for it). Without `agency` (to ask what the client may do,
    not to do it) no acting user is looked up or created."""
    user = client_actor_for_agency(client, agency) if agency is not None else None
    return Actor.api_client(client, user, agency_ids=client_allowed_agency_ids(client))


def case_visibility_q(client: ApiClient) -> Q:
    """Cases the client's agencies hold, or that are forwarded (pending) to one of them; then its services."""
    agency_ids = client_allowed_agency_ids(client)
    q = Q()
    if agency_ids:
        pending_to_us = Q(
            dispositions__to_agency_id__in=agency_ids, dispositions__status=DispositionStatus.PENDING
        )
        q &= Q(agency_id__in=agency_ids) | pending_to_us
    if client.allowed_service_codes:
        q &= Q(service_code__in=client.allowed_service_codes)
    if client.allowed_service_kinds:
        q &= Q(kind__in=client.allowed_service_kinds)
    return q


def submitted_by_client_q(client: ApiClient) -> Q:
    """Cases the client submitted itself, through any door (`simpul.cases.intake.idempotency_scope`)."""
    return Q(idempotency_scope=idempotency_scope(Actor.api_client(client), client=client))


def cases_for_client(client: ApiClient) -> QuerySet[Any]:
    """The cases this client may read (see the module docstring)."""
    q = None
    if "cases:read" in client.scopes:
        q = Q(pk__in=Case.objects.filter(case_visibility_q(client)).values("pk"))
    if "cases:intake" in client.scopes:
        own = Q(pk__in=Case.objects.filter(submitted_by_client_q(client)).values("pk"))
        q = own if q is None else q | own
    if q is None:
        return Case.objects.none()
    return Case.objects.filter(q).select_related("agency")


def case_get_for_client(client: ApiClient, reference: str) -> Any:
    """One case the client may see; Http404 otherwise (no hint whether it exists)."""
    from django.http import Http404

    case = cases_for_client(client).filter(reference=reference).first()
    if case is None:
        raise Http404
    return case
