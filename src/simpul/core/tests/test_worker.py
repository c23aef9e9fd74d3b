"""`simpul worker`: one pass runs queued tasks, due periodic jobs and the outbox; stops on SIGTERM/SIGINT."""

from __future__ import annotations

import os
import signal
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from simpul.core.management.commands.worker import install_stop_signals
from simpul.core.models import JobStatus, OutboxMessage, OutboxStatus, ScheduledJobRun
from simpul.core.services import outbox_enqueue
from simpul.core.tasks import outbox_deliver_due
from simpul.core.worker import PassResult, SimpulWorker, tasks_backend_kind


# transaction=True: like a real worker, a pass closes stale connections, which would end a test transaction.
@pytest.mark.django_db(transaction=True)
def test_worker_once_runs_tasks_periodic_jobs_and_outbox():
    assert tasks_backend_kind() == "database"
    message = outbox_enqueue(backend="log", payload={"n": 1})
    queued = outbox_deliver_due.enqueue()
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert "one pass done" in out.getvalue()
    assert DBTaskResult.objects.get(id=queued.id).status == "SUCCESSFUL"
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.DELIVERED
    runs = dict(ScheduledJobRun.objects.values_list("name", "last_status"))
    assert runs["core.outbox_sweep"] == JobStatus.OK
    assert runs["core.idempotency_purge"] == JobStatus.OK


@pytest.mark.django_db(transaction=True)
def test_a_second_pass_does_not_rerun_jobs_before_their_interval():
    call_command("worker", "--once", stdout=StringIO())
    first = ScheduledJobRun.objects.get(name="core.idempotency_purge").last_run_at
    call_command("worker", "--once", stdout=StringIO())
    assert ScheduledJobRun.objects.get(name="core.idempotency_purge").last_run_at == first


def test_stop_ends_the_loop_after_the_current_pass():
    worker = SimpulWorker(interval=0.01)
    passes = []
    started = threading.Event()

    def fake_pass() -> PassResult:
        passes.append(1)
        started.set()
        return PassResult()

    worker.one_pass = fake_pass  # type: ignore[method-assign]
    thread = threading.Thread(target=worker.run)
    thread.start()
    assert started.wait(5)
    worker.stop()
    thread.join(5)
    assert not thread.is_alive()
    assert passes


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_ask_the_worker_to_stop(signum):
    old_int, old_term = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    worker = SimpulWorker()
    try:
        install_stop_signals(worker)
        os.kill(os.getpid(), signum)
        assert worker.stopping
        with pytest.raises(SystemExit):  # a second signal stops at once
            os.kill(os.getpid(), signum)
    finally:
        signal.signal(signal.SIGINT, old_int)
        signal.signal(signal.SIGTERM, old_term)


def test_a_stopped_worker_does_no_further_pass():
    worker = SimpulWorker()
    worker.stop()
    calls = []
    worker.one_pass = lambda: calls.append(1) or PassResult()  # type: ignore[method-assign]
    worker.run()
    assert calls == []


@pytest.mark.django_db(transaction=True)
def test_with_the_rq_backend_the_worker_runs_an_rq_worker(settings, monkeypatch):
    import django_rq

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    calls = {}

    class FakeRQWorker:
        def work(self, **kwargs):
            calls["work"] = kwargs

    def fake_get_worker(*queues, **kwargs):
        calls["queues"] = queues
        calls["job_class"] = kwargs.get("job_class")
        return FakeRQWorker()

    monkeypatch.setattr(django_rq, "get_worker", fake_get_worker)
    message = outbox_enqueue(backend="log", payload={})
    call_command("worker", "--once", stdout=StringIO())
    assert calls["queues"] == ("default",)
    assert calls["job_class"] == "django_tasks_rq.backend.Job"
    assert calls["work"] == {"burst": True}
    # periodic jobs and the outbox still ran beside it
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.DELIVERED
    assert ScheduledJobRun.objects.filter(name="core.outbox_sweep").exists()
