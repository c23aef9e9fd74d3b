"""Idempotency keys (Stripe; IETF draft-ietf-httpapi-idempotency-key-header), as PERFORMANCE.md asks.

Use it for every write a client may retry: `POST /api/v1/cases/` (key from the `Idempotency-Key` header)
and the portal's application form (key from a hidden field, reused by the offline outbox when it retries)::

    fingerprint = request_fingerprint(request.method, request.path, request_body_for_fingerprint(request))  # API
    fingerprint = form_fingerprint(request)  # form: fields minus CSRF token and key, files by SHA-256
    result = idempotent(
        scope=f"api:{client.pk}",          # or f"user:{user.pk}", or f"session:{session_key}" for anonymous
        key=idempotency_key_header(request),
        fingerprint=fingerprint,
        handler=lambda: (201, CaseOut(case_submit(...)).data),
    )
    return Response(result.body, status=result.status)

Outcomes (`IdempotentResult.outcome`, `.status`, `.body`, `.replayed`):

- ``created``: first request: the handler ran and its `(status, body)` is returned as is (e.g. 201).
- ``replayed``: same scope + key + fingerprint after the first finished: the stored body, status 200,
  `replayed=True`; `original_status` holds what the first request returned. The handler does not run.
- ``conflict``: same scope + key with a different fingerprint (another payload): 422, handler not run.
- ``in_flight``: same scope + key while the first request still runs: 409, handler not run; retry later.
- ``invalid_key``: key missing, longer than 200 characters or not printable ASCII: 400, handler not run.

Error bodies are `{"code": ..., "detail": <translated message>}`.

Rules:

- Call it *outside* `transaction.atomic` (the view must not be ATOMIC_REQUESTS-wrapped): the in-flight row is
  committed first, in its own transaction, and the unique constraint on (scope, key) decides which of
  concurrent requests runs the handler. Then the handler runs **in one transaction together with storing its
  response**, so a crash leaves neither a half-done write nor a stored response without its write.
- Only 2xx responses are stored. When the handler returns another status (say a 400 for a form with
  errors) or raises, the in-flight record is deleted, so the client may correct its data and retry with the
  same key.
- An in-flight record older than `IDEMPOTENCY_IN_FLIGHT_SECONDS` (default 120, twice gunicorn's --timeout) is taken to belong to a
  process that died; the next request with its key takes it over. Ownership is checked when the response is
  stored (`lock_token`), so even then the handler's writes commit at most once.
- Records expire after `settings.IDEMPOTENCY_TTL_HOURS` (at least 24 h); an expired key counts as new.
  `idempotency_purge()` deletes expired records (periodic job `core.idempotency_purge`, hourly).

Fingerprints: `request_fingerprint(method, path, body)` hashes the method, the path and the body. For an
API, pass the raw body bytes. For an HTML form, `form_fingerprint(request, key_field="idempotency_key")`
hashes the submitted fields without the CSRF token and the key itself (canonical JSON, so field order does
not matter) and each uploaded file's SHA-256, so a different file makes a different request. The form
page puts `new_key()` in its hidden field; when it re-renders with errors it keeps the same key.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import http_sf
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul.core.models import IdempotencyRecord, IdempotencyState

KEY_MAX_LENGTH = 200
MIN_TTL_HOURS = 24


class _OwnershipLost(Exception):
    """Raised inside the handler's transaction to roll it back when another call took the record over."""


@dataclass(frozen=True)
class IdempotentResult:
    status: int
    body: dict[str, Any] = field(default_factory=dict)
    replayed: bool = False
    outcome: str = "created"  # created | replayed | conflict | in_flight | invalid_key
    original_status: int | None = None


def idempotency_key_header(request: HttpRequest) -> str:
    """The key in a request's `Idempotency-Key` header ("" when absent), read here for every door.

    The IETF draft makes the header an RFC 8941 structured-field string, `"8e03978e-40d5-43e8-bc93-6894a57f9324"`,
    parsed with `http_sf`; a bare value (what many clients send, and what a UUID is not as a structured field)
    is taken as the key as it stands, so `"abc"` and `abc` are one key. A quoted value that is not a valid string
    comes back as sent, quotes included, and `key_is_valid` refuses it (400).
    """
    raw = (request.headers.get("Idempotency-Key") or "").strip()
    if not raw.startswith('"'):
        return raw
    try:
        item: Any = http_sf.parse(raw.encode("ascii"), tltype="item")  # (value, parameters)
    except (http_sf.StructuredFieldError, UnicodeEncodeError, ValueError):
        return raw
    value = item[0] if isinstance(item, tuple) else None
    return value if isinstance(value, str) else raw


def request_body_for_fingerprint(request: HttpRequest) -> bytes | dict[str, Any] | list[Any]:
    """What a request's fingerprint covers: a JSON body parsed (so the same document re-indented, or with its
    keys in another order, is the same request), any other body as its bytes."""
    body = request.body
    if (request.content_type or "").split(";")[0].strip().lower().endswith(("/json", "+json")):
        try:
            parsed = json.loads(body or b"null")
        except ValueError:
            return body
        if isinstance(parsed, dict | list):
            return parsed
    return body


def request_fingerprint(method: str, path: str, body: bytes | str | dict[str, Any] | list[Any] | None) -> str:
    """SHA-256 (hex) of a request: method, path and body (bytes as sent, or a dict/list as canonical JSON)."""
    if body is None:
        body_bytes = b""
    elif isinstance(body, bytes):
        body_bytes = body
    elif isinstance(body, str):
        body_bytes = body.encode("utf-8")
    else:
        body_bytes = json.dumps(
            body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
        ).encode("utf-8")
    digest = hashlib.sha256()
    digest.update(method.upper().encode("ascii"))
    digest.update(b"\n")
    digest.update(path.encode("utf-8"))
    digest.update(b"\n")
    digest.update(body_bytes)
    return digest.hexdigest()


