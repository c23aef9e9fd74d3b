"""Reads of the catalog: the current published version of each active service, searchable in Indonesian."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from simpul.catalog.models import Audience, ServiceKind, ServiceVersion, VersionStatus, normalize_search
from simpul.core.actors import Actor

# Applications first, complaints last: what most visitors come for.
KIND_ORDER = Case(
    *[When(kind=kind, then=Value(i)) for i, kind in enumerate(
        [ServiceKind.PERMOHONAN, ServiceKind.PERIZINAN, ServiceKind.INFORMASI, ServiceKind.PENGADUAN])],
    default=Value(9), output_field=IntegerField(),
)


def _current_versions() -> QuerySet[ServiceVersion]:
    return ServiceVersion.objects.filter(
        status=VersionStatus.PUBLISHED, service__is_active=True
    ).select_related("service", "agency", "routing_agency")


def service_list(
    *, query: str = "", kind: str | None = None, audience: str | None = None
) -> QuerySet[ServiceVersion]:
    """Current published versions of active services, ordered by name.

    Services whose code or name holds every word come first. `query` is matched word by word against a stored normalised text (code, names and descriptions in both
    languages, kind, agency), so "KTP-EL", "ktp el" and "perizínan" match like "ktp-el" and "perizinan" on
    SQLite and PostgreSQL alike.
    """
    versions = _current_versions()
    if kind in ServiceKind.values:
        versions = versions.filter(kind=kind)
    if audience in Audience.values:
        versions = versions.filter(audience=audience)
    words = normalize_search(query).split()[:8]
    for word in words:
        versions = versions.filter(search_text__contains=word)
    if words:
        in_title = Q()
        for word in words:
            in_title &= Q(search_title__contains=word)
        rank = Case(When(in_title, then=Value(0)), default=Value(1), output_field=IntegerField())
        return versions.order_by(rank, KIND_ORDER, "name_id")
    return versions.order_by(KIND_ORDER, "name_id")


def service_get(code: str) -> ServiceVersion:
    """The current published version of the active service `code`; Http404 when there is none."""
    version = _current_versions().filter(service__code=code).first()
    if version is None:
        raise Http404(code)
    return version


def complaint_services() -> QuerySet[ServiceVersion]:
    """Current complaint (pengaduan) services, for the complaint form and Open311 `services`."""
    return _current_versions().filter(kind=ServiceKind.PENGADUAN).order_by("name_id")


def service_apply_blocker(*, version: ServiceVersion, user: Any) -> str | None:
    """Why `user` may not apply for this version now, as a translated sentence; None when they may.

    A business service (audience `business`) needs a logged-in business account with a business profile
    (NIB); a service with `requires_account` needs a logged-in account. Staff may apply on behalf of others
    only for citizen services (the cases app checks their scope).
    """
    authenticated = Actor.of(user).is_person
    if version.audience == Audience.BUSINESS:
        if not authenticated:
            return str(_("This service is for businesses: log in with a business account (with an NIB) to apply."))
        if getattr(user, "role", "") != "business" or not _has_business_profile(user):
            return str(_("This service is for businesses: it needs a business account with an NIB."))
    if version.requires_account and not authenticated:
        return str(_("Log in or create an account to apply for this service."))
    return None


def _has_business_profile(user: Any) -> bool:
    try:
        return user.business_profile is not None
    except ObjectDoesNotExist:
        return False
