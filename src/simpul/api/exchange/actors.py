"""The user an API client acts as on cases, and which cases a client may see.

Case workflows decide who may do what by agency membership (`simpul.cases.permissions.actor_roles`). An API
client gets one login-less user (unusable password, never staff) whose memberships are created on demand,
and only for agencies the client may act for, as officer. So a client's action passes exactly the checks an
officer's would, and the history and audit log name "<client> (API)".
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet

from simpul.api.auth import client_allowed_agency_ids
from simpul.api.models import ApiClient, ApiClientActor


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
    from simpul.agencies.models import Membership, MembershipRole
    from simpul.agencies.services import membership_add

    user = client_actor(client)
    if not Membership.objects.filter(user=user, agency=agency, is_active=True).exists():
        membership_add(user=user, agency=agency, role=MembershipRole.OFFICER)
    return user


def case_visibility_q(client: ApiClient) -> Q:
    """Cases the client's agencies hold, or that are forwarded (pending) to one of them; then its services."""
    from simpul.cases.constants import DispositionStatus

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


def cases_for_client(client: ApiClient) -> QuerySet[Any]:
    from simpul.cases.models import Case

    q = case_visibility_q(client)
    ids = Case.objects.filter(q).values("pk")
    return Case.objects.filter(pk__in=ids).select_related("agency")


def case_get_for_client(client: ApiClient, reference: str) -> Any:
    """One case the client may see; Http404 otherwise (no hint whether it exists)."""
    from django.http import Http404

    case = cases_for_client(client).filter(reference=reference).first()
    if case is None:
        raise Http404
    return case
