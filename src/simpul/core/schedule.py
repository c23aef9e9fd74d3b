"""Periodic jobs: a registry that `simpul worker` runs, once per interval however many workers run.

An app declares its jobs in `<app>/schedule.py`::

    from datetime import timedelta
    from simpul.core.schedule import periodic

    @periodic(name="cases.sla_sweep", every=timedelta(minutes=5))
    def sla_sweep() -> None:
        ...

The function takes no arguments, must be safe to run twice, and should finish well within its interval.
`discover()` imports `simpul.<app>.schedule` for every app in `simpul.core.loaders.APP_ORDER`.
`run_due()` runs the jobs that are due: each run is claimed with a conditional UPDATE of the job's
`ScheduledJobRun` row (`last_run_at` older than the interval), so of several workers exactly one wins.

This module is also core's own `schedule.py`: the outbox sweep (every 15 s), the idempotency purge
(hourly), the purge of passed rate-limit windows (hourly), the purge of old delivered outbox messages (daily),
the purge of the personal-data access log past its retention (daily) and the anchor of the audit chain head
(daily, `simpul audit anchor`) are registered at the bottom.
"""

from __future__ import annotations

import importlib
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from simpul.core import idempotency, limits
from simpul.core import services as core_services
from simpul.core.delivery import outbox_deliver_batch, outbox_purge_delivered
from simpul.core.loaders import APP_ORDER
from simpul.core.models import JobStatus, ScheduledJobRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    func: Callable[[], object]


_jobs: dict[str, PeriodicJob] = {}
_discovered = False


def periodic(name: str, every: timedelta) -> Callable[[Callable[[], object]], Callable[[], object]]:
    """Register a no-argument function as a periodic job called `name`, run every `every`."""
    if every <= timedelta(0):
        raise ValueError("a periodic job needs a positive interval")
    if len(name) > 100 or not name:
        raise ValueError("a periodic job needs a name of 1 to 100 characters")

    def decorator(func: Callable[[], object]) -> Callable[[], object]:
        existing = _jobs.get(name)
        if existing is not None and existing.func.__qualname__ != func.__qualname__:
            raise ValueError(f"two periodic jobs are named {name!r}")
        _jobs[name] = PeriodicJob(name=name, every=every, func=func)
        return func

    return decorator


def unregister(name: str) -> None:
    """Remove a job from the registry (for tests)."""
    _jobs.pop(name, None)


def discover() -> None:
    """Import every app's `schedule` module once, so their `@periodic` jobs are registered."""
    global _discovered
    if _discovered:
        return
    for app in APP_ORDER:
        module_name = f"simpul.{app}.schedule"
        try:
            importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
    _discovered = True


def jobs() -> dict[str, PeriodicJob]:
    """Every registered job, by name (after discovery)."""
    discover()
    return dict(_jobs)


@dataclass(frozen=True)
class JobOutcome:
    name: str
    status: str
    error: str = ""


def _claim(job: PeriodicJob, now: datetime) -> bool:
    """Take this interval's run of `job`; True for exactly one caller per interval."""
    if not ScheduledJobRun.objects.filter(name=job.name).exists():
        try:
            with transaction.atomic():
                ScheduledJobRun.objects.create(name=job.name)
        except IntegrityError:
            pass  # another worker created it at the same moment
    claimed = (
        ScheduledJobRun.objects.filter(name=job.name)
        .filter(Q(last_run_at__isnull=True) | Q(last_run_at__lte=now - job.every))
        .update(last_run_at=now, last_status=JobStatus.RUNNING)
    )
    return claimed == 1


def run_job(job: PeriodicJob) -> JobOutcome:
    """Run one job now (already claimed) and record how it went."""
    try:
        job.func()
    except Exception:
        error = traceback.format_exc()[-4000:]
        logger.exception("periodic job %s failed", job.name)
        ScheduledJobRun.objects.filter(name=job.name).update(
            last_status=JobStatus.ERROR, last_error=error, last_finished_at=timezone.now()
        )
        return JobOutcome(name=job.name, status=JobStatus.ERROR, error=error)
    ScheduledJobRun.objects.filter(name=job.name).update(
        last_status=JobStatus.OK, last_error="", last_finished_at=timezone.now()
    )
    return JobOutcome(name=job.name, status=JobStatus.OK)


def run_due(*, only: list[str] | None = None) -> list[JobOutcome]:
    """Run every job whose interval has passed since its last run (claimed, so once across workers)."""
    outcomes = []
    for job in jobs().values():
        if only is not None and job.name not in only:
            continue
        if _claim(job, timezone.now()):
            outcomes.append(run_job(job))
    return outcomes


# Core's own periodic jobs.


@periodic(name="core.outbox_sweep", every=timedelta(seconds=15))
def outbox_sweep() -> None:
    """Deliver due outbox messages (the worker also sweeps on every pass; this covers RQ deployments)."""
    outbox_deliver_batch()


@periodic(name="core.outbox_purge", every=timedelta(days=1))
def outbox_purge() -> None:
    """Delete delivered outbox messages past their retention (SIMPUL_OUTBOX_RETENTION_DAYS)."""
    outbox_purge_delivered()


@periodic(name="core.idempotency_purge", every=timedelta(hours=1))
def idempotency_purge() -> None:
    """Delete expired idempotency records."""
    idempotency.idempotency_purge()


@periodic(name="core.rate_counters_purge", every=timedelta(hours=1))
def rate_counters_purge() -> None:
    """Delete the counters of rate-limit windows that have passed (simpul.core.limits)."""
    limits.rate_counters_purge()


@periodic(name="core.access_log_purge", every=timedelta(days=1))
def access_log_purge() -> None:
    """Delete personal-data access-log rows past their retention (SIMPUL_ACCESS_LOG_RETENTION_DAYS)."""
    core_services.personal_data_access_purge()


@periodic(name="core.audit_anchor", every=timedelta(days=1))
def audit_anchor() -> None:
    """Write the signed audit chain head to the log and the anchor file (`simpul audit anchor`)."""
    core_services.audit_anchor()
