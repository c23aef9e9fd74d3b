"""The outbox worker's side: lease due messages, deliver them, back off, dead-letter.

Guarantees:

- **Never delivered twice once delivered**: only `pending` messages are leased, and a delivered message is
  never reset (`outbox_resend` refuses it).
- **Never delivered by two workers at once**: a worker first takes a lease with a conditional UPDATE
  (`locked_until` in the past, a fresh `lease_token`); only the worker whose UPDATE changed the row delivers.
  A backend must finish (or time out) within `LEASE_SECONDS`, after which a crashed worker's message is free.
- **In order per ordering key and backend**: a message is only leased when no earlier message with the same
  `(backend, ordering_key)` is still pending. A dead letter no longer blocks the messages after it.
- **Backoff**: after the n-th failed attempt the next one waits `base * 2^(n-1)` seconds (±10% jitter,
  capped); after `max_attempts` failures the message is a dead letter.
"""

from __future__ import annotations

import logging
import random
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from simpul.core.models import OutboxAttempt, OutboxMessage, OutboxStatus
from simpul.core.outbox import registry

logger = logging.getLogger(__name__)

LEASE_SECONDS = 120


def backoff_seconds(attempts: int) -> int:
    """Seconds to wait after `attempts` failed attempts: base * 2^(attempts-1), capped, with ±10% jitter."""
    base = settings.OUTBOX_BACKOFF_BASE_SECONDS
    delay = min(base * (2 ** max(attempts - 1, 0)), settings.OUTBOX_BACKOFF_MAX_SECONDS)
    return int(delay * (0.9 + 0.2 * random.random()))  # noqa: S311 - jitter, not security


def _leasable(now: object) -> Q:
    return Q(status=OutboxStatus.PENDING) & (Q(locked_until__isnull=True) | Q(locked_until__lt=now))


def _due_ids(limit: int) -> list[int]:
    """Ids of due messages that are first in line for their ordering key."""
    now = timezone.now()
    earlier_pending = OutboxMessage.objects.filter(
        backend=OuterRef("backend"),
        ordering_key=OuterRef("ordering_key"),
        status=OutboxStatus.PENDING,
        id__lt=OuterRef("id"),
    )
    return list(
        OutboxMessage.objects.filter(_leasable(now), next_attempt_at__lte=now)
        .filter(Q(ordering_key="") | ~Exists(earlier_pending))
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )


def _lease(message_id: int) -> str | None:
    """Take the lease on one message; returns the lease token, or None when someone else holds it."""
    now = timezone.now()
    token = uuid.uuid4().hex
    taken = OutboxMessage.objects.filter(_leasable(now), pk=message_id).update(
        locked_until=now + timedelta(seconds=LEASE_SECONDS), lease_token=token
    )
    return token if taken == 1 else None


def _record(message_id: int, token: str, *, ok: bool, detail: str, receipt: dict | None = None) -> None:
    """Write the outcome of an attempt, if this worker still holds the lease."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message_id)
        if message.lease_token != token or message.status != OutboxStatus.PENDING:
            logger.warning("outbox #%s: lease lost before the outcome was written", message_id)
            return
        now = timezone.now()
        message.attempts += 1
        message.locked_until = None
        message.lease_token = ""
        if ok:
            message.status = OutboxStatus.DELIVERED
            message.delivered_at = now
            message.receipt = receipt or {}
            message.last_error = ""
        else:
            message.last_error = detail
            if message.attempts >= message.max_attempts:
                message.status = OutboxStatus.DEAD
            else:
                message.next_attempt_at = now + timedelta(seconds=backoff_seconds(message.attempts))
        message.save()
        OutboxAttempt.objects.create(message=message, ok=ok, detail=detail[:2000])


def outbox_deliver_one(message_id: int) -> bool:
    """Try to deliver one message now (if it is pending and free); True when it was delivered by this call.

    Safe to call twice and from several workers at once: the lease lets only one of them deliver.
    Ordering is the caller's concern here; `outbox_deliver_batch` only hands over messages first in line.
    """
    token = _lease(message_id)
    if token is None:
        return False
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        backend = registry.get(message.backend)
        receipt = backend.deliver(message)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        _record(message_id, token, ok=False, detail=error)
        logger.warning("outbox #%s delivery failed: %s", message_id, error)
        return False
    _record(message_id, token, ok=True, detail=str(receipt or ""), receipt=receipt)
    return True


def outbox_deliver_batch(*, limit: int = 50, max_rounds: int = 100) -> int:
    """Deliver due messages until none is left (or `max_rounds` batches ran); returns how many were delivered."""
    delivered = 0
    for _round in range(max_rounds):
        ids = _due_ids(limit)
        if not ids:
            break
        progressed = False
        for message_id in ids:
            if outbox_deliver_one(message_id):
                delivered += 1
                progressed = True
        if not progressed:  # everything due failed or was taken by another worker: stop, do not spin
            break
    return delivered


def outbox_purge_delivered(*, older_than: timedelta | None = None) -> int:
    """Delete delivered messages (and their attempt logs) older than `settings.OUTBOX_RETENTION_DAYS`.

    Dead letters and pending messages are kept whatever their age: they still need an admin or a worker.
    """
    if older_than is None:
        older_than = timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    cutoff = timezone.now() - older_than
    deleted, _by_model = OutboxMessage.objects.filter(
        status=OutboxStatus.DELIVERED, delivered_at__lt=cutoff
    ).delete()
    return deleted
