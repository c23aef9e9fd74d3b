"""The outbox backend "notification": delivers one `Message` through its channel's gateway.

Payload: `{"message_id": <Message.pk>}`. Idempotent: a message already sent is not sent again (the gateway
also gets `Message.uid` to de-duplicate). Each attempt is written to the message's delivery log; when the
outbox gives up (dead letter), the message is marked failed; a re-send from the admin can still deliver it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from simpul.core.outbox import DeliveryError, OutboxBackend, registry
from simpul.notifications.gateways import registry as gateways
from simpul.notifications.models import Message, MessageAttempt, MessageStatus

BACKEND_NAME = "notification"


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
                    **({"status": MessageStatus.FAILED} if last_try else {}),
                )
                MessageAttempt.objects.create(message=notification, gateway=gateway.name, ok=False, detail=error)
            raise DeliveryError(error) from exc
        with transaction.atomic():
            Message.objects.filter(pk=notification.pk).update(
                attempts=F("attempts") + 1, status=MessageStatus.SENT, sent_at=timezone.now(), last_error="",
                gateway=gateway.name, provider_id=str(receipt.get("provider_id", ""))[:200],
                updated_at=timezone.now(),
            )
            MessageAttempt.objects.create(message=notification, gateway=gateway.name, ok=True,
                                          detail=str(receipt)[:2000])
        return {"gateway": gateway.name, **receipt}
