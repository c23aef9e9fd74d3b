"""Who may use the infrastructure API.

API clients authenticate with the api app's keys (`simpul.clients.auth.ApiKeyAuthentication`: `Authorization: Bearer
<key>` or `X-Api-Key`) and need the scope `infrastructure:read` (reads) or `infrastructure:write` (posting
measurements). Staff with a verified second factor may read through their browser session.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission

from simpul.accounts.permissions import StaffMFAPermission
from simpul.clients.auth import (
    ApiKeyAuthentication,
    HasScope,
    VerifiedSessionAuthentication,
    api_client_from_request,
)

AUTHENTICATION_CLASSES = [ApiKeyAuthentication, VerifiedSessionAuthentication]


class RegistryRead(BasePermission):
    """A staff session with MFA, or an API client with `infrastructure:read`."""

    message = "Reading the infrastructure registry needs a staff session or the infrastructure:read scope."

    def has_permission(self, request: Any, view: Any) -> bool:
        if api_client_from_request(request) is not None:
            return HasScope("infrastructure:read").has_permission(request, view)
        return StaffMFAPermission().has_permission(request, view)


def actor_label(request: Any) -> str:
    return str(getattr(request.user, "audit_label", "") or f"user:{getattr(request.user, 'pk', '')}")[:200]


MEASUREMENT_WRITE = HasScope("infrastructure:write")