def new_key() -> str:
    """A fresh key for a form's hidden field (`<input type="hidden" name="idempotency_key">`)."""
    return str(uuid.uuid4())


def form_fingerprint(request: HttpRequest, *, key_field: str = "idempotency_key") -> str:
    """Fingerprint of a posted HTML form: its fields (without the CSRF token and the key) and its files' SHA-256.

    Reading the files rewinds them afterwards, so the view can still save them.
    """
    skip = {"csrfmiddlewaretoken", key_field}
    fields = {name: request.POST.getlist(name) for name in sorted(request.POST) if name not in skip}
    files: dict[str, list[str]] = {}
    for name in sorted(request.FILES):
        digests = []
        for upload in request.FILES.getlist(name):
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            digests.append(digest.hexdigest())
        files[name] = digests
    return request_fingerprint(request.method or "POST", request.path, {"fields": fields, "files": files})


def key_is_valid(key: str) -> bool:
    """1–200 printable ASCII characters without a double quote (a UUID is the expected form; a quote is left only
    by a malformed structured-field string, see `idempotency_key_header`)."""
    return 1 <= len(key) <= KEY_MAX_LENGTH and all(" " <= ch <= "~" and ch != '"' for ch in key)


def _ttl() -> timedelta:
    return timedelta(hours=max(settings.IDEMPOTENCY_TTL_HOURS, MIN_TTL_HOURS))


def _stale_after() -> timedelta:
    return timedelta(seconds=settings.IDEMPOTENCY_IN_FLIGHT_SECONDS)


def _error(status: int, outcome: str, code: str, detail: str) -> IdempotentResult:
    return IdempotentResult(status=status, body={"code": code, "detail": detail}, outcome=outcome)


def _in_flight() -> IdempotentResult:
    return _error(
        409,
        "in_flight",
        "idempotency_request_in_flight",
        _("The first request with this key is still being processed. Try again in a moment."),
    )


def _claim(*, scope: str, key: str, fingerprint: str) -> tuple[str | None, IdempotentResult | None]:
    """Insert (or take over) the in-flight record. Returns (lock_token, None) when this call owns it,
    otherwise (None, the result to answer with)."""
    for _attempt in range(5):
        now = timezone.now()
        token = uuid.uuid4().hex
        try:
            with transaction.atomic():
                IdempotencyRecord.objects.create(
                    scope=scope,
                    key=key,
                    fingerprint=fingerprint,
                    state=IdempotencyState.IN_FLIGHT,
                    locked_at=now,
                    lock_token=token,
                    expires_at=now + _ttl(),
                )
            return token, None
        except IntegrityError:
            pass
        record = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
        if record is None:
            continue  # the other request failed and removed its record meanwhile: try again
        if record.expires_at <= now:
            IdempotencyRecord.objects.filter(pk=record.pk, expires_at__lte=now).delete()
            continue
        if record.fingerprint != fingerprint:
            return None, _error(
                422,
                "conflict",
                "idempotency_key_reused",
                _("This idempotency key was already used for a different request. Use a new key."),
            )
        if record.state == IdempotencyState.DONE:
            return None, IdempotentResult(
                status=200,
                body=record.response_body or {},
                replayed=True,
                outcome="replayed",
                original_status=record.response_status,
            )
        if record.locked_at is not None and record.locked_at <= now - _stale_after():
            taken = IdempotencyRecord.objects.filter(
                pk=record.pk, state=IdempotencyState.IN_FLIGHT, lock_token=record.lock_token
            ).update(locked_at=now, lock_token=token)
            if taken == 1:
                return token, None
        return None, _in_flight()
    return None, _in_flight()


def _release(*, scope: str, key: str, token: str) -> None:
    IdempotencyRecord.objects.filter(
        scope=scope, key=key, lock_token=token, state=IdempotencyState.IN_FLIGHT
    ).delete()


def idempotent(
    *,
    scope: str,
    key: str,
    fingerprint: str,
    handler: Callable[[], tuple[int, dict[str, Any]]],
) -> IdempotentResult:
    """Run `handler` at most once per (scope, key); see the module docstring for the full contract."""
    if not key_is_valid(key):
        return _error(
            400,
            "invalid_key",
            "idempotency_key_invalid",
            _("The idempotency key must be 1 to 200 printable characters (a UUID is best)."),
        )
    token, answer = _claim(scope=scope, key=key, fingerprint=fingerprint)
    if answer is not None or token is None:
        return answer or _in_flight()
    try:
        with transaction.atomic():
            status, body = handler()
            if 200 <= status < 300:
                stored = IdempotencyRecord.objects.filter(
                    scope=scope, key=key, lock_token=token, state=IdempotencyState.IN_FLIGHT
                ).update(state=IdempotencyState.DONE, response_status=status, response_body=body)
                if stored != 1:
                    raise _OwnershipLost
            else:
                _release(scope=scope, key=key, token=token)
    except _OwnershipLost:
        return _in_flight()
    except BaseException:
        _release(scope=scope, key=key, token=token)
        raise
    return IdempotentResult(status=status, body=body, replayed=False, outcome="created", original_status=status)


def idempotency_purge() -> int:
    """Delete expired idempotency records; returns how many."""
    deleted, _by_model = IdempotencyRecord.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


def idempotency_forget(*, scope: str, key: str | None) -> int:
    """Retention: delete the record of (scope, key) with the response it stored; returns how many."""
    if not key:
        return 0
    deleted, _by_model = IdempotencyRecord.objects.filter(scope=scope, key=key).delete()
    return deleted
