"""Gateways that carry notification messages out: a registry, one class per kind of gateway.

Which gateway serves a channel is configuration (`settings.NOTIFICATION_GATEWAYS`, from the environment):

- `console` (default for SMS and WhatsApp): writes the message to the log. A first run needs nothing outside.
- `email` (default for email): Django's email backend (`SIMPUL_EMAIL_BACKEND`, SMTP settings).
- `http`: POSTs the message as JSON to `URL`, signed with HMAC-SHA256 (see `HttpGateway`), for an SMS or
  WhatsApp provider's adapter.

A gateway's `send(message)` returns a receipt dict (with `provider_id` when the provider gives one) or raises
`GatewayError`; the outbox retries with backoff. Receivers de-duplicate by `message.uid` (the `id` field and
the `Idempotency-Key` header), so a retried delivery never reaches a person twice.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from typing import Any, ClassVar

from django.conf import settings
from django.core.mail import EmailMessage

from simpul.core.registry import NotRegistered, Registry

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Simpul-Signature"
TIMESTAMP_HEADER = "X-Simpul-Timestamp"
DEFAULT_TIMEOUT_SECONDS = 10
DEFAULT_TOLERANCE_SECONDS = 300


class GatewayError(Exception):
    """Sending failed; the outbox will try again later."""


class Gateway:
    """Base class. Subclass, set `name`, implement `send`, decorate with `@registry.register`."""

    name: ClassVar[str] = ""

    def __init__(self, channel: str, options: dict[str, Any] | None = None) -> None:
        self.channel = channel
        self.options = options or {}

    def send(self, message: Any) -> dict[str, Any]:
        """Send one `notifications.Message`; return a receipt or raise `GatewayError`."""
        raise GatewayError(f"gateway {self.name!r} cannot send")


class GatewayRegistry(Registry[type[Gateway]]):
    def for_channel(self, channel: str) -> Gateway:
        """The configured gateway of `channel`."""
        config = dict(settings.NOTIFICATION_GATEWAYS.get(channel) or {})
        name = config.pop("BACKEND", "") or ("email" if channel == "email" else "console")
        try:
            cls = self.get(name)
        except NotRegistered:
            raise NotRegistered(f"no notification gateway named {name!r} (channel {channel})") from None
        return cls(channel, {k.lower(): v for k, v in config.items()})


registry = GatewayRegistry("notification gateway")


@registry.register
class ConsoleGateway(Gateway):
    """Writes the message to the log and counts it as sent (the local default)."""

    name = "console"

    def send(self, message: Any) -> dict[str, Any]:
        logger.info("notification %s to %s via console: %s", message.channel, message.recipient_display,
                    message.body[:200])
        return {"provider_id": f"console-{message.uid}"}


@registry.register
class EmailGateway(Gateway):
    """Sends through Django's email backend."""

    name = "email"

    def send(self, message: Any) -> dict[str, Any]:
        email = EmailMessage(
            subject=message.subject or message.event,
            body=message.body,
            to=[message.recipient],
            headers={"Message-ID": f"<{message.uid}@simpul>", "X-Simpul-Event": message.event},
        )
        try:
            sent = email.send(fail_silently=False)
        except Exception as exc:
            raise GatewayError(f"email not sent: {type(exc).__name__}: {exc}") from exc
        if not sent:
            raise GatewayError("email backend sent nothing")
        return {"provider_id": f"<{message.uid}@simpul>"}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex>`: HMAC-SHA256 with `secret` over `timestamp` + "." + body."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(
    *, secret: str, timestamp: str, body: bytes, signature: str, tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """For receivers: the signature matches and the timestamp is within `tolerance` seconds (no replays)."""
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - sent_at) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


@registry.register
class HttpGateway(Gateway):
    """POSTs JSON to a provider adapter, signed so the receiver can trust it.

    Body: `{"id", "channel", "to", "subject", "body", "event", "reference", "language"}`.
    Headers: `X-Simpul-Timestamp: <unix seconds>`, `X-Simpul-Signature: sha256=<hex HMAC-SHA256(secret,
    timestamp + "." + body)>`, `Idempotency-Key: <id>`. A 2xx answer is success; its JSON `id` or
    `message_id`, when present, is kept as the provider id. Anything else is retried.
    """

    name = "http"

    def send(self, message: Any) -> dict[str, Any]:
        url = self.options.get("url", "")
        secret = self.options.get("secret", "")
        if not url or not secret:
            raise GatewayError(f"the {self.channel} HTTP gateway needs a URL and a secret")
        body = json.dumps(
            {
                "id": str(message.uid),
                "channel": message.channel,
                "to": message.recipient,
                "subject": message.subject,
                "body": message.body,
                "event": message.event,
                "reference": message.case_reference,
                "language": message.language,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        timestamp = str(int(time.time()))
        request = urllib.request.Request(  # noqa: S310 - URL comes from the operator's configuration
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                TIMESTAMP_HEADER: timestamp,
                SIGNATURE_HEADER: sign(secret, timestamp, body),
                "Idempotency-Key": str(message.uid),
                "User-Agent": "Simpul-Notifications/1",
            },
        )
        timeout = float(self.options.get("timeout", DEFAULT_TIMEOUT_SECONDS))
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                status = response.status
                raw = response.read(65536)
        except urllib.error.HTTPError as exc:
            raise GatewayError(f"HTTP {exc.code} from the {self.channel} gateway") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise GatewayError(f"{self.channel} gateway unreachable: {exc}") from exc
        if not 200 <= status < 300:
            raise GatewayError(f"HTTP {status} from the {self.channel} gateway")
        provider_id = ""
        try:
            answer = json.loads(raw or b"{}")
            if isinstance(answer, dict):
                provider_id = str(answer.get("id") or answer.get("message_id") or "")
        except ValueError:
            pass
        return {"provider_id": provider_id[:200], "http_status": status}
