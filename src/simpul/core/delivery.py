"""The outbox worker's side: claim due messages, deliver them, back off, dead-letter."""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from simpul.core.models import OutboxAttempt, OutboxMessage, OutboxStatus
from simpul.core.outbox import registry

logger = logging.getLogger(__name__)

LEASE_SECONDS = 120


def backoff_seconds(attempts: int) -> int:
    """Exponential backoff with jitter: base * 2^(attempts-1), capped."""
    base = settings.OUTBOX_BACKOFF_BASE_SECONDS
    delay = min(base * (2 ** max(attempts - 1, 0)), settings.OUTBOX_BACKOFF_MAX_SECONDS)
    return int(delay * (0.9 + 0.2 * random.random()))  # noqa: S311 - jitter, not security


def _claim(limit: int) -> list[int]:
    """Lease up to `limit` due messages so two workers never deliver the same one at once.

    Messages sharing an ordering key are only claimed when no earlier message of that key is still
    pending, so deliveries stay in order per key (per case) while a receiver is down.
    """
    now = timezone.now()
    with transaction.atomic():
        due = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
            .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
            .order_by("id")[: limit * 4]
        )
        chosen: list[OutboxMessage] = []
        blocked_keys: set[tuple[str, str]] = set()
        for message in due:
            key = (message.backend, message.ordering_key)
            if message.ordering_key:
                if key in blocked_keys:
                    continue
                blocked_keys.add(key)
                earlier = OutboxMessage.objects.filter(
                    backend=message.backend,
                    ordering_key=message.ordering_key,
                    status=OutboxStatus.PENDING,
                    id__lt=message.id,
                ).exists()
                if earlier:
                    continue
            chosen.append(message)
            if len(chosen) >= limit:
                break
        ids = [m.id for m in chosen]
        OutboxMessage.objects.filter(id__in=ids).update(locked_until=now + timedelta(seconds=LEASE_SECONDS))
    return ids


def outbox_deliver_one(message_id: int) -> bool:
    """Try one message; returns True when it is delivered. Safe to call twice."""
    message = OutboxMessage.objects.get(pk=message_id)
    if message.status != OutboxStatus.PENDING:
        return message.status == OutboxStatus.DELIVERED
    try:
        backend = registry.get(message.backend)
        receipt = backend.deliver(message)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        with transaction.atomic():
            message = OutboxMessage.objects.select_for_update().get(pk=message_id)
            message.attempts += 1
            message.last_error = error
            message.locked_until = None
            if message.attempts >= message.max_attempts:
                message.status = OutboxStatus.DEAD
            else:
                message.next_attempt_at = timezone.now() + timedelta(seconds=backoff_seconds(message.attempts))
            message.save(update_fields=["attempts", "last_error", "locked_until", "status", "next_attempt_at", "updated_at"])
            OutboxAttempt.objects.create(message=message, ok=False, detail=error)
        logger.warning("outbox #%s delivery failed (attempt %s): %s", message_id, message.attempts, error)
        return False
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message_id)
        message.attempts += 1
        message.status = OutboxStatus.DELIVERED
        message.delivered_at = timezone.now()
        message.locked_until = None
        message.receipt = receipt or {}
        message.last_error = ""
        message.save()
        OutboxAttempt.objects.create(message=message, ok=True, detail=str(receipt or "")[:2000])
    return True


def outbox_deliver_batch(*, limit: int = 50) -> int:
    """Deliver due messages until none is left; returns how many were delivered."""
    delivered = 0
    while True:
        ids = _claim(limit)
        if not ids:
            return delivered
        for message_id in ids:
            if outbox_deliver_one(message_id):
                delivered += 1
