"""Authentication, scopes and rate limits for API clients.

- `ApiKeyAuthentication`: `Authorization: Bearer <key>` or `X-Api-Key: <key>`. An unknown, expired or revoked
  key (or an inactive/expired client) is a 401 problem. On success `request.user` is an `ApiClientPrincipal`
  (`.client` is the `ApiClient`) and `request.auth` the `ApiKey`. The per-client rate limit is enforced here
  (429 + Retry-After), and the call is marked for the call log (`simpul.api.middleware`).
- `VerifiedSessionAuthentication`: DRF session authentication for browsers, ignoring a staff session that has
  not passed its TOTP step (it is anonymous, as everywhere).
- `HasScope("cases:write", ...)`: a DRF permission (use the instance in `permission_classes`); `HasAnyScope(...)`
  needs one of them.
- `client_may_act_for(client, agency=..., service_code=..., service_kind=...)`: whether the client's
  restrictions cover that agency/service; `ensure_client_may_act_for(...)` raises the 403.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from simpul.accounts.permissions import is_mfa_verified, needs_mfa
from simpul.agencies.models import Agency
from simpul.clients.models import ApiClient, ApiKey
from simpul.clients.scopes import SCOPES
from simpul.clients.services import api_key_hash
from simpul.core.limits import Limit, limit_hit

REQUEST_MARK = "_simpul_api_call"
LAST_USED_RESOLUTION = timedelta(minutes=5)


class ApiClientPrincipal:
    """Stands in for `request.user` on calls made with an API key."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __init__(self, client: ApiClient) -> None:
        self.client = client

    def __str__(self) -> str:
        return f"api:{self.client.name}"

    @property
    def audit_label(self) -> str:
        """The `actor_label` for `audit_record` when an API client acts."""
        return f"api:{self.client.name}"[:200]

    def has_perm(self, *args: Any, **kwargs: Any) -> bool:
        return False


def api_client_from_request(request: Any) -> ApiClient | None:
    """The API client of this request, or None (a browser session or an anonymous call)."""
    user = getattr(request, "user", None)
    return user.client if isinstance(user, ApiClientPrincipal) else None


def _key_from_headers(request: Request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header:
        scheme, _sep, value = header.partition(" ")
        if scheme.lower() == "bearer":
            return value.strip()
    value = request.META.get("HTTP_X_API_KEY", "")
    return value.strip() or None


def rate_limit_hit(client: ApiClient) -> float | None:
    """Count one call of the client in its one-minute window (`simpul.core.limits`, shared by every process);
    returns seconds to wait when over the limit."""
    if not client.rate_limit_per_minute:
        return None
    state = limit_hit(Limit("api-client", client.rate_limit_per_minute, 60), str(client.pk))
    return float(state.retry_after) if state.exceeded else None


class ApiKeyAuthentication(BaseAuthentication):
    """API key authentication (see module docstring)."""

    www_authenticate_realm = "api"

    def authenticate(self, request: Request) -> tuple[ApiClientPrincipal, ApiKey] | None:
        secret = _key_from_headers(request)
        if not secret:
            return None
        key = (
            ApiKey.objects.select_related("client", "client__agency")
            .filter(secret_hash=api_key_hash(secret))
            .first()
        )
        now = timezone.now()
        if key is None:
            raise exceptions.AuthenticationFailed(_("The API key is not known."), code="api_key_unknown")
        if key.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("The API key has been revoked."), code="api_key_revoked")
        if key.expires_at is not None and key.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("The API key has expired."), code="api_key_expired")
        client = key.client
        if not client.is_active or (client.expires_at is not None and client.expires_at <= now):
            raise exceptions.AuthenticationFailed(
                _("The API client is disabled or has expired."), code="api_client_inactive"
            )
        wait = rate_limit_hit(client)
        if wait is not None:
            raise exceptions.Throttled(
                wait=wait,
                detail=_("Rate limit of {limit} requests per minute reached.").format(
                    limit=client.rate_limit_per_minute
                ),
            )
        setattr(request._request, REQUEST_MARK, (client.pk, key.prefix))
        if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return ApiClientPrincipal(client), key

    def authenticate_header(self, request: Request) -> str:
        return f'Bearer realm="{self.www_authenticate_realm}"'


