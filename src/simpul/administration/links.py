"""What the admin home links to, as data: each link by URL name, left out when this installation does not serve
it. Screens that exist only in the Django admin (API clients, webhooks, the outbox) are for superusers only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Link:
    group: str | Promise
    url_name: str
    label: str | Promise
    superuser_only: bool = False


PEOPLE = _("Offices and staff")
SERVICES = _("Services")
INTEGRATIONS = _("Integrations")
WORK = _("Infrastructure and assessment")

LINKS: tuple[Link, ...] = (
    Link(PEOPLE, "administration:office_list", _("Offices and units")),
    Link(PEOPLE, "administration:staff_list", _("Staff")),
    Link(PEOPLE, "administration:staff_new", _("Invite a staff member")),
    Link(SERVICES, "catalog:list", _("Service catalog (as citizens see it)")),
    Link(SERVICES, "designer:index", _("Design and change services")),
    Link(INTEGRATIONS, "admin:clients_apiclient_changelist", _("API clients (Django admin)"), superuser_only=True),
    Link(INTEGRATIONS, "admin:api_webhooksubscription_changelist", _("Webhooks (Django admin)"), superuser_only=True),
    Link(INTEGRATIONS, "admin:api_eventdelivery_changelist", _("Deliveries to other systems (Django admin)"),
         superuser_only=True),
    Link(INTEGRATIONS, "admin:core_outboxmessage_changelist", _("Outbox (Django admin)"), superuser_only=True),
    Link(WORK, "infrastructure:dashboard", _("Infrastructure")),
    Link(WORK, "assessment:index", _("Assessment")),
    Link(WORK, "opendata:manage", _("Open data")),
    Link(WORK, "backoffice:dashboard", _("Dashboard")),
)


def admin_links(user: Any) -> list[tuple[str | Promise, list[tuple[str, str | Promise]]]]:
    """The admin home's links for `user`, grouped, in order: [(group, [(url, label), ...]), ...]."""
    superuser = bool(getattr(user, "is_superuser", False))
    groups: dict[Any, list[tuple[str, str | Promise]]] = {}
    for link in LINKS:
        if link.superuser_only and not superuser:
            continue
        try:
            url = reverse(link.url_name)
        except NoReverseMatch:
            continue
        groups.setdefault(link.group, []).append((url, link.label))
    return list(groups.items())
