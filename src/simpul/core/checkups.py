"""The platform's check-ups as audit entries: each verification of the audit chain and each backup written.

The admin home shows the last of each (`simpul.core.selectors.last_audit_verification`, `last_backup`). Both
are recorded in the audit log itself, which is append-only: nobody can make a failed check or a missing backup
look better after the fact. `simpul audit verify` and the admin home's "check now" (a background task) call
`audit_verify_and_record`; `scripts/backup.sh` calls `simpul backup_record DIR` after a successful backup.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks import task

from simpul.core.selectors import AUDIT_VERIFIED, BACKUP_WRITTEN, ChainCheck, audit_chain_verify
from simpul.core.services import audit_record


def audit_verify_and_record(*, actor: Any = None, anchors: list[dict[str, Any]] | None = None) -> ChainCheck:
    """Verify the audit chain and append the result (intact or the first broken link) to the audit log."""
    result = audit_chain_verify(anchors=anchors)
    with transaction.atomic():
        audit_record(
            actor=actor,
            actor_label="" if actor is not None else "system",
            action=AUDIT_VERIFIED,
            object_type="core.auditentry",
            object_repr="audit chain",
            changes={"ok": result.ok, "count": result.count, "seq": result.seq, "problem": result.problem,
                     "pending": result.pending},
        )
    return result


@transaction.atomic
def backup_record(*, destination: str, actor: Any = None) -> None:
    """Note that a backup was written (to `destination`, a folder name: no personal data)."""
    audit_record(
        actor=actor,
        actor_label="" if actor is not None else "system",
        action=BACKUP_WRITTEN,
        object_type="core.backup",
        object_repr="backup",
        changes={"destination": destination[:200]},
    )


@task()
def audit_verify_task() -> bool:
    """Verify the audit chain and record the result (the admin home's "check now"); safe to run twice. A task
    of this module, not of `core.tasks`, which `core.services` imports (and this module imports services)."""
    return audit_verify_and_record().ok
