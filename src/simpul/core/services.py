"""Writes of the core app: audit entries, the personal-data access log, outbox messages and their re-sending.

Every other app records its changes with `audit_record` and its side effects with `outbox_enqueue`, inside
its own `transaction.atomic()` block, so a change, its audit entry and its outbox rows commit together.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import secrets
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul.core.actors import account_of
from simpul.core.clientip import client_ip
from simpul.core.models import AuditChainHead, AuditEntry, OutboxMessage, OutboxStatus, PersonalDataAccess
from simpul.core.outbox import registry
from simpul.core.pdp import _hkdf, keyed_hash, normalise_digits
from simpul.core.tasks import outbox_deliver_due

GENESIS_HASH = "0" * 64
logger = logging.getLogger(__name__)


def _entry_body(
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
) -> bytes:
    """The canonical JSON of an entry's content and the previous entry's hash (what both schemes sign)."""
    return json.dumps(
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
    ).encode("utf-8")


def audit_entry_digest(**fields: Any) -> str:
    """The unkeyed scheme: SHA-256 over the canonical JSON (entries written before the chain was keyed).

    Anyone can compute it, so it proves nothing on its own; such entries are trusted only as the prefix sealed
    by the keyed cut-over record (see `audit_cutover_mac`).
    """
    return hashlib.sha256(_entry_body(**fields)).hexdigest()


def audit_key() -> bytes:
    """The key of the audit chain: `settings.AUDIT_KEY` (env `SIMPUL_AUDIT_KEY`), kept outside the database.

    Without it (development, tests, the demo) a key is derived from SECRET_KEY with HKDF; `simpul check
    --deploy` refuses that in production (simpul.E003). Never change the key of a running chain: every entry
    written under the old key would then fail `simpul audit verify`.
    """
    return _audit_key_for(settings.AUDIT_KEY, str(settings.SECRET_KEY))


@lru_cache(maxsize=4)
def _audit_key_for(configured: str, secret_key: str) -> bytes:
    if configured:
        return configured.encode("utf-8")
    return _hkdf(secret_key.encode("utf-8"), b"simpul audit chain v1")


def audit_entry_hmac(**fields: Any) -> str:
    """The keyed scheme: HMAC-SHA256 under `audit_key()` over the canonical JSON of the entry."""
    return hmac.new(audit_key(), _entry_body(**fields), hashlib.sha256).hexdigest()


def audit_cutover_mac(*, keyed_from: int, legacy_head_hash: str) -> str:
    """HMAC sealing the cut-over: entries before `keyed_from` use the unkeyed scheme, and the last of them hashes
    to `legacy_head_hash`. Moving the cut-over (to pass rewritten entries off as unkeyed) breaks this seal."""
    message = f"simpul-audit-cutover|{keyed_from}|{legacy_head_hash}".encode()
    return hmac.new(audit_key(), message, hashlib.sha256).hexdigest()


def audit_anchor_mac(*, seq: int, entry_hash: str, at: str) -> str:
    """HMAC over an anchored chain head (sequence, hash, time), so an anchor line cannot be made up."""
    message = f"simpul-audit-anchor|{seq}|{entry_hash}|{at}".encode()
    return hmac.new(audit_key(), message, hashlib.sha256).hexdigest()


def _canonical_numbers(value: Any) -> Any:
    """Numbers as every database gives them back: NaN/infinity as text (JSON has none), and huge whole
    floats as integers (PostgreSQL's jsonb returns 1e20 as 100000000000000000000), so hashes stay stable."""
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return str(value)
        if value.is_integer() and abs(value) >= 1e16:
            return int(value)
        return value
    if isinstance(value, dict):
        return {key: _canonical_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_canonical_numbers(item) for item in value]
    return value


def _json_safe(value: Any) -> Any:
    """What a JSONField will give back: dates, decimals and objects as text."""
    return _canonical_numbers(json.loads(json.dumps(value, default=str)))


def _content_body(*, nonce: str, created_at: datetime, actor_id: int | None, actor_label: str, on_behalf_of: str,
                  action: str, object_type: str, object_id: str, object_repr: str, changes: Any) -> bytes:
    """The canonical JSON of a pending entry's content and its nonce (what `content_mac` signs)."""
    return json.dumps(
        {
            "v": 2,
            "nonce": nonce,
            "created_at": created_at.isoformat(),
            "actor_id": actor_id,
            "actor_label": actor_label,
            "on_behalf_of": on_behalf_of,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "object_repr": object_repr,
            "changes": changes,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    ).encode("utf-8")


def audit_content_mac(**fields: Any) -> str:
    """HMAC-SHA256 under `audit_key()` over an entry's content and nonce: set when the entry is written."""
    return hmac.new(audit_key(), _content_body(**fields), hashlib.sha256).hexdigest()


def _link_message(*, seq: int, prev_hash: str, content_mac: str) -> bytes:
    return f"simpul-audit-link|{seq}|{prev_hash}|{content_mac}".encode()


def audit_link_mac(*, seq: int, prev_hash: str, content_mac: str) -> str:
    """The link the chainer adds: HMAC over the entry's place, the previous entry's hash and its content HMAC."""
    return hmac.new(audit_key(), _link_message(seq=seq, prev_hash=prev_hash, content_mac=content_mac),
                    hashlib.sha256).hexdigest()


def _content_fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "nonce": entry.nonce,
        "created_at": entry.created_at,
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "on_behalf_of": entry.on_behalf_of,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "changes": entry.changes,
    }


def entry_content_intact(entry: AuditEntry) -> bool:
    """Whether a two-step entry's stored content still matches its `content_mac` (used by `simpul audit verify`)."""
    return bool(entry.content_mac) and hmac.compare_digest(
        audit_content_mac(**_content_fields(entry)), entry.content_mac or ""
    )


def entry_digest(entry: AuditEntry, *, keyed: bool = True) -> str:
    """The hash a chained entry should carry, recomputed from its stored content (used by `simpul audit verify`).

    A two-step entry (with `content_mac`) links its sequence, the previous hash and its content HMAC, after its
    content is checked against that HMAC (`entry_content_intact`); an older entry hashes all its fields."""
    if entry.content_mac:
        seq, prev_hash, content_mac = int(entry.seq or 0), entry.prev_hash, entry.content_mac
        if keyed:
            return audit_link_mac(seq=seq, prev_hash=prev_hash, content_mac=content_mac)
        return hashlib.sha256(_link_message(seq=seq, prev_hash=prev_hash, content_mac=content_mac)).hexdigest()
    fields = {
        "seq": entry.seq,
        "created_at": entry.created_at,
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "on_behalf_of": entry.on_behalf_of,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "changes": entry.changes,
        "prev_hash": entry.prev_hash,
    }
    return audit_entry_hmac(**fields) if keyed else audit_entry_digest(**fields)


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
    """Append one entry to the audit log: one INSERT in the caller's transaction, no lock.

    `actor` is an `Actor` (`simpul.core.actors`) or a user; its account is stored (none for the system or a PIN
    holder: `actor_label` then names it).
    The entry is written *pending*: its content with a random nonce and `content_mac`, an HMAC under
    `audit_key()` over both. It commits or rolls back with the caller's transaction. The chainer
    (`audit_chain`, run by the worker on every pass) then links the committed entries in insertion order, so
    writers never wait on one another for the chain's head. `changes` must not hold personal data in clear
    (mask NIK, never log PINs or keys; `simpul.core.admin.mask_changes` helps).
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    account = account_of(actor)
    actor_id = account.pk if account is not None else None
    if not actor_label and actor_id is not None:
        actor_label = str(getattr(account, "email", "") or getattr(account, "phone", "") or actor_id)
    # Cut every field to its column size *before* hashing, so the stored row hashes to what was computed.
    content: dict[str, Any] = {
        "nonce": secrets.token_hex(16),
        "created_at": timezone.now(),
        "actor_id": actor_id,
        "actor_label": actor_label[:200],
        "on_behalf_of": on_behalf_of[:200],
        "action": action[:100],
        "object_type": object_type[:100],
        "object_id": object_id[:100],
        "object_repr": object_repr[:200],
        "changes": _json_safe(changes or {}),
    }
    return AuditEntry.objects.create(content_mac=audit_content_mac(**content), **content)


def audit_chain(*, limit: int = 2000) -> int:
    """Link the committed pending audit entries into the chain, in insertion order; returns how many.

    One short transaction holds the chain head's lock (SELECT ... FOR UPDATE on PostgreSQL, the write lock on
    SQLite): chainers on several machines take turns, and a second one finds nothing left to do. An entry
    whose content no longer matches its `content_mac` is linked all the same (the chain records what is
    there) and `simpul audit verify` names it. Run by the worker on every pass and by `simpul audit chain`.
    """
    linked = 0
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        pending = list(
            AuditEntry.objects.filter(seq__isnull=True).order_by("id").values_list("pk", "content_mac")[:limit]
        )
        if not pending:
            return 0
        seq, prev_hash = head.seq, head.last_hash
        for pk, content_mac in pending:
            seq += 1
            entry_hash = audit_link_mac(seq=seq, prev_hash=prev_hash, content_mac=content_mac or "")
            linked += AuditEntry.objects.link(pk=pk, seq=seq, prev_hash=prev_hash, entry_hash=entry_hash)
            prev_hash = entry_hash
        head.seq = seq
        head.last_hash = prev_hash
        head.save(update_fields=["seq", "last_hash"])
    return linked


def audit_anchor(*, path: Path | None = None) -> dict[str, Any]:
    """Write the chain head (sequence, hash, time, HMAC over them) outside the database: to the log and as one
    JSON line appended to `settings.AUDIT_ANCHOR_FILE` (an auditor copies that file away regularly).

    `simpul audit verify --anchors FILE` then finds a rewrite even when it was made with the key: a rewritten
    chain no longer holds an anchored head.
    """
    head = AuditChainHead.objects.filter(pk=1).first()
    seq, entry_hash = (head.seq, head.last_hash) if head else (0, GENESIS_HASH)
    at = timezone.now().isoformat()
    anchor = {"seq": seq, "hash": entry_hash, "at": at,
              "hmac": audit_anchor_mac(seq=seq, entry_hash=entry_hash, at=at)}
    line = json.dumps(anchor, sort_keys=True)
    target = Path(path or settings.AUDIT_ANCHOR_FILE)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    logging.getLogger("simpul.audit").info("audit chain anchor %s", line)
    return anchor


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
    """Ask the task queue to deliver pending messages soon.

    With the database task backend this is skipped: `simpul worker` sweeps the outbox on every pass anyway,
    and a task row per message would double the writes of every submission.
    """
    if str(settings.TASKS["default"]["BACKEND"]).startswith("django_tasks_db."):
        return
    try:
        outbox_deliver_due.enqueue()
    except Exception:
        logger.warning("could not enqueue outbox delivery task", exc_info=True)


def outbox_forget(*, ordering_key: str) -> int:
    """Retention: empty the payloads of the finished (delivered or dead) outbox messages of `ordering_key`, and
    of its sub-keys (`<key>:<channel>`), so a copy of what they carried does not outlive the record it came from.
    Pending messages are left to be delivered. Returns how many were emptied."""
    if not ordering_key:
        return 0
    finished = [OutboxStatus.DELIVERED, OutboxStatus.DEAD]
    rows = OutboxMessage.objects.filter(
        models.Q(ordering_key=ordering_key) | models.Q(ordering_key__startswith=ordering_key + ":"),
        status__in=finished,
    )
    return rows.update(payload={}, receipt={}, last_error="")


class OutboxResendError(ValueError):
    """A message that cannot be re-sent (already delivered, or being delivered right now)."""


@transaction.atomic
def outbox_resend(*, message_id: int, actor: Any) -> OutboxMessage:
    """Put a dead (or waiting) outbox message back in the queue for immediate delivery, and audit it.

    Attempts start again from zero. A delivered message is never re-sent (receivers must see each message
    once), and a message that a worker holds right now is left to that worker.
    """
    message = OutboxMessage.objects.select_for_update().get(pk=message_id)
    now = timezone.now()
    if message.status == OutboxStatus.DELIVERED:
        raise OutboxResendError(_("Message {id} was already delivered; it is never sent twice.").format(id=message.pk))
    if message.locked_until is not None and message.locked_until > now:
        raise OutboxResendError(_("Message {id} is being delivered right now.").format(id=message.pk))
    changes = {
        "status": {"old": message.status, "new": OutboxStatus.PENDING},
        "attempts": {"old": message.attempts, "new": 0},
    }
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = now
    message.locked_until = None
    message.lease_token = ""
    message.save(
        update_fields=["status", "attempts", "next_attempt_at", "locked_until", "lease_token", "updated_at"]
    )
    audit_record(actor=actor, action="core.outbox_resend", obj=message, changes=changes)
    transaction.on_commit(_kick_outbox_worker)
    return message


def search_term_hash(term: str) -> str:
    """The keyed hash a search term is logged under: case, spaces and the dots and dashes in numbers ignored, so
    an auditor finds "Siti  Aminah" by hashing "siti aminah"."""
    return keyed_hash("search:" + normalise_digits(" ".join(str(term).casefold().split())))


def personal_data_access_record(
    *,
    door: str,
    request: Any = None,
    actor: Any = None,
    api_client: Any = None,
    case: Any = None,
    cases: Any = (),
    term: str = "",
) -> list[PersonalDataAccess]:
    """Log one read of personal data: a staff `actor` or an `api_client` opened `case` (or each of `cases`, one
    list read), or searched `term`, through `door` (`simpul.core.models.AccessDoor`). Every door calls this after
    it has decided the reader may see the data. One INSERT and no read: call it with what the view already holds
    (a list of cases is one multi-row INSERT)."""
    user = account_of(actor)
    term = str(term or "").strip()
    common = {
        "door": door,
        "actor": user,
        "api_client_id": getattr(api_client, "pk", None),
        "actor_label": str(api_client)[:200] if api_client is not None else "",
        "term": term,
        "term_hash": search_term_hash(term) if term else "",
        "ip": client_ip(request)[:45] if request is not None else "",
    }
    targets = [case] if case is not None else list(cases)
    if not targets:
        return [PersonalDataAccess.objects.create(**common)]
    rows = [PersonalDataAccess(case_id=getattr(item, "pk", None),
                               reference=str(getattr(item, "reference", "") or "")[:40], **common)
            for item in targets]
    if len(rows) == 1:
        rows[0].save(force_insert=True)
        return rows
    return PersonalDataAccess.objects.bulk_create(rows)


def personal_data_access_purge(*, older_than: Any = None) -> int:
    """Delete access-log rows older than `settings.ACCESS_LOG_RETENTION_DAYS` (the daily `core.access_log_purge`)."""
    from datetime import timedelta

    if older_than is None:
        older_than = timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS)
    deleted, _by_model = PersonalDataAccess.objects.filter(at__lt=timezone.now() - older_than).delete()
    return deleted
