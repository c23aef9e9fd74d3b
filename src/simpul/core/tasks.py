"""Background tasks of the core app (Django Tasks API)."""

from __future__ import annotations

from django_tasks import task


@task()
def outbox_deliver_due() -> int:
    """Deliver every outbox message that is due; safe to run twice."""
    from simpul.core.delivery import outbox_deliver_batch

    return outbox_deliver_batch()
