"""Crash test: SIGKILL a gunicorn worker, then the task worker, during a load of case submissions; afterwards every
submission whose client received its reference exists exactly once, and the outbox drains.

    .venv/bin/python scripts/crash_test.py [--seconds 20] [--connections 4]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/simpul_crash .venv/bin/python scripts/crash_test.py

Bounded and loopback only: a temporary SIMPUL_VAR_DIR (SQLite unless DATABASE_URL names an existing database),
migrate + reference + demo, gunicorn (2 processes x 4 threads) and `simpul worker` on a free 127.0.0.1 port.
Clients submit `POST /api/v1/cases/` (demo key) with a distinct Idempotency-Key each; a client that gets no answer
(its connection died with the killed process) retries the SAME key, as the offline outbox does. At 1/3 of the
time one gunicorn worker process is killed with SIGKILL (the master starts another); at 2/3 the task worker is
killed and started again. Then: each acknowledged reference is looked up in the database (exactly one case per
reference, and one case per idempotency key), and the worker runs until no outbox message is pending (at most
120 s). Exit code 0 when everything holds, 1 otherwise. PostgreSQL itself is not killed by this short version.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_web import API_KEY, BIN, _case_body, _free_port, prepare, start_server  # noqa: E402


def _submit(port: int, body: bytes, key: str) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/api/v1/cases/", body=body, headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {API_KEY}", "Idempotency-Key": key})
        response = conn.getresponse()
        data = response.read()
        return response.status, (json.loads(data) if data.startswith(b"{") else {})
    finally:
        conn.close()


def client(port: int, stop: threading.Event, seed: int, acknowledged: list, lock: threading.Lock,
           retries: list) -> None:
    i = seed
    while not stop.is_set():
        i += 1
        key, body = str(uuid.uuid4()), _case_body(i, document=False)
        for _attempt in range(20):  # the same key until the server answers (bounded)
            try:
                status, data = _submit(port, body, key)
            except (OSError, http.client.HTTPException):
                with lock:
                    retries.append(key)
                time.sleep(0.2)
                continue
            if status in (200, 201):
                with lock:
                    acknowledged.append((key, data["reference"]))
            break


def _gunicorn_workers(master_pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master_pid)],  # noqa: S603,S607 - fixed argv
                         capture_output=True, text=True)
    return [int(x) for x in out.stdout.split()]


CHECK = """
import json, sys
from django.db.models import Count
from simpul.cases.models import Case
from simpul.core.models import OutboxMessage
acked = json.load(open(sys.argv[-1]))
refs = [r for _k, r in acked]
counts = dict(Case.objects.filter(reference__in=refs).values_list("reference").annotate(n=Count("id")))
missing = [r for r in refs if counts.get(r, 0) == 0]
duplicated = [r for r, n in counts.items() if n > 1]
keys = [k for k, _r in acked]
per_key = Case.objects.filter(idempotency_key__in=keys).values("idempotency_key").annotate(n=Count("id"))
dup_keys = [row["idempotency_key"] for row in per_key if row["n"] > 1]
pending = OutboxMessage.objects.exclude(status__in=["delivered", "dead"]).count()
dead = OutboxMessage.objects.filter(status="dead").count()
print(json.dumps({"acknowledged": len(refs), "distinct_references": len(set(refs)), "missing": missing,
                  "duplicated": duplicated, "duplicate_keys": dup_keys, "outbox_pending": pending,
                  "outbox_dead": dead, "cases_total": Case.objects.count()}))
"""


def check(env: dict[str, str], acked_file: Path) -> dict:
    script = Path(env["SIMPUL_VAR_DIR"]) / "check.py"
    script.write_text(CHECK)
    out = subprocess.run([str(BIN / "python"), "-c",  # noqa: S603 - fixed argv
                          "import django, runpy, sys; django.setup(); runpy.run_path(sys.argv[1])",
                          str(script), str(acked_file)],
                         env={**env, "DJANGO_SETTINGS_MODULE": "simpul.settings"}, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    var_dir = tempfile.mkdtemp(prefix="simpul-crash-")
    env = {**os.environ, "SIMPUL_VAR_DIR": var_dir, "SIMPUL_DEMO_MODE": "true", "SIMPUL_LOG_LEVEL": "WARNING",
           "PYTHONPATH": str(ROOT / "src")}
    env.pop("SIMPUL_TESTING", None)
    server = worker = None
    try:
        prepare(env)
        port = _free_port()
        server = start_server(env, port, 2, 4)
        worker = subprocess.Popen([str(BIN / "simpul"), "worker"], env=env, start_new_session=True)  # noqa: S603
        acknowledged: list = []
        retries: list = []
        lock = threading.Lock()
        stop = threading.Event()
        clients = [threading.Thread(target=client, args=(port, stop, (n + 1) * 100_000, acknowledged, lock, retries))
                   for n in range(args.connections)]
        for c in clients:
            c.start()
        time.sleep(args.seconds / 3)
        victims = _gunicorn_workers(server.pid)
        if victims:
            os.kill(victims[0], signal.SIGKILL)
            print(f"SIGKILL gunicorn worker {victims[0]} after {args.seconds / 3:.0f} s")
        time.sleep(args.seconds / 3)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        print("SIGKILL task worker; starting it again")
        worker = subprocess.Popen([str(BIN / "simpul"), "worker"], env=env, start_new_session=True)  # noqa: S603
        time.sleep(args.seconds / 3)
        stop.set()
        for c in clients:
            c.join(60)
        acked_file = Path(var_dir) / "acked.json"
        acked_file.write_text(json.dumps(acknowledged))
        deadline = time.time() + 120
        result = check(env, acked_file)
        while result["outbox_pending"] and time.time() < deadline:
            time.sleep(3)
            result = check(env, acked_file)
        print(f"client retries after a dropped connection: {len(retries)}")
        print(json.dumps({k: (len(v) if isinstance(v, list) else v) for k, v in result.items()}))
        ok = (result["acknowledged"] > 0 and not result["missing"] and not result["duplicated"]
              and not result["duplicate_keys"] and result["outbox_pending"] == 0)
        print("crash test: PASS" if ok else "crash test: FAIL")
        return 0 if ok else 1
    finally:
        for proc in (server, worker):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
