"""Who may use the infrastructure API.

API clients authenticate with the api app's keys (`simpul.api.auth`) and need the scopes
`infrastructure:read` (reads) or `infrastructure:write` (posting measurements). Staff with a verified second
factor may read through their session. Until `simpul.api.auth` is installed, key access is refused.
"""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission

from simpul.accounts.permissions import StaffMFAPermission

try:
    from simpul.api.auth import ApiKeyAuthentication, HasScope
except ImportError:  # the api app's key authentication is not installed
    ApiKeyAuthentication = None
    HasScope = None


def authentication_classes() -> list[Any]:
    classes: list[Any] = []
    if ApiKeyAuthentication is not None:
        classes.append(ApiKeyAuthentication)
    classes.append(SessionAuthentication)
    return classes


def scope_permission(scope: str) -> BasePermission:
    if HasScope is None:
        return _Deny()
    perm = HasScope(scope)
    return perm() if isinstance(perm, type) else perm


class _Deny(BasePermission):
    message = "API keys are not available on this installation."

    def has_permission(self, request: Any, view: Any) -> bool:
        return False


class RegistryRead(BasePermission):
    """A staff session with MFA, or an API client with `infrastructure:read`."""

    message = "Reading the infrastructure registry needs a staff session or the infrastructure:read scope."

    def has_permission(self, request: Any, view: Any) -> bool:
        if StaffMFAPermission().has_permission(request, view):
            return True
        return scope_permission("infrastructure:read").has_permission(request, view)


class MeasurementWrite(BasePermission):
    """Posting measurements needs an API client with `infrastructure:write`."""

    message = "Posting measurements needs the infrastructure:write scope."

    def has_permission(self, request: Any, view: Any) -> bool:
        perm = scope_permission("infrastructure:write")
        ok = perm.has_permission(request, view)
        if not ok:
            self.message = getattr(perm, "message", None) or self.message
        return ok
