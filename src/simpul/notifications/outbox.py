"""The outbox backends of notifications: "notification.render" renders a queued event into messages, and
"notification" delivers one `Message` through its channel's gateway.

Payload: `{"message_id": <Message.pk>}`. Idempotent: a message already sent is not sent again (the gateway
also gets `Message.uid` to de-duplicate). Each attempt is written to the message's delivery log; when the
outbox gives up (dead letter), the message is marked failed; a re-send from the admin can still deliver it.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from simpul.core.models import OutboxMessage
from simpul.core.outbox import DeliveryError, OutboxBackend, registry
from simpul.notifications.gateways import registry as gateways
from simpul.notifications.models import Message, MessageAttempt, MessageStatus
from simpul.notifications.reference import SECRET_LINK_EVENTS
from simpul.notifications.services import BACKEND_NAME, RENDER_BACKEND_NAME, notification_send

__all__ = ["BACKEND_NAME", "RENDER_BACKEND_NAME", "NotificationBackend", "NotificationRenderBackend"]


@registry.register
class NotificationRenderBackend(OutboxBackend):
    """Renders one queued event (`notification_queue`) into its messages, one per channel, each queued for the
    "notification" backend. Idempotent: once rendered, the payload holds only the message ids."""

    name = RENDER_BACKEND_NAME

    def deliver(self, message: Any) -> dict[str, Any]:
        payload = dict(message.payload or {})
        if "message_ids" in payload or "event" not in payload:
            return {"message_ids": payload.get("message_ids", []), "already_rendered": True}
        with transaction.atomic():
            queued = notification_send(
                event=str(payload["event"]), to_email=str(payload.get("to_email", "")),
                to_phone=str(payload.get("to_phone", "")), language=str(payload.get("language", "id")),
                context=dict(payload.get("context") or {}), case_reference=str(payload.get("case_reference", "")),
            )
            ids = [m.pk for m in queued]
            OutboxMessage.objects.filter(pk=message.pk).update(payload={"message_ids": ids})
        return {"message_ids": ids}


LINK_RE = re.compile(r"https?://\S+")


def _kept_body(notification: Message) -> dict[str, Any]:
    """What the stored copy of a delivered (or given-up) message keeps: a key-like link is struck out."""
    if notification.event not in SECRET_LINK_EVENTS:
        return {}
    return {"body": LINK_RE.sub("[…]", notification.body)}


@registry.register
class NotificationBackend(OutboxBackend):
    name = BACKEND_NAME

    def deliver(self, message: Any) -> dict[str, Any]:
        notification = Message.objects.filter(pk=message.payload.get("message_id")).first()
        if notification is None:
            return {"skipped": "message no longer exists"}
        if notification.status == MessageStatus.SENT:
            return {"provider_id": notification.provider_id, "already_sent": True}
        gateway = gateways.for_channel(notification.channel)
        try:
            receipt = gateway.send(notification)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:2000]
            last_try = message.attempts + 1 >= message.max_attempts
            with transaction.atomic():
                Message.objects.filter(pk=notification.pk).update(
                    attempts=F("attempts") + 1, last_error=error, gateway=gateway.name, updated_at=timezone.now(),
                    **({"status": MessageStatus.FAILED, **_kept_body(notification)} if last_try else {}),
                )
                MessageAttempt.objects.create(message=notification, gateway=gateway.name, ok=False, detail=error)
            raise DeliveryError(error) from exc
        with transaction.atomic():
            Message.objects.filter(pk=notification.pk).update(
                attempts=F("attempts") + 1, status=MessageStatus.SENT, sent_at=timezone.now(), last_error="",
                gateway=gateway.name, provider_id=str(receipt.get("provider_id", ""))[:200],
                updated_at=timezone.now(), **_kept_body(notification),
            )
            MessageAttempt.objects.create(message=notification, gateway=gateway.name, ok=True,
                                          detail=str(receipt)[:2000])
        return {"gateway": gateway.name, **receipt}
