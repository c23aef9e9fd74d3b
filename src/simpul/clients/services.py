"""Writes of the api app: API clients and their keys.

Keys are random (≥ 256 bits) and shown once; only HMAC-SHA256(key, `settings.API_KEY_HMAC_KEY` or
`SECRET_KEY`) is stored. A fast keyed hash is right here: the keys are high-entropy, so there is nothing to
brute-force, and a look-up costs one indexed query. Rotation issues a new key and lets the old ones live on
for an overlap period so the client's system can switch without downtime.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul.clients.models import ApiClient, ApiKey
from simpul.clients.scopes import SCOPES
from simpul.core.actors import account_of
from simpul.core.services import audit_record

KEY_PREFIX = "smpl_"
MIN_KEY_LENGTH = 16


def api_key_hash(secret: str) -> str:
    """The keyed hash stored for a key (hex HMAC-SHA256)."""
    pepper = (settings.API_KEY_HMAC_KEY or settings.SECRET_KEY).encode("utf-8")
    return hmac.new(pepper, secret.encode("utf-8"), hashlib.sha256).hexdigest()


def _validate_scopes(scopes: Iterable[str]) -> list[str]:
    scopes = list(dict.fromkeys(scopes))
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise ValidationError({"scopes": _("Unknown scope(s): {scopes}.").format(scopes=", ".join(unknown))})
    return scopes


def _actor_kwargs(actor: Any) -> dict[str, Any]:
    return {"actor": actor} if actor is not None else {"actor_label": "system"}


@transaction.atomic
def api_client_create(
    *,
    name: str,
    scopes: Iterable[str],
    agency: Any = None,
    allowed_agencies: Iterable[Any] = (),
    allowed_service_codes: Iterable[str] = (),
    allowed_service_kinds: Iterable[str] = (),
    rate_limit_per_minute: int = 120,
    expires_at: datetime | None = None,
    contact_email: str = "",
    notes: str = "",
    actor: Any = None,
) -> ApiClient:
    """Register a client system. It has no key yet: call `api_key_issue`."""
    client = ApiClient(
        name=name,
        agency=agency,
        scopes=_validate_scopes(scopes),
        allowed_service_codes=list(allowed_service_codes),
        allowed_service_kinds=list(allowed_service_kinds),
        rate_limit_per_minute=rate_limit_per_minute,
        expires_at=expires_at,
        contact_email=contact_email,
        notes=notes,
    )
    client.full_clean()
    client.save()
    agencies = list(allowed_agencies)
    if agencies:
        client.allowed_agencies.set(agencies)
    audit_record(
        action="api.api_client_create",
        obj=client,
        changes={"scopes": client.scopes, "agency": getattr(agency, "code", None),
                 "allowed_agencies": [getattr(a, "code", a) for a in agencies],
                 "allowed_service_codes": client.allowed_service_codes,
                 "allowed_service_kinds": client.allowed_service_kinds,
                 "rate_limit_per_minute": rate_limit_per_minute},
        **_actor_kwargs(actor),
    )
    return client


@transaction.atomic
def api_client_update(*, client: ApiClient, actor: Any = None, **changes: Any) -> ApiClient:
    """Change a client's settings (scopes, restrictions, rate limit, active, expiry, contact)."""
    allowed = {"name", "agency", "scopes", "allowed_service_codes", "allowed_service_kinds",
               "rate_limit_per_minute", "is_active", "expires_at", "contact_email", "notes"}
    unknown = set(changes) - allowed - {"allowed_agencies"}
    if unknown:
        raise TypeError(f"api_client_update got unknown fields: {sorted(unknown)}")
    if "scopes" in changes:
        changes["scopes"] = _validate_scopes(changes["scopes"])
    diff: dict[str, Any] = {}
    for field in allowed & set(changes):
        old = getattr(client, field)
        if old != changes[field]:
            diff[field] = {"from": str(old), "to": str(changes[field])}
            setattr(client, field, changes[field])
    client.full_clean()
    client.save()
    if "allowed_agencies" in changes:
        agencies = list(changes["allowed_agencies"])
        client.allowed_agencies.set(agencies)
        diff["allowed_agencies"] = [getattr(a, "code", a) for a in agencies]
    if diff:
        audit_record(action="api.api_client_update", obj=client, changes=diff, **_actor_kwargs(actor))
    return client


@transaction.atomic
def api_key_issue(
    *,
    client: ApiClient,
    actor: Any = None,
    expires_at: datetime | None = None,
    secret: str | None = None,
) -> tuple[ApiKey, str]:
    """Issue a new key; returns the key row and the secret, which is never stored and must be shown once.

    `secret` lets the demo create its documented fixed keys; normal use leaves it out.
    """
    if secret is None:
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
    elif len(secret) < MIN_KEY_LENGTH:
        raise ValidationError({"secret": _("A key must be at least {n} characters long.").format(n=MIN_KEY_LENGTH)})
    key = ApiKey(
        client=client,
        prefix=secret[:8],
        secret_hash=api_key_hash(secret),
        expires_at=expires_at,
        created_by=account_of(actor),
    )
    key.full_clean()
    key.save()
    audit_record(action="api.api_key_issue", obj=client,
                 changes={"key_prefix": key.prefix, "key_id": key.pk,
                          "expires_at": expires_at.isoformat() if expires_at else None},
                 **_actor_kwargs(actor))
    return key, secret


@transaction.atomic
def api_key_rotate(*, client: ApiClient, overlap_hours: float = 24, actor: Any = None) -> tuple[ApiKey, str]:
    """Issue a new key; the client's current keys keep working for `overlap_hours`, then expire."""
    if overlap_hours < 0:
        raise ValidationError({"overlap_hours": _("The overlap cannot be negative.")})
    now = timezone.now()
    ends = now + timedelta(hours=overlap_hours)
    old_keys = list(
        ApiKey.objects.select_for_update().filter(client=client, revoked_at__isnull=True)
        .exclude(expires_at__lte=now)
    )
    for key in old_keys:
        if key.expires_at is None or key.expires_at > ends:
            key.expires_at = ends
            key.save(update_fields=["expires_at"])
    new_key, secret = api_key_issue(client=client, actor=actor)
    audit_record(action="api.api_key_rotate", obj=client,
                 changes={"new_key_prefix": new_key.prefix, "old_key_prefixes": [k.prefix for k in old_keys],
                          "old_keys_expire_at": ends.isoformat()},
                 **_actor_kwargs(actor))
    return new_key, secret


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor: Any = None) -> ApiKey:
    """Stop a key at once. Revoking twice keeps the first revocation time."""
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_record(action="api.api_key_revoke", obj=key.client, changes={"key_prefix": key.prefix, "key_id": key.pk},
                     **_actor_kwargs(actor))
    return key
