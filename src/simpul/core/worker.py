"""The one background process of Simpul (`simpul worker`).

With the default database task backend (django-tasks-db) one loop does, on every pass:

1. run the queued tasks (django-tasks-db's own `Worker`, in batch mode, at most `max_tasks` per pass),
2. run the periodic jobs that are due (`simpul.core.schedule.run_due`),
3. link the audit entries written since the last pass into the chain (`simpul.core.services.audit_chain`),
4. deliver the due outbox messages (`simpul.core.delivery.outbox_deliver_batch`),

then sleeps `interval` seconds. `stop()` (SIGINT/SIGTERM in the command) finishes the current task and
the current pass, then returns. Several workers may run at once, on one machine or many: tasks are claimed
by django-tasks-db, periodic jobs and outbox messages by conditional UPDATEs.

With `SIMPUL_TASKS_BACKEND=rq` the tasks live in Redis: the worker runs an RQ worker (django-rq, with the
job class of django-tasks-rq) in the main thread and the periodic jobs and outbox sweep in a second thread.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections, connection

from simpul.core import schedule
from simpul.core.delivery import outbox_deliver_batch
from simpul.core.services import audit_chain

logger = logging.getLogger(__name__)


def tasks_backend_kind() -> str:
    """"database", "rq" or "immediate" (from settings.TASKS)."""
    backend = settings.TASKS["default"]["BACKEND"]
    if backend.startswith("django_tasks_rq."):
        return "rq"
    if backend.startswith("django_tasks_db."):
        return "database"
    return "immediate"


def default_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}"[:64]


@dataclass
class PassResult:
    tasks: int = 0
    jobs: list[str] = field(default_factory=list)
    delivered: int = 0
    chained: int = 0


class SimpulWorker:
    """The worker loop; `run(once=True)` does a single pass."""

    def __init__(
        self,
        *,
        interval: float = 1.0,
        max_tasks: int = 100,
        queue_names: list[str] | None = None,
        worker_id: str | None = None,
    ) -> None:
        self.interval = interval
        self.max_tasks = max_tasks
        self.queue_names = queue_names or ["*"]
        self.worker_id = worker_id or default_worker_id()
        self._stop = threading.Event()
        self._db_worker: object | None = None

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def stop(self) -> None:
        """Finish the task and pass in progress, then return from `run`."""
        self._stop.set()
        if self._db_worker is not None:
            self._db_worker.running = False  # type: ignore[attr-defined]

    def run_tasks(self) -> int:
        """Run queued database tasks (at most `max_tasks`); returns how many ran."""
        if tasks_backend_kind() != "database":
            return 0
        from django_tasks_db.management.commands.db_worker import Worker

        worker = Worker(
            queue_names=self.queue_names,
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=self.max_tasks,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )
        self._db_worker = worker
        try:
            if not self.stopping:
                worker.run()
        finally:
            self._db_worker = None
        return worker._run_tasks

    def run_periodic(self) -> PassResult:
        result = PassResult()
        if not self.stopping:
            result.chained = audit_chain()
        if not self.stopping:
            result.jobs = [outcome.name for outcome in schedule.run_due()]
        if not self.stopping:
            result.delivered = outbox_deliver_batch()
        return result

    def one_pass(self) -> PassResult:
        close_old_connections()
        tasks = self.run_tasks()
        result = self.run_periodic()
        result.tasks = tasks
        close_old_connections()
        return result

    def run(self, *, once: bool = False) -> None:
        logger.info("simpul worker %s started (tasks: %s)", self.worker_id, tasks_backend_kind())
        while not self.stopping:
            try:
                result = self.one_pass()
            except Exception:
                if once:
                    raise
                logger.exception("worker pass failed; retrying after %s s", self.interval)
            else:
                # the outbox sweep runs every pass: a pass that only swept and found nothing says nothing
                if result.tasks or result.delivered or result.chained or set(result.jobs) - {"core.outbox_sweep"}:
                    logger.info(
                        "worker pass: %s task(s), jobs %s, %s outbox message(s) delivered, %s audit entries chained",
                        result.tasks,
                        ",".join(result.jobs) or "-",
                        result.delivered,
                        result.chained,
                    )
            if once:
                break
            self._stop.wait(self.interval)
        logger.info("simpul worker %s stopped", self.worker_id)

    def run_periodic_loop(self) -> None:
        """Periodic jobs and outbox only (the thread beside an RQ worker)."""
        try:
            while not self.stopping:
                try:
                    close_old_connections()
                    self.run_periodic()
                except Exception:
                    logger.exception("periodic pass failed")
                self._stop.wait(self.interval)
        finally:
            connection.close()

    def run_rq(self, *, once: bool = False) -> None:
        """An RQ worker on the task queues, with periodic jobs and outbox beside it."""
        import django_rq

        queues = [q for q in settings.TASKS["default"].get("QUEUES", ["default"]) if q != "*"] or ["default"]
        rq_worker = django_rq.get_worker(*queues, job_class="django_tasks_rq.backend.Job")
        if once:
            self.run_periodic()
            rq_worker.work(burst=True)
            return
        thread = threading.Thread(target=self.run_periodic_loop, name="simpul-periodic", daemon=True)
        thread.start()
        try:
            rq_worker.work(with_scheduler=True)  # handles SIGINT/SIGTERM itself (warm shutdown)
        finally:
            self.stop()
            thread.join(timeout=30)
