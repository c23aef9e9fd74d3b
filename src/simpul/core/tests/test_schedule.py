"""Periodic jobs: registry, discovery, one run per interval across workers, failures recorded."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from simpul.core import schedule
from simpul.core.models import JobStatus, ScheduledJobRun


@pytest.fixture
def counted_job():
    calls = []

    @schedule.periodic(name="test.counted", every=timedelta(minutes=10))
    def counted() -> None:
        calls.append(1)

    yield calls
    schedule.unregister("test.counted")


def test_core_jobs_are_registered():
    jobs = schedule.jobs()
    assert jobs["core.outbox_sweep"].every == timedelta(seconds=15)
    assert jobs["core.idempotency_purge"].every == timedelta(hours=1)
    assert jobs["core.outbox_purge"].every == timedelta(days=1)


def test_discovery_ignores_apps_without_a_schedule_module():
    schedule.discover()  # most apps have no schedule.py: no error
    assert "core.outbox_sweep" in schedule.jobs()


def test_bad_registrations_are_refused():
    with pytest.raises(ValueError):
        schedule.periodic(name="test.zero", every=timedelta(0))
    with pytest.raises(ValueError):
        schedule.periodic(name="", every=timedelta(seconds=1))


@pytest.mark.django_db
def test_a_job_runs_once_per_interval(counted_job):
    schedule.run_due(only=["test.counted"])
    schedule.run_due(only=["test.counted"])
    assert counted_job == [1]
    run = ScheduledJobRun.objects.get(name="test.counted")
    assert run.last_status == JobStatus.OK
    assert run.last_finished_at is not None
    ScheduledJobRun.objects.filter(name="test.counted").update(
        last_run_at=timezone.now() - timedelta(minutes=11)
    )
    schedule.run_due(only=["test.counted"])
    assert counted_job == [1, 1]


@pytest.mark.django_db
def test_a_failing_job_records_its_error_and_others_still_run(counted_job):
    @schedule.periodic(name="test.failing", every=timedelta(minutes=1))
    def failing() -> None:
        raise RuntimeError("disk full")

    try:
        outcomes = schedule.run_due(only=["test.failing", "test.counted"])
    finally:
        schedule.unregister("test.failing")
    by_name = {o.name: o.status for o in outcomes}
    assert by_name == {"test.failing": JobStatus.ERROR, "test.counted": JobStatus.OK}
    run = ScheduledJobRun.objects.get(name="test.failing")
    assert run.last_status == JobStatus.ERROR
    assert "disk full" in run.last_error


@pytest.mark.django_db
def test_core_jobs_do_their_work():
    from simpul.core.models import OutboxMessage, OutboxStatus
    from simpul.core.services import outbox_enqueue

    message = outbox_enqueue(backend="log", payload={})
    outcomes = schedule.run_due(only=["core.outbox_sweep", "core.idempotency_purge"])
    assert {o.status for o in outcomes} == {JobStatus.OK}
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.DELIVERED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_run_a_due_job_once(counted_job):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    barrier = threading.Barrier(6)

    def worker() -> None:
        try:
            barrier.wait()
            schedule.run_due(only=["test.counted"])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counted_job == [1]
