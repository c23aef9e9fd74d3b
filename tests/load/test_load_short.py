"""`bench/bench_load.py --short` (Locust against gunicorn + PostgreSQL, up to 3x capacity and back): correctness only.

Asserted: no 5xx other than 503, every 503 carries Retry-After, every acknowledged submission exists exactly once
(no loss, no duplicate, one case per idempotency key), the server is still the same processes and answers after
the overload, and requests succeed again after the drop. Never a timing: figures come from `make bench`.
The run needs PostgreSQL: it uses the server of DATABASE_URL, or 127.0.0.1:5432 in the SQLite suite, in a
database of its own (created and dropped), and is skipped with the reason when no server answers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432"

pytestmark = pytest.mark.load


def _server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url.rsplit("/", 1)[0] if url.startswith(("postgres://", "postgresql://")) else LOCAL_POSTGRES


def _unreachable(server: str) -> str:
    import psycopg

    try:
        with psycopg.connect(f"{server}/postgres", connect_timeout=3):
            return ""
    except psycopg.Error as exc:
        return f"PostgreSQL not reachable at {server} ({str(exc).strip()[:120]})"


def test_short_load_run_sheds_with_retry_after_loses_nothing_and_recovers(tmp_path):
    server = _server_url()
    reason = _unreachable(server)
    if reason:
        pytest.skip(reason)
    summary_file = tmp_path / "summary.json"
    env = {k: v for k, v in os.environ.items() if k not in ("SIMPUL_TESTING", "DJANGO_SETTINGS_MODULE")}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_load.py"), "--short",
         "--database-url", f"{server}/simpul_load_{uuid.uuid4().hex[:8]}", "--json", str(summary_file)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=280)
    assert proc.returncode == 0, (proc.stdout[-3000:], proc.stderr[-3000:])
    assert summary_file.exists(), proc.stdout[-3000:]
    s = json.loads(summary_file.read_text())
    report = proc.stdout[-3000:]
    assert s["five_xx_not_503"] == 0, report
    assert s["shed_without_retry_after"] == 0, report
    assert s["acknowledged"] > 0, report
    assert s["lost"] == 0, report
    assert s["duplicates"] == 0, report
    assert s["reference_not_of_its_key"] == 0, report
    assert s["server_alive"], report
    assert s["two_xx_after_drop"] > 0, report
