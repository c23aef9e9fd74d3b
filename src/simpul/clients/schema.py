"""drf-spectacular: describe API key authentication in the OpenAPI document (imported by ClientsConfig.ready)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "simpul.clients.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key issued by a platform admin: `Authorization: Bearer <key>` "
            "(or the header `X-Api-Key: <key>`).",
        }


class VerifiedSessionScheme(SessionScheme):
    """The browser session (staff who passed their second factor), documented as DRF's session cookie."""

    target_class = "simpul.clients.auth.VerifiedSessionAuthentication"
    priority = 0
