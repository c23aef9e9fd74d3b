"""Webhooks: signing, the verification helper receivers use, and the outbox backend that delivers them.

Every delivery is an HTTP POST of one CloudEvents 1.0 JSON document (structured mode,
`Content-Type: application/cloudevents+json; charset=utf-8`) with these headers:

- `Simpul-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>` (more than one `v1=` may
  appear while a secret is being rotated; any one matching is enough),
- `Simpul-Event-Id` (= the CloudEvent `id`, stable across retries: de-duplicate on it),
- `Simpul-Event-Type` (= the CloudEvent `type`), and `Idempotency-Key` (= the event id, for receivers that
  already honour that header).

A receiver checks the signature with `verify_signature(secret, headers, body)`, which rejects a missing,
malformed or wrong signature and a timestamp outside the tolerance (replays). See docs/webhooks.md.

A receiver answering 2xx acknowledges the event. Any other answer, a connection error or a timeout
(`settings.WEBHOOK_TIMEOUT_SECONDS`, default 5) is a failed attempt: the outbox retries it with exponential
backoff for at least `settings.WEBHOOK_RETRY_HOURS` (default 24) and then dead-letters it. Deliveries of one
subscription and one case stay in order; other subscriptions and other cases are never held up.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul.api.models import EventDelivery, WebhookSubscription
from simpul.core.outbox import DeliveryError, OutboxBackend, registry

SIGNATURE_HEADER = "Simpul-Signature"
EVENT_ID_HEADER = "Simpul-Event-Id"
EVENT_TYPE_HEADER = "Simpul-Event-Type"
CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
DEFAULT_TOLERANCE_SECONDS = 300
MAX_RESPONSE_BYTES = 64 * 1024


class InvalidSignature(ValueError):
    """The webhook's signature does not verify. `reason`: missing, malformed, stale or mismatch."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def new_secret() -> str:
    """A fresh signing secret (shown to the client once when the subscription is created)."""
    return "whsec_" + secrets.token_urlsafe(32)


def event_body(event: dict[str, Any]) -> bytes:
    """The exact bytes sent for an event (compact JSON, UTF-8)."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def compute_signature(secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 of `"<timestamp>." + body` with `secret`."""
    return hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    """The value of `Simpul-Signature` for `body`, signed now (or at `timestamp`)."""
    ts = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={ts},v1={compute_signature(secret, ts, body)}"


def signed_headers(secret: str, body: bytes, event: dict[str, Any]) -> dict[str, str]:
    return {
        "Content-Type": CONTENT_TYPE,
        "User-Agent": "Simpul-Webhooks/1",
        SIGNATURE_HEADER: signature_header(secret, body),
        EVENT_ID_HEADER: str(event.get("id", "")),
        EVENT_TYPE_HEADER: str(event.get("type", "")),
        "Idempotency-Key": str(event.get("id", "")),
    }


def _header(headers: Mapping[str, str], name: str) -> str:
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    # Django's request.META spells headers HTTP_SIMPUL_SIGNATURE
    return str(headers.get("HTTP_" + name.upper().replace("-", "_"), "") or "")


