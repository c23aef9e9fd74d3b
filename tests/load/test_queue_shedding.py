"""Under overload the requests queued inside gunicorn, where no middleware sees them, are bounded too.

A real gunicorn (1 process, 2 threads) serves a view that holds its thread for 1 s; 8 requests arrive at once.
With Simpul's worker class the 6 that waited for a thread longer than SIMPUL_ADMISSION_WAIT_MS are answered 503
with Retry-After as soon as a thread takes them; with gunicorn's plain gthread worker they all wait their turn
(4 s for the last), the failure the load test exposed (p95 6 s and not one 503).
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = pytest.mark.load

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, timeout: float = 30) -> tuple[int, str, float]:
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Retry-After") or "", time.monotonic() - started
    finally:
        conn.close()


def _serve(worker_class: str, tmp_path: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "slowsite.settings", "SIMPUL_TESTING": "true",
           "SIMPUL_VAR_DIR": str(tmp_path), "SIMPUL_MAX_INFLIGHT": "8", "SIMPUL_ADMISSION_WAIT_MS": "300",
           "SIMPUL_ADMISSION_RETRY_AFTER": "3"}
    env.pop("DATABASE_URL", None)  # the slow view and the middleware on an anonymous GET touch no database
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "simpul.wsgi:application", "--pythonpath", str(HERE), "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--threads", "2", "--worker-class", worker_class, "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _get(port, "/healthz", timeout=5)[0] in (200, 503):
                return server, port
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise AssertionError("gunicorn did not start: " + server.stderr.read().decode()[-2000:])


def _burst(port: int, n: int = 8) -> list[tuple[int, str, float]]:
    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(lambda _i: _get(port, "/__slow__/"), range(n)))


@pytest.mark.parametrize("worker_class,sheds", [("simpul.core.gunicorn_worker.QueueTimedThreadWorker", True),
                                                ("gthread", False)])
def test_requests_queued_in_gunicorn_are_shed_when_they_waited_too_long(worker_class, sheds, tmp_path):
    server, port = _serve(worker_class, tmp_path)
    try:
        results = _burst(port)
    finally:
        server.terminate()
        server.wait(timeout=30)
    statuses = sorted(status for status, _retry, _seconds in results)
    assert set(statuses) <= {200, 503}, statuses
    assert statuses.count(200) >= 2  # the two threads' first requests are served
    if sheds:
        assert statuses.count(503) >= 4, statuses
        assert all(retry == "3" for status, retry, _s in results if status == 503)
        assert max(seconds for _st, _r, seconds in results) < 3.5  # nobody waited for all the others
    else:
        assert statuses.count(503) == 0, statuses  # the plain worker hides its queue from admission control
