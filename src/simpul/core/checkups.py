"""The platform's check-ups: the last verification of the audit chain and the backups written.

The admin home shows the last of each (`simpul.core.selectors.last_audit_verification`, `last_backup`).
`simpul audit verify` and the admin home's "check now" (a background task) call `audit_verify_and_record`, which
keeps the result in the `ScheduledJobRun` row `AUDIT_VERIFY_JOB` (its finish time, status and the broken link;
never its start time, which says when a worker last ran). A check is not an audit entry: the chain it checks
stays as it was. `scripts/backup.sh` calls `simpul backup_record DIR` after a successful backup, which is an
audit entry, so a backup cannot be made to look more recent after the fact.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from simpul.core.models import JobStatus, ScheduledJobRun
from simpul.core.selectors import AUDIT_VERIFY_JOB, BACKUP_WRITTEN, ChainCheck, audit_chain_verify
from simpul.core.services import audit_record


def audit_verify_and_record(*, anchors: list[dict[str, Any]] | None = None) -> ChainCheck:
    """Verify the audit chain and keep the result (intact, or where it breaks) for the admin home."""
    result = audit_chain_verify(anchors=anchors)
    where = f"seq {result.seq}" if result.seq is not None else "a pending entry"
    ScheduledJobRun.objects.update_or_create(
        name=AUDIT_VERIFY_JOB,
        defaults={"last_finished_at": timezone.now(), "last_status": JobStatus.OK if result.ok else JobStatus.ERROR,
                  "last_error": "" if result.ok else f"{result.problem} at {where}"},
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
