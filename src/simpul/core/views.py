"""Views of the core app: the health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from simpul.core.selectors import task_queue_state


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with {"status": "ok", ...} when the database and task queue answer; 503 otherwise.

    `task_queue` also tells, for information only, when a worker last ran a periodic job
    (`worker_last_seen`, `worker_seen_recently`): a site with no worker yet is still healthy.
    """
    checks: dict[str, object] = {}
    ok = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = {"status": "ok", "vendor": connection.vendor}
    except Exception as exc:
        ok = False
        checks["database"] = {"status": "error", "error": type(exc).__name__}
    queue = task_queue_state() if ok else {"status": "unknown"}
    checks["task_queue"] = queue
    if queue.get("status") != "ok":
        ok = False
    body = {"status": "ok" if ok else "error", **checks}
    return JsonResponse(body, status=200 if ok else 503)
