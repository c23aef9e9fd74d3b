"""`scripts/crash_test.py --seconds 10`: SIGKILL a gunicorn worker and the task worker during API submissions;
every acknowledged reference exists exactly once, one case per idempotency key, the outbox drains (exit code 0).

On SQLite in the SQLite suite; in the PostgreSQL suite on a database of its own on DATABASE_URL's server. Killing
PostgreSQL itself disturbs everything else on that server, so it only happens with SIMPUL_CRASH_KILL_POSTGRES=1
(and DATABASE_URL=postgres://...); otherwise it stays the manual command in docs/operations.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.load


def _drop(url: str) -> None:
    import psycopg
    from psycopg import sql

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def test_crash_test_script_loses_no_acknowledged_submission(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("SIMPUL_TESTING", "DJANGO_SETTINGS_MODULE", "SIMPUL_VAR_DIR", "DATABASE_URL")}
    url = os.environ.get("DATABASE_URL", "")
    database = ""
    if url.startswith(("postgres://", "postgresql://")):
        database = f"{url.rsplit('/', 1)[0]}/simpul_crash_{uuid.uuid4().hex[:8]}"
        env["DATABASE_URL"] = database
    else:
        env.pop("SIMPUL_CRASH_KILL_POSTGRES", None)
    try:
        proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "crash_test.py"), "--seconds", "10"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=280)
    finally:
        if database:
            _drop(database)
    assert proc.returncode == 0, (proc.stdout[-3000:], proc.stderr[-3000:])
    assert "crash test: PASS" in proc.stdout