class VerifiedSessionAuthentication(SessionAuthentication):
    """Session authentication that ignores a staff session which has not passed its TOTP step.

    `StaffMFAMiddleware` already makes such a session anonymous; this keeps the API refusing it even where the
    middleware is not in front (a test, another stack).
    """

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is not None and needs_mfa(result[0]) and not is_mfa_verified(result[0]):
            return None
        return result


def _agency_id(agency: Any) -> int | None:
    if agency is None:
        return None
    if isinstance(agency, int):
        return agency
    if isinstance(agency, str):
        return Agency.objects.filter(code=agency).values_list("pk", flat=True).first() or -1
    return agency.pk


def client_allowed_agency_ids(client: ApiClient) -> set[int]:
    """Agencies the client may act for (its own plus `allowed_agencies`); empty = any. Cached on the client."""
    cached = getattr(client, "_allowed_agency_ids", None)
    if cached is None:
        cached = set(client.allowed_agencies.values_list("pk", flat=True))
        if client.agency_id:
            cached.add(client.agency_id)
        client._allowed_agency_ids = cached  # type: ignore[attr-defined]
    return cached


def client_may_act_for(
    client: ApiClient, *, agency: Any = None, service_code: str | None = None, service_kind: str | None = None
) -> bool:
    """Whether the client's restrictions cover `agency` (Agency, id or code), `service_code` and `service_kind`."""
    if agency is not None:
        allowed = client_allowed_agency_ids(client)
        if allowed and _agency_id(agency) not in allowed:
            return False
    if service_code is not None and client.allowed_service_codes and service_code not in client.allowed_service_codes:
        return False
    return not (
        service_kind is not None and client.allowed_service_kinds and service_kind not in client.allowed_service_kinds
    )


def ensure_client_may_act_for(
    client: ApiClient, *, agency: Any = None, service_code: str | None = None, service_kind: str | None = None
) -> None:
    """Raise a 403 problem (code `scope_restricted`) unless `client_may_act_for`."""
    if not client_may_act_for(client, agency=agency, service_code=service_code, service_kind=service_kind):
        raise exceptions.PermissionDenied(
            _("This API client may not act for this agency or service."), code="scope_restricted"
        )


class HasScope(BasePermission):
    """DRF permission: the call is made by an API client holding every scope given.

    Use an instance: `permission_classes = [HasScope("cases:write")]`. Without an API key: 401.
    """

    def __init__(self, *scopes: str) -> None:
        unknown = [s for s in scopes if s not in SCOPES]
        if unknown:
            raise ValueError(f"unknown scope(s): {unknown}")
        self.scopes = scopes

    def __call__(self) -> HasScope:
        # DRF instantiates permission_classes; an instance simply returns itself.
        return self

    def has_permission(self, request: Request, view: Any) -> bool:
        client = api_client_from_request(request)
        if client is None:
            raise exceptions.NotAuthenticated(_("This operation needs an API key."), code="not_authenticated")
        missing = [s for s in self.scopes if s not in client.scopes]
        if missing:
            raise exceptions.PermissionDenied(
                _("The API key does not have the scope {scopes}.").format(scopes=", ".join(missing)),
                code="scope_missing",
            )
        return True

    client_may_act_for = staticmethod(client_may_act_for)
    ensure_client_may_act_for = staticmethod(ensure_client_may_act_for)


class HasAnyScope(HasScope):
    """DRF permission: the call is made by an API client holding at least one of the scopes given."""

    def has_permission(self, request: Request, view: Any) -> bool:
        client = api_client_from_request(request)
        if client is None:
            raise exceptions.NotAuthenticated(_("This operation needs an API key."), code="not_authenticated")
        if not any(s in client.scopes for s in self.scopes):
            raise exceptions.PermissionDenied(
                _("The API key does not have the scope {scopes}.").format(scopes=" / ".join(self.scopes)),
                code="scope_missing",
            )
        return True


# The doors through which a client submits cases; the scope also marks a case as the client's own submission.
