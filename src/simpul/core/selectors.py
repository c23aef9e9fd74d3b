"""Reads of the core app."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Model
from django.utils import timezone

from simpul.core.models import AuditChainHead, AuditEntry, OutboxMessage, OutboxStatus, ScheduledJobRun
from simpul.core.services import (
    GENESIS_HASH,
    audit_anchor_mac,
    audit_cutover_mac,
    entry_content_intact,
    entry_digest,
)

# The platform's check-ups (written by `simpul.core.checkups`): the row of the last audit-chain check, and the
# audit action of a backup written.
AUDIT_VERIFY_JOB = "core.audit_verify"
BACKUP_WRITTEN = "core.backup_written"

# A worker runs the outbox sweep every 15 s; not seen for this long means no worker is running.
WORKER_RECENT = timedelta(minutes=2)


@dataclass(frozen=True)
class ChainCheck:
    """The result of checking the audit chain: intact, or the first broken link."""

    ok: bool
    count: int
    seq: int | None = None
    problem: str = ""  # "edited", "missing", "prev_link", "head", "cutover", "anchor_forged", "rewritten"
    detail: str = ""
    anchors: int = 0  # anchored heads found in the chain
    pending: int = 0  # entries written and intact, not yet linked by the chainer


def _cutover_check(head: AuditChainHead | None) -> ChainCheck | None:
    """The cut-over record must carry a valid HMAC whenever entries are to be read with the unkeyed scheme."""
    keyed_from = head.keyed_from if head else 1
    if keyed_from <= 1:
        return None
    last_legacy = AuditEntry.objects.filter(seq=keyed_from - 1).values_list("entry_hash", flat=True).first()
    expected = audit_cutover_mac(keyed_from=keyed_from, legacy_head_hash=last_legacy or "")
    if last_legacy is None or not hmac.compare_digest(expected, head.keyed_from_mac if head else ""):
        return ChainCheck(
            ok=False, count=0, seq=keyed_from, problem="cutover",
            detail=(f"the record that entries before {keyed_from} use the unkeyed scheme does not verify under "
                    "SIMPUL_AUDIT_KEY: it was moved or forged (or the key differs from the one of the upgrade)"),
        )
    return None


def audit_chain_verify(*, anchors: list[dict[str, Any]] | None = None) -> ChainCheck:
    """Recompute every entry's HMAC (or, before the keyed cut-over, SHA-256) and every link, in order; stop at the
    first broken link; then check that every anchored head given in `anchors` is still in the chain.

    Works on the stored rows, so tampering done behind the ORM's back (raw SQL) is found: an edited entry no
    longer matches its `entry_hash` (and a new one cannot be computed without SIMPUL_AUDIT_KEY), a deleted entry
    leaves a gap in `seq`, an entry whose `prev_hash` does not name the entry before it breaks the link, entries
    cut from the end disagree with the chain head, and moving the cut-over breaks its HMAC. A rewrite made with
    the key is found only against anchors (`audit_anchor`) kept outside the database. Entries not yet linked by
    the chainer are checked against their content HMAC and counted in `pending`.
    """
    head = AuditChainHead.objects.filter(pk=1).first()
    broken = _cutover_check(head)
    if broken is not None:
        return broken
    keyed_from = head.keyed_from if head else 1
    wanted: dict[int, str] = {}
    for number, anchor in enumerate(anchors or [], start=1):
        mac = audit_anchor_mac(seq=anchor["seq"], entry_hash=anchor["hash"], at=anchor["at"])
        if not hmac.compare_digest(mac, str(anchor.get("hmac", ""))):
            return ChainCheck(ok=False, count=0, seq=anchor["seq"], problem="anchor_forged",
                              detail=f"anchor {number} (head {anchor['seq']} at {anchor['at']}) is not signed "
                                     "with SIMPUL_AUDIT_KEY")
        wanted[anchor["seq"]] = anchor["hash"]
    found: dict[int, str] = {0: GENESIS_HASH}
    expected_seq = 1
    prev_hash = GENESIS_HASH
    count = 0
    for entry in AuditEntry.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return ChainCheck(
                ok=False,
                count=count,
                seq=expected_seq,
                problem="missing",
                detail=f"entry {expected_seq} is missing (deleted); the next entry is {entry.seq}",
            )
        if (entry.content_mac and not entry_content_intact(entry)) or not hmac.compare_digest(
            entry_digest(entry, keyed=bool(entry.content_mac) or entry.seq >= keyed_from), entry.entry_hash or ""
        ):
            return ChainCheck(
                ok=False,
                count=count,
                seq=entry.seq,
                problem="edited",
                detail=f"entry {entry.seq} was edited or forged: its content does not match its keyed hash",
            )
        if entry.prev_hash != prev_hash:
            return ChainCheck(
                ok=False,
                count=count,
                seq=entry.seq,
                problem="prev_link",
                detail=f"entry {entry.seq} does not link to entry {entry.seq - 1} (previous hash differs)",
            )
        if entry.seq in wanted:
            found[entry.seq] = entry.entry_hash or ""
        prev_hash = entry.entry_hash or ""
        expected_seq += 1
        count += 1
    head_seq, head_hash = (head.seq, head.last_hash) if head else (0, GENESIS_HASH)
    if head_seq != count or head_hash != prev_hash:
        return ChainCheck(
            ok=False,
            count=count,
            seq=count + 1 if head_seq > count else head_seq,
            problem="head",
            detail=(
                f"the chain head records {head_seq} entries but the log holds {count}"
                if head_seq != count
                else f"the chain head's last hash differs from entry {count}'s hash"
            ),
        )
    for seq, anchored_hash in sorted(wanted.items()):
        if found.get(seq) != anchored_hash:
            return ChainCheck(
                ok=False, count=count, seq=seq, problem="rewritten",
                detail=(f"the anchored head {seq} ({anchored_hash[:16]}...) is no longer in the chain: "
                        + ("the chain was cut short" if seq > count else "the history up to it was rewritten")),
            )
    pending = 0
    for entry in AuditEntry.objects.filter(seq__isnull=True).order_by("id").iterator(chunk_size=2000):
        if not entry_content_intact(entry):
            return ChainCheck(
                ok=False, count=count, seq=None, problem="edited",
                detail=f"pending entry id {entry.pk} (not yet chained) was edited or forged: its content does "
                       "not match its keyed hash",
            )
        pending += 1
    return ChainCheck(ok=True, count=count, anchors=len(wanted), pending=pending)


def audit_entry_list_for_object(*, obj: Model, limit: int = 50) -> list[AuditEntry]:
    """The latest audit entries about one object, newest first (for history panels on staff pages).

    Access is the caller's concern: show it only to staff who may see the object itself.
    """
    return list(
        AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("-id")[
            :limit
        ]
    )


def worker_last_seen() -> datetime | None:
    """When a worker last started a periodic job (None when no worker ever ran)."""
    last: datetime | None = ScheduledJobRun.objects.aggregate(last=Max("last_run_at"))["last"]
    return last


def task_queue_state() -> dict[str, Any]:
    """State of the task queue and the outbox, for /healthz."""
    backend = str(settings.TASKS["default"]["BACKEND"])
    state: dict[str, Any] = {"status": "ok", "backend": backend.rsplit(".", 1)[-1]}
    try:
        counts = dict(
            OutboxMessage.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
        )
        state["outbox_pending"] = counts.get(OutboxStatus.PENDING, 0)
        state["outbox_dead"] = counts.get(OutboxStatus.DEAD, 0)
        last_seen = worker_last_seen()
        # Information only: a fresh install has no worker yet, and that does not make the site unhealthy.
        state["worker_last_seen"] = last_seen.isoformat() if last_seen else None
        state["worker_seen_recently"] = bool(last_seen and timezone.now() - last_seen <= WORKER_RECENT)
        if backend.endswith("RQBackend"):
            import redis

            redis.Redis.from_url(settings.RQ_QUEUES["default"]["URL"], socket_timeout=1).ping()
    except Exception as exc:
        state = {"status": "error", "error": type(exc).__name__}
    return state


def last_audit_verification() -> ScheduledJobRun | None:
    """The latest check of the audit chain: `last_finished_at`, `last_status` (ok/error), `last_error` (where the
    chain breaks); None when it was never checked."""
    return ScheduledJobRun.objects.filter(name=AUDIT_VERIFY_JOB, last_finished_at__isnull=False).first()


def last_backup() -> AuditEntry | None:
    """The latest backup recorded by `simpul backup_record` (None when no backup was ever recorded)."""
    return AuditEntry.objects.filter(action=BACKUP_WRITTEN).order_by("-id").first()


def outbox_counts() -> dict[str, int]:
    """Outbox messages waiting (`pending`) and given up (`dead`)."""
    counts = dict(OutboxMessage.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {"pending": counts.get(OutboxStatus.PENDING, 0), "dead": counts.get(OutboxStatus.DEAD, 0)}
