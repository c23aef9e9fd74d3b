"""Writes of the core app: audit entries and outbox messages.

Every other app records its changes with `audit_record` and its side effects with `outbox_enqueue`, inside
its own `transaction.atomic()` block, so a change, its audit entry and its outbox rows commit together.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from simpul.core.models import AuditChainHead, AuditEntry, OutboxMessage

GENESIS_HASH = "0" * 64


def audit_entry_digest(
    *,
    seq: int,
    created_at: datetime,
    actor_id: int | None,
    actor_label: str,
    on_behalf_of: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    changes: Any,
    prev_hash: str,
) -> str:
    """SHA-256 over the canonical JSON of an entry's content and the previous entry's hash."""
    body = json.dumps(
        {
            "seq": seq,
            "created_at": created_at.isoformat(),
            "actor_id": actor_id,
            "actor_label": actor_label,
            "on_behalf_of": on_behalf_of,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "object_repr": object_repr,
            "changes": changes,
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


@transaction.atomic
def audit_record(
    *,
    actor: Any = None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    actor_label: str = "",
    on_behalf_of: str = "",
) -> AuditEntry:
    """Append one entry to the hash-chained audit log.

    `actor` is a user (or None for the system; `actor_label` then names it, e.g. an API client).
    Writers are serialised by locking the single `AuditChainHead` row, so the chain never forks.
    `changes` must not hold personal data in clear (mask NIK, never log PINs or keys).
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    actor_id = getattr(actor, "pk", None) if actor is not None and getattr(actor, "is_authenticated", False) else None
    if not actor_label and actor_id is not None:
        actor_label = str(getattr(actor, "email", "") or getattr(actor, "phone", "") or actor_id)
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    seq = head.seq + 1
    created_at = timezone.now()
    payload_changes = _json_safe(changes or {})
    entry_hash = audit_entry_digest(
        seq=seq,
        created_at=created_at,
        actor_id=actor_id,
        actor_label=actor_label,
        on_behalf_of=on_behalf_of,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        changes=payload_changes,
        prev_hash=head.last_hash,
    )
    entry = AuditEntry.objects.create(
        seq=seq,
        created_at=created_at,
        actor_id=actor_id,
        actor_label=actor_label[:200],
        on_behalf_of=on_behalf_of[:200],
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        changes=payload_changes,
        prev_hash=head.last_hash,
        entry_hash=entry_hash,
    )
    head.seq = seq
    head.last_hash = entry_hash
    head.save(update_fields=["seq", "last_hash"])
    return entry


def outbox_enqueue(
    *,
    backend: str,
    payload: dict[str, Any],
    topic: str = "",
    ordering_key: str = "",
    max_attempts: int | None = None,
) -> OutboxMessage:
    """Write an outbox row in the caller's transaction; the worker delivers it after commit.

    `backend` names a delivery backend registered in `simpul.core.outbox.registry`.
    """
    from simpul.core.outbox import registry

    registry.get(backend)  # unknown backend: fail now, inside the caller's transaction
    message = OutboxMessage(
        backend=backend,
        topic=topic,
        ordering_key=ordering_key,
        payload=_json_safe(payload),
        max_attempts=max_attempts or settings.OUTBOX_MAX_ATTEMPTS,
        next_attempt_at=timezone.now(),
    )
    message.full_clean()
    message.save()
    transaction.on_commit(_kick_outbox_worker)
    return message


def _kick_outbox_worker() -> None:
    """Ask the task queue to deliver pending messages soon (the worker also polls)."""
    from simpul.core.tasks import outbox_deliver_due

    try:
        outbox_deliver_due.enqueue()
    except Exception:
        import logging

        logging.getLogger(__name__).warning("could not enqueue outbox delivery task", exc_info=True)
