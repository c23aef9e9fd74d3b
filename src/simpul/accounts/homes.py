"""Where each person lands after logging in: the home page of their role, decided here only.

The log-in (password step and, for staff, the second-factor step) sends a user without a `next` address to
`home_url(user)`; the "my account" page and the main menu link to `workspace_url(user)`, the same page, for staff.
A role's home is named by its URL name (no import of the app that serves it: accounts sits below them); a name
this installation does not serve falls back to "my account". To give a role a new home, change `ROLE_HOMES`.
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from simpul.accounts.models import Role

MY_ACCOUNT = "accounts:my_account"

ROLE_HOMES: dict[str, str] = {
    Role.VILLAGE_OPERATOR: "backoffice:operator_today",
    Role.OFFICER: "backoffice:worklist",
    Role.AGENCY_HEAD: "backoffice:dashboard",
    Role.PLATFORM_ADMIN: "administration:home",
    Role.EVALUATOR: "assessment:index",
    Role.DATA_STEWARD: "opendata:manage",
}
# A superuser without a staff role lands on the admin home too: the Django admin is a link from there, never a home.
SUPERUSER_HOME = "administration:home"


def _home_name(user: Any) -> str:
    role = getattr(user, "role", None)
    if role in ROLE_HOMES:
        return ROLE_HOMES[role]
    if getattr(user, "is_superuser", False):
        return SUPERUSER_HOME
    return MY_ACCOUNT


def home_url(user: Any) -> str:
    """The address `user` lands on after logging in: the home of their role, else "my account"."""
    try:
        return reverse(_home_name(user))
    except NoReverseMatch:  # an installation without that part (its URLs not included)
        return reverse(MY_ACCOUNT)


def workspace_url(user: Any) -> str | None:
    """The home of a staff role, for a link to it; None for a role whose home is "my account" itself."""
    if not getattr(user, "is_authenticated", False):
        return None
    url = home_url(user)
    return None if url == reverse(MY_ACCOUNT) else url
