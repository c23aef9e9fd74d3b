"""Reads of the core app."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count

from simpul.core.models import OutboxMessage, OutboxStatus


def task_queue_state() -> dict[str, Any]:
    """State of the task queue and the outbox, for /healthz."""
    backend = settings.TASKS["default"]["BACKEND"]
    state: dict[str, Any] = {"status": "ok", "backend": backend.rsplit(".", 1)[-1]}
    try:
        counts = dict(
            OutboxMessage.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
        )
        state["outbox_pending"] = counts.get(OutboxStatus.PENDING, 0)
        state["outbox_dead"] = counts.get(OutboxStatus.DEAD, 0)
        if backend.endswith("RQBackend"):
            import redis

            redis.Redis.from_url(settings.RQ_QUEUES["default"]["URL"], socket_timeout=1).ping()
    except Exception as exc:
        state = {"status": "error", "error": type(exc).__name__}
    return state
