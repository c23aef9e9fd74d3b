"""Crash test: SIGKILL a gunicorn worker, the task worker and (with --kill-postgres) PostgreSQL itself during a load
of case submissions; afterwards every submission whose client received its reference exists exactly once, there
is one case per idempotency key, and the outbox drains with no dead letters.

    .venv/bin/python scripts/crash_test.py [--seconds 20] [--connections 4]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/simpul_crash .venv/bin/python scripts/crash_test.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/simpul_crash .venv/bin/python scripts/crash_test.py \
        --kill-postgres          # or SIMPUL_CRASH_KILL_POSTGRES=1; run as root or as PostgreSQL's own user

Bounded and loopback only: a temporary SIMPUL_VAR_DIR (SQLite unless DATABASE_URL names a PostgreSQL server:
the database is then created if missing), migrate + reference + demo, gunicorn (2 processes x 4 threads) and
`simpul worker` on a free 127.0.0.1 port. Clients submit `POST /api/v1/cases/` (demo key) with a distinct
Idempotency-Key each; a client that gets no answer (its connection died with the killed process), a 5xx or a 409
(the first attempt is still marked in flight) retries the SAME key and body, as the offline outbox does, for up
to --retry-seconds. The kills, spread over --seconds:

- at 1/4 (1/3 without --kill-postgres) one gunicorn worker process gets SIGKILL (the master starts another);
- at 2/4 (2/3) the task worker gets SIGKILL and is started again;
- at 3/4, with --kill-postgres: the PostgreSQL postmaster (PID from postmaster.pid in its data directory) gets
  SIGKILL; once its backends have exited it is started again with the same command it ran with
  (`pg_ctlcluster <version> <cluster> start` on Debian, else its own command line as its own user), then the
  load goes on for another 1/4 after `pg_isready`. Whatever happens, PostgreSQL is started again before exit.

Then: every submission was acknowledged in the end (none given up after --retry-seconds); each acknowledged
reference is looked up in the database (exactly one case per reference, its case carries the key it was
acknowledged for, one case per idempotency key); the worker runs until no outbox message is pending (at most
120 s) and none is dead-lettered; gunicorn and the worker are still running. A request killed mid-way leaves its
key "in flight" (409 to a retry) until SIMPUL_IDEMPOTENCY_IN_FLIGHT_SECONDS, which this script sets to 20 s
unless given (Simpul's default is 300 s), so the takeover of an abandoned key is exercised too. Exit code 0
when everything holds, 1 otherwise. Killing PostgreSQL disturbs everything else using that server for a few
seconds: run it on a machine of your own, never against a production database server.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_web import API_KEY, BIN, _case_body, _free_port, start_server, stop_process  # noqa: E402


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


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.acknowledged: list[tuple[str, str]] = []
        self.retries: dict[str, int] = {}  # why a submission was retried with the same key: count
        self.gave_up: dict[str, int] = {}  # keys never acknowledged within --retry-seconds, by last answer
        self.rejected: dict[int, int] = {}  # 4xx answers other than 409: the submission itself was refused

    def count(self, table: dict, reason) -> None:
        with self.lock:
            table[reason] = table.get(reason, 0) + 1


def client(port: int, stop: threading.Event, seed: int, tally: Tally, retry_seconds: float) -> None:
    i = seed
    while not stop.is_set():
        i += 1
        key, body = str(uuid.uuid4()), _case_body(i, document=False)
        deadline = time.monotonic() + retry_seconds
        delay = 0.2
        while True:  # the same key and body until the server acknowledges it (bounded in time)
            try:
                status, data = _submit(port, body, key)
                reason = f"{status}" if status >= 500 or status == 409 else ""
            except (OSError, http.client.HTTPException) as exc:
                status, data, reason = 0, {}, f"no answer ({type(exc).__name__})"
            if status in (200, 201):
                with tally.lock:
                    tally.acknowledged.append((key, data["reference"]))
                break
            if not reason:
                tally.count(tally.rejected, status)
                break
            if time.monotonic() + delay > deadline:
                tally.count(tally.gave_up, reason)
                break
            tally.count(tally.retries, reason)
            time.sleep(delay)
            delay = min(2.0, delay * 1.5)


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)],  # noqa: S603,S607 - fixed argv
                         capture_output=True, text=True)
    return [int(x) for x in out.stdout.split()]


# -- PostgreSQL --------------------------------------------------------------------------------------------------


def _admin_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_admin_url(url), autocommit=True, connect_timeout=5) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


class Postmaster:
    """The PostgreSQL server behind DATABASE_URL on this machine: kill it with SIGKILL, start it again."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.url = url
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", str(parts.port or 5432)
        with psycopg.connect(_admin_url(url), autocommit=True, connect_timeout=5) as conn:
            self.data_dir = Path(conn.execute("SHOW data_directory").fetchone()[0])
            self.version = conn.execute("SHOW server_version_num").fetchone()[0][:2]
            sockets = conn.execute("SHOW unix_socket_directories").fetchone()[0]
            self.server_port = conn.execute("SHOW port").fetchone()[0]
        self.socket_dirs = [Path(d.strip()) for d in sockets.split(",") if d.strip().startswith("/")]
        self.pid = int((self.data_dir / "postmaster.pid").read_text().split()[0])
        self.cmdline = Path(f"/proc/{self.pid}/cmdline").read_bytes().rstrip(b"\0").split(b"\0")
        self.uid = os.stat(f"/proc/{self.pid}").st_uid
        self.killed = False
        self.start_command: list[str] = []

    def ready(self) -> bool:
        return subprocess.run(["pg_isready", "-q", "-h", self.host, "-p", self.port],  # noqa: S603,S607
                              check=False).returncode == 0

    def kill(self) -> float:
        """SIGKILL the postmaster; wait until its backends have gone too (they exit when it dies)."""
        backends = _children(self.pid)
        os.kill(self.pid, signal.SIGKILL)
        self.killed = True
        started = time.monotonic()
        while time.monotonic() - started < 60:
            alive = [p for p in [self.pid, *backends] if Path(f"/proc/{p}").exists()
                     and "zombie" not in _proc_state(p)]
            if not alive:
                break
            time.sleep(0.1)
        return time.monotonic() - started

    def _remove_stale_locks(self) -> None:
        """The killed postmaster may stay a zombie until its parent reaps it (in a container, PID 1 may take
        minutes), and a zombie's PID still passes PostgreSQL's "is the lock holder alive" test: the socket lock
        file naming it then stops the new postmaster ("lock file ... already exists"). Remove the lock files that
        name the dead postmaster; a zombie holds nothing."""
        if Path(f"/proc/{self.pid}").exists() and "zombie" not in _proc_state(self.pid):
            return  # really alive: leave everything alone
        for lock in [self.data_dir / "postmaster.pid",
                     *(d / f".s.PGSQL.{self.server_port}.lock" for d in self.socket_dirs)]:
            try:
                if lock.read_text().split()[0] == str(self.pid):
                    lock.unlink()
            except (OSError, IndexError):
                pass

    def _debian_cluster(self) -> tuple[str, str] | None:
        match = re.fullmatch(r"/var/lib/postgresql/([^/]+)/([^/]+)", str(self.data_dir))
        if match and shutil.which("pg_ctlcluster") and Path(f"/etc/postgresql/{match[1]}/{match[2]}").is_dir():
            return match[1], match[2]
        return None

    def _start_once(self) -> None:
        self._remove_stale_locks()
        cluster = self._debian_cluster()
        if cluster:
            self.start_command = ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, "start"]
            subprocess.run(self.start_command, check=False, timeout=120,  # noqa: S603 - fixed argv
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        else:
            argv = [a.decode() for a in self.cmdline]
            self.start_command = argv
            log = open(self.data_dir.parent / "simpul-crash-test-postgres.log", "ab")  # noqa: SIM115 - kept by the server
            user = pwd.getpwuid(self.uid).pw_name
            subprocess.Popen(argv, user=user if os.geteuid() == 0 else None, cwd=self.data_dir,  # noqa: S603
                             stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)

    def _postmaster_running(self) -> bool:
        try:
            pid = int((self.data_dir / "postmaster.pid").read_text().split()[0])
        except (OSError, IndexError, ValueError):
            return False
        return pid != self.pid and Path(f"/proc/{pid}").exists() and "zombie" not in _proc_state(pid)

    def start(self) -> float:
        """Start it again as it ran before (again if a start fails); returns the seconds until pg_isready."""
        started = time.monotonic()
        for _attempt in range(5):
            self._start_once()
            attempt_started = time.monotonic()
            # Crash recovery (fsync of the data directory, WAL redo) may take a while; a start that failed at
            # once leaves no running postmaster, and is tried again.
            while time.monotonic() - attempt_started < 90 and not self.ready():
                if time.monotonic() - attempt_started > 3 and not self._postmaster_running():
                    break
                time.sleep(0.2)
            if self.ready():
                break
            time.sleep(1)
        return time.monotonic() - started

    def ensure_running(self) -> None:
        """The safety net: start PostgreSQL again if this script killed it and it is not answering."""
        if self.killed and not self.ready():
            print("PostgreSQL is not answering after the test: starting it again", flush=True)
            self.start()
            if not self.ready():
                print(f"PostgreSQL did NOT come back; start it by hand: {' '.join(self.start_command)}", flush=True)


def _proc_state(pid: int) -> str:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("State:"):
                return line
    except OSError:
        return "zombie"  # gone
    return ""


# -- checks ------------------------------------------------------------------------------------------------------

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
by_ref = dict(Case.objects.filter(reference__in=refs).values_list("reference", "idempotency_key"))
wrong_key = [r for k, r in acked if r in by_ref and by_ref[r] != k]
per_key = (Case.objects.exclude(idempotency_key=None).values("idempotency_scope", "idempotency_key")
           .annotate(n=Count("id")).filter(n__gt=1))
dup_keys = [row["idempotency_key"] for row in per_key]
pending = OutboxMessage.objects.exclude(status__in=["delivered", "dead"]).count()
dead = OutboxMessage.objects.filter(status="dead").count()
print(json.dumps({"acknowledged": len(refs), "distinct_references": len(set(refs)), "missing": missing,
                  "duplicated": duplicated, "reference_not_of_its_key": wrong_key, "duplicate_keys": dup_keys,
                  "outbox_pending": pending, "outbox_dead": dead,
                  "outbox_delivered": OutboxMessage.objects.filter(status="delivered").count(),
                  "cases_total": Case.objects.count()}))
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


def prepare(env: dict[str, str]) -> None:
    """migrate + reference + demo, the demo API key's rate limit lifted; no static files (the API needs none)."""
    simpul = [str(BIN / "simpul")]
    for cmd in (["migrate", "--noinput", "-v", "0"], ["reference"], ["demo"]):
        subprocess.run(simpul + cmd, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    lift = "from simpul.clients.models import ApiClient; ApiClient.objects.update(rate_limit_per_minute=0)"
    subprocess.run([*simpul, "shell", "-c", lift], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def _start_worker(env: dict[str, str]) -> subprocess.Popen:
    # stdout is the demo's console e-mail backend (every notification in full): not wanted here; errors stay.
    return subprocess.Popen([str(BIN / "simpul"), "worker"], env=env, start_new_session=True,  # noqa: S603
                            stdout=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--retry-seconds", type=float, default=60.0,
                        help="how long a client retries one submission with the same key")
    parser.add_argument("--kill-postgres", action="store_true",
                        default=os.environ.get("SIMPUL_CRASH_KILL_POSTGRES", "") in ("1", "true", "yes"),
                        help="also SIGKILL PostgreSQL (DATABASE_URL must be postgres://); env SIMPUL_CRASH_KILL_POSTGRES=1")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    on_postgres = url.startswith(("postgres://", "postgresql://"))
    if args.kill_postgres and not on_postgres:
        print("--kill-postgres needs DATABASE_URL=postgres://... of a server on this machine")
        return 2
    var_dir = tempfile.mkdtemp(prefix="simpul-crash-")
    env = {**os.environ, "SIMPUL_VAR_DIR": var_dir, "SIMPUL_DEMO_MODE": "true", "SIMPUL_LOG_LEVEL": "WARNING",
           "PYTHONPATH": str(ROOT / "src")}
    env.pop("SIMPUL_TESTING", None)
    # A request killed mid-way (its worker or the database died) leaves its key "in flight"; a retry with that key
    # gets 409 until the record counts as abandoned and is taken over (default 300 s). The test takes it over
    # sooner, which is safe: the record's lock token still lets the handler's writes commit at most once.
    env.setdefault("SIMPUL_IDEMPOTENCY_IN_FLIGHT_SECONDS", "20")
    (Path(var_dir) / "static").mkdir()
    server = worker = postmaster = None
    clients: list[threading.Thread] = []
    stop = threading.Event()
    try:
        if on_postgres:
            ensure_database(url)
        if args.kill_postgres:
            postmaster = Postmaster(url)
            print(f"PostgreSQL {postmaster.version}: postmaster {postmaster.pid}, data {postmaster.data_dir}")
        t_prepare = time.monotonic()
        prepare(env)
        print(f"database prepared in {time.monotonic() - t_prepare:.0f} s")
        port = _free_port()
        server = start_server(env, port, 2, 4)
        worker = _start_worker(env)
        tally = Tally()
        clients = [threading.Thread(target=client, args=(port, stop, (n + 1) * 100_000, tally, args.retry_seconds))
                   for n in range(args.connections)]
        for c in clients:
            c.start()
        part = args.seconds / (4 if postmaster else 3)
        time.sleep(part)
        victims = _children(server.pid)
        if victims:
            os.kill(victims[0], signal.SIGKILL)
            print(f"SIGKILL gunicorn worker {victims[0]} after {part:.0f} s")
        time.sleep(part)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        print(f"SIGKILL task worker after {2 * part:.0f} s; starting it again")
        worker = _start_worker(env)
        time.sleep(part)
        if postmaster:
            gone = postmaster.kill()
            print(f"SIGKILL PostgreSQL postmaster {postmaster.pid} after {3 * part:.0f} s "
                  f"(it and its backends gone in {gone:.1f} s)", flush=True)
            up = postmaster.start()
            print(f"PostgreSQL started again ({' '.join(postmaster.start_command)}): pg_isready after {up:.1f} s"
                  if postmaster.ready() else "PostgreSQL did NOT come back", flush=True)
            time.sleep(part)
        stop.set()
        t_stop = time.monotonic()
        for c in clients:
            c.join(args.retry_seconds + 60)
        print(f"load stopped; the last retries ended {time.monotonic() - t_stop:.0f} s later")
        acked_file = Path(var_dir) / "acked.json"
        acked_file.write_text(json.dumps(tally.acknowledged))
        t_drain = time.monotonic()
        deadline = time.time() + 120
        result = check(env, acked_file)
        while result["outbox_pending"] and time.time() < deadline:
            time.sleep(3)
            result = check(env, acked_file)
        print(f"outbox checked for {time.monotonic() - t_drain:.0f} s until nothing was pending")
        alive = {"gunicorn": server.poll() is None and bool(_children(server.pid)), "worker": worker.poll() is None}
        print(f"client retries with the same key, by cause: {json.dumps(tally.retries)}")
        print(f"submissions given up after {args.retry_seconds:g} s of retries, by last answer: "
              f"{json.dumps(tally.gave_up)}; refused (4xx): {json.dumps(tally.rejected)}")
        print(json.dumps({**{k: (len(v) if isinstance(v, list) else v) for k, v in result.items()},
                          "still_running": alive}))
        ok = (result["acknowledged"] > 0 and not result["missing"] and not result["duplicated"]
              and not result["duplicate_keys"] and not result["reference_not_of_its_key"]
              and result["outbox_pending"] == 0 and result["outbox_dead"] == 0 and all(alive.values())
              and not tally.gave_up)
        print("crash test: PASS" if ok else "crash test: FAIL")
        return 0 if ok else 1
    finally:
        stop.set()
        if postmaster is not None:
            postmaster.ensure_running()
        for proc in (server, worker):
            stop_process(proc)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
