"""Send reporting reads to a PostgreSQL read replica (enabled when DATABASE_REPLICA_URL is set).

Only reads that are marked as reporting go to the replica: a replica lags the primary by a little, so a citizen
who just submitted must read their own write from the primary. Mark reporting code with the context manager or
decorator `reporting_reads()` (dashboards, open-data generation, assessment results, exports):

    from simpul.core.db_router import reporting_reads

    with reporting_reads():
        rows = list(Case.objects.filter(...).values(...))

Apps listed in SIMPUL_REPLICA_APPS (app labels, comma-separated) read from the replica everywhere. Writes and
migrations always go to `default`. Without a `replica` database configured, everything stays on `default`.
"""

from __future__ import annotations

from contextlib import ContextDecorator
from contextvars import ContextVar
from typing import Any

from django.conf import settings

REPLICA = "replica"
_reporting: ContextVar[bool] = ContextVar("simpul_reporting_reads", default=False)


class reporting_reads(ContextDecorator):  # used like a function: `with reporting_reads():`
    """Within this block (or decorated function), reads go to the replica when one is configured."""

    def __enter__(self) -> reporting_reads:
        self._token = _reporting.set(True)
        return self

    def __exit__(self, *exc: object) -> None:
        _reporting.reset(self._token)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if not replica_configured():
            return None
        if _reporting.get() or model._meta.app_label in settings.SIMPUL_REPLICA_APPS:
            return REPLICA
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica is a copy of the same database

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return db != REPLICA  # a physical replica follows the primary's schema by itself
