"""Gunicorn's threaded worker, telling Simpul how long each request waited for a thread.

Under overload, requests queue in front of Simpul's admission limit (simpul.core.admission), inside gunicorn: a
gthread process accepts connections and hands each to its thread pool, and when every thread is busy they wait
there, where no middleware can see them. A request that waited there 5 s and is then admitted is already a
failure for its visitor (the load test showed p95 of 6 s with not one 503). This worker notes when a request was
handed to the pool and, when a thread takes it up, how long it waited; AdmissionMiddleware counts that wait
against SIMPUL_ADMISSION_WAIT_MS, so the whole queue, gunicorn's and Simpul's, is bounded and the excess gets a
fast 503 with Retry-After instead of a slow page.

    gunicorn simpul.wsgi:application --worker-class simpul.core.gunicorn_worker.QueueTimedThreadWorker ...

(`simpul run` uses it.) Under any other server `admission.queue_seconds()` is 0 and admission works as before.
"""

from __future__ import annotations

import time
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

from simpul.core.admission import set_queue_seconds


class QueueTimedThreadWorker(ThreadWorker):
    def enqueue_req(self, conn: Any) -> None:
        conn.simpul_enqueued_at = time.monotonic()
        super().enqueue_req(conn)

    def handle(self, conn: Any) -> Any:
        enqueued = getattr(conn, "simpul_enqueued_at", None)
        set_queue_seconds(max(0.0, time.monotonic() - enqueued) if enqueued is not None else 0.0)
        try:
            return super().handle(conn)
        finally:
            set_queue_seconds(0.0)
