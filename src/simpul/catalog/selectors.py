"""Reads of the catalog: the current published version of each active service, searchable in the words people
type (`simpul.catalog.search`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Case, IntegerField, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Concat, Replace
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from simpul.catalog.models import Audience, Service, ServiceKind, ServiceVersion, VersionStatus
from simpul.catalog.permissions import designer_agencies, is_platform_admin, may_design_service
from simpul.catalog.search import Term, search_terms
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


def _matches(term: Term, text: str, padded: str, compact: str) -> Q:
    """Where a service's normalised `text` (the field; `padded` is it between two spaces, `compact` without
    spaces) holds the term: a word typed anywhere in a word ("lahir" in "kelahiran"), and, when at least six
    letters, in a run of words written together ("aktakelahiran"); a word or phrase from the synonyms at the start
    of a word, or as a whole word when it has three letters or fewer ("kk" is not the "kk" of "skkm")."""
    if not term.from_synonyms:
        found = Q(**{f"{text}__contains": term.typed})
        if len(term.typed) >= 6:
            found |= Q(**{f"{compact}__contains": term.typed})
        return found
    found = Q()
    for word in term.alternatives:
        found |= Q(**{f"{padded}__contains": f" {word} " if len(word) <= 3 else f" {word}"})
    return found


def service_list(
    *, query: str = "", kind: str | None = None, audience: str | None = None
) -> QuerySet[ServiceVersion]:
    """Current published versions of active services: those matching every term of `query`, the ones whose name
    (or code) holds every term first, then applications before complaints, then by name.

    `query` is read by `simpul.catalog.search.search_terms` (the kabupaten's synonyms: "akte lahir", "ektp",
    "KK hilang", "pungli") and matched against a stored normalised text (code, names and descriptions in both
    languages, kind, agency, the service's search words), so case, accents, hyphens and spaces do not matter, on
    SQLite and PostgreSQL alike.
    """
    versions = _current_versions()
    if kind in ServiceKind.values:
        versions = versions.filter(kind=kind)
    if audience in Audience.values:
        versions = versions.filter(audience=audience)
    terms = search_terms(query) if query else []
    if not terms:
        return versions.order_by(KIND_ORDER, "name_id")
    versions = versions.alias(
        padded_text=Concat(Value(" "), "search_text", Value(" "), output_field=TextField()),
        compact_text=Replace("search_text", Value(" "), Value(""), output_field=TextField()),
        padded_title=Concat(Value(" "), "search_title", Value(" "), output_field=TextField()),
        compact_title=Replace("search_title", Value(" "), Value(""), output_field=TextField()),
    )
    in_title = Q()
    for term in terms:
        versions = versions.filter(_matches(term, "search_text", "padded_text", "compact_text"))
        in_title &= _matches(term, "search_title", "padded_title", "compact_title")
    rank = Case(When(in_title, then=Value(0)), default=Value(1), output_field=IntegerField())
    return versions.order_by(rank, KIND_ORDER, "name_id")


def catalogue_by_kind() -> list[tuple[str, list[ServiceVersion]]]:
    """Every current service grouped by kind (applications, permits, information, complaints), each group by name:
    the catalogue to browse when a search finds nothing."""
    groups: dict[str, list[ServiceVersion]] = {}
    for version in _current_versions().order_by(KIND_ORDER, "name_id"):
        groups.setdefault(version.kind, []).append(version)
    return [(str(ServiceKind(kind).label) if kind in ServiceKind.values else kind, members)
            for kind, members in groups.items()]


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


# -- the service designer -------------------------------------------------------------------------------------------


@dataclass
class DesignedService:
    """A service as the designer shows it: its draft (what is being changed) and its published version."""

    service: Service
    draft: ServiceVersion | None
    published: ServiceVersion | None

    @property
    def shown(self) -> ServiceVersion | None:
        return self.draft or self.published or self.service.versions.order_by("-number").first()


def services_for_designer(*, user: Any) -> list[DesignedService]:
    """The services `user` may design (`simpul.catalog.permissions`), by name, each with its draft and current
    published version, in three queries."""
    agencies = designer_agencies(user)
    versions = (ServiceVersion.objects.filter(status__in=[VersionStatus.DRAFT, VersionStatus.PUBLISHED])
                .select_related("service", "agency"))
    if not is_platform_admin(user):
        versions = versions.filter(agency__in=agencies)
    by_service: dict[int, DesignedService] = {}
    for version in versions.order_by("number"):
        entry = by_service.setdefault(version.service_id, DesignedService(version.service, None, None))
        if version.status == VersionStatus.DRAFT:
            entry.draft = version
        else:
            entry.published = version
    return sorted(by_service.values(), key=lambda e: (e.shown.name_id if e.shown else e.service.code).casefold())


def service_for_designer(*, code: str, user: Any) -> DesignedService:
    """The service `code` for the designer; Http404 when there is none, PermissionDenied when `user` may not design
    it."""
    service = Service.objects.filter(code=code).first()
    if service is None:
        raise Http404(code)
    if not may_design_service(user, service):
        raise PermissionDenied
    versions = service.versions.select_related("agency", "routing_agency")
    return DesignedService(
        service, versions.filter(status=VersionStatus.DRAFT).first(),
        versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first(),
    )
