"""The staff navigation: which workspace sections each staff role sees, decided here only.

Every staff page (templates extending ``staff_base.html``) shows this navigation. A section is named by its URL
name, so `accounts` imports none of the apps that serve them; a section this installation does not serve is left
out. To give a role another section, add the role to the section's ``roles``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from simpul.accounts.models import Role


@dataclass(frozen=True)
class Section:
    url_name: str
    label: str | Promise
    roles: frozenset[str]
    superuser_only: bool = False


_CASE_STAFF = frozenset({Role.OFFICER, Role.AGENCY_HEAD, Role.PLATFORM_ADMIN})

SECTIONS: tuple[Section, ...] = (
    Section("backoffice:operator_today", _("Today's applications"), frozenset({Role.VILLAGE_OPERATOR})),
    Section("backoffice:worklist", _("Worklist"), _CASE_STAFF),
    Section("backoffice:dashboard", _("Dashboard"), _CASE_STAFF),
    Section("infrastructure:dashboard", _("Infrastructure"), frozenset({Role.AGENCY_HEAD, Role.PLATFORM_ADMIN})),
    Section("assessment:index", _("Assessment"), frozenset({Role.EVALUATOR, Role.PLATFORM_ADMIN})),
    Section("opendata:manage", _("Open data"), frozenset({Role.DATA_STEWARD, Role.PLATFORM_ADMIN})),
    Section("designer:index", _("Services"), frozenset({Role.PLATFORM_ADMIN})),
    # A head sees the staff of their own office; the platform admin's admin home links to everything it runs.
    Section("administration:staff_list", _("Staff"), frozenset({Role.AGENCY_HEAD})),
    Section("administration:home", _("Administration"), frozenset({Role.PLATFORM_ADMIN})),
    Section("admin:index", _("Django admin"), frozenset(), superuser_only=True),
)


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str | Promise
    current: bool


def staff_sections(user: Any, path: str = "") -> list[NavItem]:
    """The workspace sections `user` may open, in menu order; `current` marks the one `path` is in."""
    if not getattr(user, "is_authenticated", False):
        return []
    role = getattr(user, "role", None)
    superuser = getattr(user, "is_superuser", False)
    items: list[NavItem] = []
    for section in SECTIONS:
        if section.superuser_only and not superuser:
            continue
        # a superuser sees what a platform admin sees, and the Django admin
        if role not in section.roles and not (superuser and (Role.PLATFORM_ADMIN in section.roles
                                                             or section.superuser_only)):
            continue
        try:
            url = reverse(section.url_name)
        except NoReverseMatch:  # an installation without that part
            continue
        items.append(NavItem(url, section.label, False))
    # The current section is the one whose address is the longest prefix of the page's path.
    best = max((item for item in items if path.startswith(item.url)), key=lambda i: len(i.url), default=None)
    return [NavItem(i.url, i.label, i is best) for i in items]
