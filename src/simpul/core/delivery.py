"""The outbox worker's side: lease due messages, deliver them, back off, dead-letter.

Guarantees:

- **Never delivered twice once delivered**: only `pending` messages are leased, and a delivered message is
  never reset (`outbox_resend` refuses it).
- **Never delivered by two workers at once**: a worker first takes a lease with a conditional UPDATE
  (`locked_until` in the past, a fresh `lease_token`); only the worker whose UPDATE changed the row delivers.
  A batch's lease is renewed at half time; a backend must finish (or time out) within `LEASE_SECONDS / 2`.
  When a worker dies, its messages are free again once the lease runs out.
- **In order per ordering key and backend**: a message is only leased when no earlier message with the same
  `(backend, ordering_key)` is still pending. A dead letter no longer blocks the messages after it.
- **Backoff**: after the n-th failed attempt the next one waits `base * 2^(n-1)` seconds (±10% jitter,
  capped); after `max_attempts` failures the message is a dead letter.
"""

from __future__ import annotations

import logging
import random
import time
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


def _lease_many(ids: list[int]) -> tuple[str, list[OutboxMessage]]:
    """Lease every free message among `ids` with one UPDATE; returns the token and the messages won."""
    now = timezone.now()
    token = uuid.uuid4().hex
    OutboxMessage.objects.filter(_leasable(now), id__in=ids).update(
        locked_until=now + timedelta(seconds=LEASE_SECONDS), lease_token=token
    )
    return token, list(OutboxMessage.objects.filter(id__in=ids, lease_token=token).order_by("id"))


def _renew(token: str) -> None:
    """Extend the lease on the messages of `token` that are still waiting in this worker's batch."""
    OutboxMessage.objects.filter(lease_token=token, status=OutboxStatus.PENDING).update(
        locked_until=timezone.now() + timedelta(seconds=LEASE_SECONDS)
    )


def _record(message: OutboxMessage, token: str, *, ok: bool, detail: str, receipt: dict | None = None) -> bool:
    """Write the outcome of an attempt, if this worker still holds the lease; True when written.

    One conditional UPDATE (the lease token must still be ours) and the attempt log, in one transaction.
    """
    now = timezone.now()
    attempts = message.attempts + 1
    fields: dict[str, object] = {"attempts": attempts, "locked_until": None, "lease_token": "", "updated_at": now}
    if ok:
        fields.update(status=OutboxStatus.DELIVERED, delivered_at=now, receipt=receipt or {}, last_error="")
    elif attempts >= message.max_attempts:
        fields.update(status=OutboxStatus.DEAD, last_error=detail)
    else:
        fields.update(last_error=detail, next_attempt_at=now + timedelta(seconds=backoff_seconds(attempts)))
    with transaction.atomic():
        written = OutboxMessage.objects.filter(
            pk=message.pk, lease_token=token, status=OutboxStatus.PENDING
        ).update(**fields)
        if written != 1:
            logger.warning("outbox #%s: lease lost before the outcome was written", message.pk)
            return False
        OutboxAttempt.objects.create(message_id=message.pk, ok=ok, detail=detail[:2000])
    return True


def _deliver_leased(message: OutboxMessage, token: str) -> bool:
    try:
        backend = registry.get(message.backend)()
        receipt = backend.deliver(message)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        _record(message, token, ok=False, detail=error)
        logger.warning("outbox #%s delivery failed: %s", message.pk, error)
        return False
    return _record(message, token, ok=True, detail=str(receipt or ""), receipt=receipt)


def outbox_deliver_one(message_id: int) -> bool:
    """Try to deliver one message now (if it is pending and free); True when it was delivered by this call.

    Safe to call twice and from several workers at once: the lease lets only one of them deliver.
    Ordering is the caller's concern here; `outbox_deliver_batch` only hands over messages first in line.
    """
    token = _lease(message_id)
    if token is None:
        return False
    return _deliver_leased(OutboxMessage.objects.get(pk=message_id), token)


def outbox_deliver_batch(*, limit: int = 50, max_rounds: int = 100) -> int:
    """Deliver due messages until none is left (or `max_rounds` batches ran); returns how many were delivered.

    Each round leases up to `limit` messages (each first in line for its ordering key) with one UPDATE and
    renews the lease at half time, so a batch of slow deliveries never outlives it (each delivery must
    still finish within LEASE_SECONDS / 2).
    """
    delivered = 0
    for _round in range(max_rounds):
        ids = _due_ids(limit)
        if not ids:
            break
        token, messages = _lease_many(ids)
        leased_at = time.monotonic()
        progressed = False
        for message in messages:
            if time.monotonic() - leased_at > LEASE_SECONDS / 2:
                _renew(token)
                leased_at = time.monotonic()
            if _deliver_leased(message, token):
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