def verify_signature(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> int:
    """Check a received webhook; returns its signing timestamp, or raises `InvalidSignature`.

    `headers`: the request headers (any mapping; names compared case-insensitively; Django's `request.META`
    works too). `body`: the raw request body bytes, exactly as received (do not re-serialise the JSON).
    A timestamp more than `tolerance_seconds` away from `now` (default: the current time) is refused, so a
    captured request cannot be replayed later; de-duplicate by `Simpul-Event-Id` within that window.
    """
    value = _header(headers, SIGNATURE_HEADER).strip()
    if not value:
        raise InvalidSignature("missing", "no Simpul-Signature header")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in value.split(","):
        key, _sep, item = part.strip().partition("=")
        if key == "t":
            try:
                timestamp = int(item)
            except ValueError:
                raise InvalidSignature("malformed", "the t= value is not a number") from None
        elif key == "v1" and item:
            candidates.append(item.strip().lower())
    if timestamp is None or not candidates:
        raise InvalidSignature("malformed", "the signature header needs t= and v1=")
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_seconds:
        raise InvalidSignature("stale", "the signature timestamp is outside the tolerance window")
    expected = compute_signature(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        raise InvalidSignature("mismatch", "the signature does not match the body")
    return timestamp


# -- sending ------------------------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is an answer like any other non-2xx: no silent re-POST elsewhere


_opener = urllib.request.build_opener(_NoRedirect)


def timeout_seconds() -> float:
    return float(settings.WEBHOOK_TIMEOUT_SECONDS)


def _origin(url: str) -> str:
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        return ""
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}"


def _allowed_receiver(url: str) -> bool:
    """True for a receiver the operator allowed by origin (`SIMPUL_WEBHOOK_ALLOWED_RECEIVERS`), e.g. the
    demo's local receiver: allowed even when it is plain http or on a private address."""
    return _origin(url) in {_origin(o) for o in settings.WEBHOOK_ALLOWED_RECEIVERS if o.strip()}


def _internal(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return bool(ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast
                or ip.is_unspecified)


def _addresses(host: str, port: int) -> list[str] | None:
    """The addresses `host` resolves to, or None when it does not resolve."""
    try:
        return [str(info[4][0]) for info in socket.getaddrinfo(host, port)]
    except (OSError, UnicodeError):
        return None


def receiver_url_problem(url: str) -> str:
    """Why `url` cannot be a webhook receiver (a translated sentence), or "" when it can.

    The one rule for every door that takes a receiver URL (the subscription API and the admin form), checked
    again at every delivery: http(s) with a host and no credentials; https unless
    `SIMPUL_WEBHOOK_ALLOW_INSECURE_URLS`; not a private, loopback or link-local address (nor a name resolving to
    one) unless `SIMPUL_WEBHOOK_ALLOW_PRIVATE_HOSTS`. Origins listed in `SIMPUL_WEBHOOK_ALLOWED_RECEIVERS` pass.
    A name that does not resolve now is accepted (the delivery will say so); one resolving inward is not.
    """
    parts = urlsplit(url.strip())
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        return _("The receiver URL has an invalid port.")
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return _("The receiver URL must be an http(s) address with a host name.")
    if parts.username or parts.password:
        return _("The receiver URL may not contain a user name or password; the signature proves the sender.")
    if _allowed_receiver(url):
        return ""
    if parts.scheme.lower() != "https" and not settings.WEBHOOK_ALLOW_INSECURE_URLS:
        return _("The receiver URL must start with https://.")
    if settings.WEBHOOK_ALLOW_PRIVATE_HOSTS:
        return ""
    host = parts.hostname.lower()
    inward = _("The receiver URL points into this server or a private network ({host}); events can only be "
               "sent to a public address.").format(host=host)
    if host == "localhost" or host.endswith(".localhost"):
        return inward
    addresses = _addresses(host, port)
    if addresses and any(_internal(a) for a in addresses):
        return inward
    return ""


def _check_destination(url: str, *, allow_private: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DeliveryError(f"not an http(s) URL: {url!r}")
    if allow_private or _allowed_receiver(url):
        return
    addresses = _addresses(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    if addresses is None:
        raise DeliveryError(f"cannot resolve {parts.hostname}")
    if any(_internal(a) for a in addresses):
        raise DeliveryError(f"{parts.hostname} resolves to a private address; refused")


def post_signed(url: str, secret: str, event: dict[str, Any], *, allow_private: bool = False,
                attempt: int = 1) -> tuple[int, bytes]:
    """POST `event` to `url`, signed with `secret`. Returns (HTTP status, the first 64 KB of the body).

    Raises `DeliveryError` when the receiver cannot be reached or does not answer within the timeout.
    """
    _check_destination(url, allow_private=allow_private)
    body = event_body(event)
    headers = signed_headers(secret, body, event)
    headers["Simpul-Delivery-Attempt"] = str(attempt)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - http(s) checked
    try:
        with _opener.open(request, timeout=timeout_seconds()) as response:
            return response.status, response.read(MAX_RESPONSE_BYTES)
    except urllib.error.HTTPError as exc:
        try:
            content = exc.read(MAX_RESPONSE_BYTES)
        except Exception:
            content = b""
        return exc.code, content
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"receiver not reachable: {reason}") from None


def _note_response(message: Any, status: int | None) -> None:
    EventDelivery.objects.filter(message_id=message.pk).update(
        last_response_status=status, last_attempt_at=timezone.now()
    )


def acknowledgement(status: int, content: bytes) -> dict[str, Any]:
    """The receipt stored for a 2xx answer: the status and the receiver's JSON body (or its text)."""
    receipt: dict[str, Any] = {"status": status}
    text = content.decode("utf-8", errors="replace").strip()
    if not text:
        return receipt
    try:
        receipt["ack"] = json.loads(text)
    except ValueError:
        receipt["text"] = text[:500]
    return receipt


def deliver_http(message: Any, *, url: str, secret: str, allow_private: bool) -> dict[str, Any]:
    """Deliver one outbox message's CloudEvent by HTTP; the receipt on 2xx, `DeliveryError` otherwise."""
    event = message.payload.get("event") or {}
    try:
        status, content = post_signed(url, secret, event, allow_private=allow_private,
                                      attempt=message.attempts + 1)
    except DeliveryError:
        _note_response(message, None)
        raise
    _note_response(message, status)
    if not 200 <= status < 300:
        snippet = content.decode("utf-8", errors="replace")[:200]
        raise DeliveryError(f"HTTP {status}: {snippet}")
    return acknowledgement(status, content)


@registry.register
class WebhookBackend(OutboxBackend):
    """Outbox backend "webhook": payload `{"subscription_id": ..., "event": <CloudEvent>}`."""

    name = "webhook"

    def deliver(self, message: Any) -> dict[str, Any]:
        subscription = (
            WebhookSubscription.objects.select_related("client")
            .filter(pk=message.payload.get("subscription_id")).first()
        )
        if subscription is None or not subscription.is_active:
            return {"skipped": "subscription removed"}
        allow_private = settings.WEBHOOK_ALLOW_PRIVATE_HOSTS
        return deliver_http(message, url=subscription.url, secret=subscription.secret, allow_private=allow_private)
