"""Background tasks of the core app (Django Tasks API). Tasks take ids and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from simpul.core.delivery import outbox_deliver_batch


@task()
def outbox_deliver_due() -> int:
    """Deliver every outbox message that is due; safe to run twice (leases, see `simpul.core.delivery`)."""
    return outbox_deliver_batch()
