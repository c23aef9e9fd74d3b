"""`simpul worker`: tasks, periodic jobs and outbox delivery in one long-running process.

    simpul worker              # run until SIGINT/SIGTERM (finishes the task in progress first)
    simpul worker --once       # one pass of everything, then exit (tests, cron)

With SIMPUL_TASKS_BACKEND=rq it runs an RQ worker on Redis (SIMPUL_REDIS_URL) instead of the database
queue, with the periodic jobs and the outbox sweep in a thread beside it. See `simpul.core.worker`.
"""

import logging
import signal
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from simpul.core.worker import SimpulWorker, default_worker_id, tasks_backend_kind


class Command(BaseCommand):
    help = "Run the background worker: queued tasks, periodic jobs and outbox delivery."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Do one pass of everything, then exit.")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds to sleep between passes (default 1)."
        )
        parser.add_argument(
            "--max-tasks", type=int, default=100, help="Queued tasks to run per pass at most (default 100)."
        )
        parser.add_argument(
            "--queue-name", default="*", help="Task queues, comma-separated; '*' for all (default)."
        )
        parser.add_argument("--worker-id", default="", help="Unique id of this worker (default host-pid).")

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        if verbosity < 2:
            # django-tasks-db logs "Starting worker" on every pass; keep its warnings only.
            logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
        worker = SimpulWorker(
            interval=options["interval"],
            max_tasks=options["max_tasks"],
            queue_names=options["queue_name"].split(","),
            worker_id=options["worker_id"] or default_worker_id(),
        )
        kind = tasks_backend_kind()
        if kind == "rq":
            worker.run_rq(once=options["once"])
            return
        if not options["once"]:
            install_stop_signals(worker)
        worker.run(once=options["once"])
        if options["once"]:
            self.stdout.write("worker: one pass done")


def install_stop_signals(worker: SimpulWorker) -> None:
    """SIGINT/SIGTERM stop the worker gracefully; a second signal stops it at once."""

    def handler(signum: int, frame: FrameType | None) -> None:
        if worker.stopping:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            raise SystemExit(1)
        logging.getLogger("simpul.core.worker").warning(
            "%s received: stopping after the current task (send it again to stop at once)",
            signal.strsignal(signum),
        )
        worker.stop()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
