"""Load shedding: a bounded admission limit per process.

At most `SIMPUL_MAX_INFLIGHT` requests run Simpul's views at once in one process. A request over the limit waits
up to `SIMPUL_ADMISSION_WAIT_MS` for a slot; if none frees up it is answered at once with 503 and `Retry-After`
(`SIMPUL_ADMISSION_RETRY_AFTER` seconds) and a tiny translated body (problem+json for the API, HTML otherwise),
instead of queueing until every request times out. /healthz is always admitted (a load balancer must see the
process alive); static files never reach this middleware (WhiteNoise answers them before it).

The queue in front of the limit has two parts: gunicorn's threads above SIMPUL_MAX_INFLIGHT (e.g. `--threads 16`
with the default 8) wait here, and when every thread is busy further requests wait in gunicorn's own thread-pool
queue. Under `simpul.core.gunicorn_worker.QueueTimedThreadWorker` (what `simpul run` starts) the time spent in
gunicorn's queue counts against the same SIMPUL_ADMISSION_WAIT_MS, so a request that already waited too long
there is shed at once: the whole wait before a view starts is bounded. Under another worker class only the
wait here is bounded. `SIMPUL_MAX_INFLIGHT=0` turns admission control off.

Shedding is the server working as intended, not an error: a shed 503 is not logged by `django.request` as an
ERROR line per request (under a 3x overload that is thousands of lines a minute, written exactly when the
machine has no time to spare, and an alert on error logs would fire for a healthy server). Instead the process
logs one WARNING at most every LOG_EVERY_SECONDS with the number of requests it shed since the previous one.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from simpul.core.http.problem_types import problem_type_uri

EXEMPT_PATHS = ("/healthz",)
_queue = threading.local()


def queue_seconds() -> float:
    """How long the request this thread serves waited in the server's queue before a thread took it (0 when the
    server does not say: only QueueTimedThreadWorker does)."""
    return getattr(_queue, "seconds", 0.0)


def set_queue_seconds(seconds: float) -> None:
    _queue.seconds = seconds
LOG_EVERY_SECONDS = 10.0

logger = logging.getLogger(__name__)


class AdmissionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.limit = settings.SIMPUL_MAX_INFLIGHT
        self.wait_seconds = max(0, settings.SIMPUL_ADMISSION_WAIT_MS) / 1000
        self.retry_after = max(1, settings.SIMPUL_ADMISSION_RETRY_AFTER)
        self.slots = threading.BoundedSemaphore(self.limit) if self.limit > 0 else None
        self.shed_count = 0
        self._log_lock = threading.Lock()
        self._logged_count = 0
        self._logged_at = float("-inf")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.slots is None or request.path in EXEMPT_PATHS:
            return self.get_response(request)
        # The wait budget counts time already spent queued in gunicorn (QueueTimedThreadWorker), so the whole queue
        # in front of a view is bounded, not just the part this middleware sees.
        queued = queue_seconds()
        if queued > self.wait_seconds or not self.slots.acquire(timeout=max(0.0, self.wait_seconds - queued)):
            with self._log_lock:
                self.shed_count += 1
            self._log_shedding()
            return self.shed(request)
        try:
            return self.get_response(request)
        finally:
            self.slots.release()

    def _log_shedding(self) -> None:
        now = time.monotonic()
        with self._log_lock:
            if now - self._logged_at < LOG_EVERY_SECONDS:
                return
            count, self._logged_count, self._logged_at = self.shed_count - self._logged_count, self.shed_count, now
        logger.warning("load shedding: %d request(s) answered 503 since the last report (SIMPUL_MAX_INFLIGHT=%d, "
                       "waited up to %d ms for a slot)", count, self.limit, int(self.wait_seconds * 1000))

    def shed(self, request: HttpRequest) -> HttpResponse:
        language = translation.get_language_from_request(request, check_path=True)
        with translation.override(language):
            title = _("Simpul is very busy")
            detail = _("Too many people are using Simpul right now. Nothing was lost: please try again in "
                       "{seconds} seconds.").format(seconds=self.retry_after)
        wants_json = request.path.startswith(("/api/", "/open311/")) or "json" in request.headers.get("Accept", "")
        if wants_json:
            body = json.dumps({"type": problem_type_uri("overloaded"), "title": title, "status": 503, "detail": detail,
                               "code": "overloaded"})
            response = HttpResponse(body, status=503, content_type="application/problem+json")
        else:
            with translation.override(language):
                body = render_to_string("error_standalone.html", {"title": title, "paragraphs": [detail]})
            response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
        response["Retry-After"] = str(self.retry_after)
        response["Cache-Control"] = "no-store"
        response._has_been_logged = True  # Django's log_response: no ERROR line per shed request (see above)
        return response
