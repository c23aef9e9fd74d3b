"""Web benchmark: Simpul under gunicorn on this machine, measured against a bare Django view in the same run.

    .venv/bin/python bench/bench_web.py [--seconds 5] [--connections 8] [--database sqlite|postgres]
    .venv/bin/python bench/bench_web.py --database postgres      # the server bars are for PostgreSQL
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/simpul_bench_web .venv/bin/python bench/bench_web.py

What it does (bounded, loopback only, stops by itself):
1. A temporary SIMPUL_VAR_DIR, and the database: SQLite there by default; PostgreSQL when DATABASE_URL is set
   (created if missing) or with `--database postgres`, which drops and creates the throw-away database
   `simpul_bench_web` on 127.0.0.1:5432 (user postgres) for every run. Then
   `simpul migrate`, `reference`, `demo` and `collectstatic` with SIMPUL_DEMO_MODE=true. The demo API client's
   per-minute rate limit is lifted in that throw-away database (a rate limit would measure itself).
2. gunicorn (gthread with queue timing, simpul.core.gunicorn_worker; 2 processes x 4 threads: the size `simpul run` picks on 2 cores) on a free 127.0.0.1 port,
   with `bench/bench_web_settings.py`: Simpul's settings plus one URL, `/__bench__/bare/`, a bare view returning a
   fixed 3 KB page through the same middleware. Production URLs are untouched.
3. A load generator on the same machine: 2 processes x (connections / 2) threads, each with its own keep-alive
   `http.client` connection, closed loop, for a fixed time per target after a 1 s warm-up.
   Targets: the bare view, the catalog `/layanan/`, a service page, and `POST /api/v1/cases/` (demo key
   `demo-dukcapil-key`, a distinct Idempotency-Key and NIK per request) with form data only and with one 200 KB
   PDF. Reports req/s, p95 and the ratio to the bare view.
4. Transferred bytes (gzip, headers included) and request counts of the home, catalog, service page, each
   application step and the tracking page, first visit (every linked stylesheet, script, image and icon fetched
   once per page).
5. Before and after, in the same run (`--before REV`, default the commit before the intake rebuild; `--before ""`
   skips it): the bare view and both submissions against a second gunicorn serving REV's code (`git archive` of
   REV into a temporary folder, its own database and SIMPUL_VAR_DIR, the same settings and sizes), measured
   first, then the current code; one table with both rows and the ratio now/before. Then the audit chainer:
   how long `simpul audit chain` takes to link the entries the current code's submissions left pending.
6. Load shedding (simpul.core.admission): a second gunicorn with 16 threads per process and
   SIMPUL_MAX_INFLIGHT=4, driven on the catalog at 8, then --overload-connections (64), then 8 connections again:
   admitted req/s, p95 of admitted requests, and how many were shed with 503.

The load generator shares the 2 cores with the server, so absolute figures are a floor; the ratios are the
comparable figures. No assertions.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import http.client
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SERVICE = "ktp-el-penggantian"  # needs one document (the family card): the "with a 200 KB document" submission
FORM_ONLY_SERVICE = "pengaduan-kependudukan"  # Dukcapil's complaint form: no required document
API_KEY = "demo-dukcapil-key"
ANSWERS = {"full_name": "Siti Warga", "village": "16.06.01.2001", "phone": "081234567890",
           "reason": "damaged", "address": "Jl. Merdeka RT 01", "kk_number": "1606010101900001"}
def _pdf_200kb() -> bytes:
    """A real one-page PDF of about 200 KB (a scan's size): the upload pipeline opens every PDF and refuses what
    does not parse. The bulk is an unused stream of deterministic bytes, written uncompressed."""
    import io

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    filler = bytes(random.Random(0).getrandbits(8) for _ in range(200 * 1024 - 1200))
    pdf.Root.SimpulFiller = pdf.make_stream(filler)
    out = io.BytesIO()
    pdf.save(out, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return out.getvalue()


PDF_200KB = _pdf_200kb()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _nik(i: int) -> str:
    # 160601 (a Musi Banyuasin kecamatan), birth date DDMMYY (women +40), 4-digit sequence: distinct per request.
    day = 1 + (i // 9999) % 28
    return f"160601{day:02d}0190{1 + i % 9999:04d}"


def _case_body(i: int, *, document: bool) -> bytes:
    if not document:
        return json.dumps({"service": FORM_ONLY_SERVICE, "answers": {
            "title": "Antrean perekaman KTP-el", "description": f"Antrean panjang di kantor kecamatan ({i}).",
            "location_village": "16.06.01.2001", "full_name": "Siti Warga", "phone": "081234567890",
            "confidential": "no"}}).encode()
    return json.dumps({"service": SERVICE, "answers": {**ANSWERS, "nik": _nik(i)},
                       "documents": [{"code": "kk", "filename": "kk.pdf",
                                      "content_base64": base64.b64encode(PDF_200KB).decode()}]}).encode()


# -- load generator -------------------------------------------------------------------------------------------------


def _client_thread(port: int, target: dict, seconds: float, warmup: float, seed: int, out: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies: list[tuple[float, int]] = []
    statuses: dict[int, int] = {}
    start = time.perf_counter()
    measure_from = start + warmup
    stop = measure_from + seconds
    i = seed
    sample: list[str] = []
    while True:
        now = time.perf_counter()
        if now >= stop:
            break
        headers = {"Accept-Encoding": "gzip", "Host": "127.0.0.1"}
        body = None
        if target["kind"] == "post":
            i += 1
            body = _case_body(i, document=target["document"])
            headers.update({"Content-Type": "application/json", "Authorization": f"Bearer {API_KEY}",
                            "Idempotency-Key": str(uuid.uuid4())})
        try:
            conn.request("POST" if body else "GET", target["path"], body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            status = response.status
            if status >= 400 and not sample:
                raw = gzip.decompress(data) if response.getheader("Content-Encoding") == "gzip" else data
                sample.append(raw[:300].decode("utf-8", "replace"))
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            status = 0
        end = time.perf_counter()
        if now >= measure_from:
            latencies.append((end - now, status))
            statuses[status] = statuses.get(status, 0) + 1
    conn.close()
    out.append((latencies, statuses, sample))


def _client_process(args: tuple) -> tuple[list[tuple[float, int]], dict[int, int], list[str]]:
    port, target, seconds, warmup, threads, proc_index = args
    out: list = []
    workers = [threading.Thread(target=_client_thread,
                                args=(port, target, seconds, warmup, (proc_index * 100 + t) * 1_000_000, out))
               for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    latencies = [x for lat, _s, _e in out for x in lat]
    samples = [e[0] for _l, _s, e in out if e]
    statuses: dict[int, int] = {}
    for _lat, s, _e in out:
        for k, v in s.items():
            statuses[k] = statuses.get(k, 0) + v
    return latencies, statuses, samples[:1]


def measure(port: int, target: dict, *, seconds: float, connections: int, seed: int) -> dict:
    procs = 2
    threads = max(1, connections // procs)
    with multiprocessing.get_context("spawn").Pool(procs) as pool:
        results = pool.map(_client_process, [(port, target, seconds, 1.0, threads, seed * 10 + p)
                                             for p in range(procs)])
    everything = [x for lat, _s, _e in results for x in lat]
    latencies = sorted(t for t, _status in everything)
    admitted = sorted(t for t, status in everything if 200 <= status < 300)
    samples = [e[0] for _l, _s, e in results if e]
    statuses: dict[int, int] = {}
    for _lat, s, _e in results:
        for k, v in s.items():
            statuses[k] = statuses.get(k, 0) + v
    ok = sum(v for k, v in statuses.items() if 200 <= k < 300)
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
    p95_ok = admitted[int(0.95 * (len(admitted) - 1))] if admitted else float("nan")
    return {"rps": ok / seconds, "p95_ms": p95 * 1000, "p95_ok_ms": p95_ok * 1000, "statuses": statuses, "n": len(latencies),
            "error": samples[0] if samples else ""}


# -- page weights ---------------------------------------------------------------------------------------------------


class Browser:
    """A first-visit browser: cookies, gzip, and every stylesheet/script/image/icon a page links, counted once."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> tuple[int, dict[str, str], bytes, int]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Accept-Encoding": "gzip", "Host": "127.0.0.1", "Accept": "text/html,*/*"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        header_bytes = sum(len(k) + len(v) + 4 for k, v in response.getheaders()) + 17
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _sep, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        conn.close()
        body = gzip.decompress(raw) if response.getheader("Content-Encoding") == "gzip" else raw
        return response.status, dict(response.getheaders()), body, len(raw) + header_bytes

    def visit(self, path: str) -> tuple[str, int, int, int]:
        """Follows redirects; returns (final path, status, bytes on the wire, requests)."""
        total, requests = 0, 0
        for _ in range(5):
            status, headers, body, wire = self.get(path)
            total += wire
            requests += 1
            if status in (301, 302, 303) and headers.get("Location"):
                path = headers["Location"]
                continue
            break
        html = body.decode("utf-8", "replace")
        links = set(re.findall(r'<link[^>]+href="(/[^"]+)"', html)) | set(re.findall(r'<script[^>]+src="(/[^"]+)"', html)) \
            | set(re.findall(r'<img[^>]+src="(/[^"]+)"', html))
        for link in sorted(links):
            if link.endswith("/") or ("/static/" not in link and not link.endswith((".ico", ".css", ".js", ".svg"))):
                continue  # alternate-language links and the like are not fetched by a browser
            _s, _h, _b, wire = self.get(link)
            total += wire
            requests += 1
        return path, status, total, requests


def page_weights(port: int) -> list[tuple[str, int, int, int]]:
    b = Browser(port)
    rows = []
    for label, path in (("home", "/"), ("catalog", "/layanan/"), ("service page", f"/layanan/{SERVICE}/")):
        _p, status, wire, reqs = b.visit(path)
        rows.append((label, status, wire, reqs))
    final, status, wire, reqs = b.visit(f"/layanan/{SERVICE}/ajukan/")
    rows.append(("apply step 1 (data pemohon)", status, wire, reqs))
    match = re.search(r"/ajukan/([^/]+)/", final)
    if match:
        token = match.group(1)
        for label, step in (("apply step 2 (alasan)", "alasan/"), ("apply step 3 (dokumen)", "dokumen/"),
                            ("apply step 4 (periksa)", "periksa/")):
            asked = f"/layanan/{SERVICE}/ajukan/{token}/{step}"
            final, status, wire, reqs = b.visit(asked)
            if final != asked:
                label += " -> " + final.rstrip("/").rsplit("/", 1)[-1]
            rows.append((label, status, wire, reqs))
    _p, status, wire, reqs = Browser(port).visit("/lacak/")
    rows.append(("tracking page", status, wire, reqs))
    return rows


# -- server ---------------------------------------------------------------------------------------------------------


DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/simpul_bench_web"
BEFORE_POSTGRES = "postgres://postgres@127.0.0.1:5432/simpul_bench_web_before"
# The last commit before the intake pipeline and the audit chainer were rebuilt (issue "one intake, one action
# table"): the "before" of the submission rows.
BASELINE = "a7b822b"


def postgres_database(url: str, *, recreate: bool) -> None:
    """Create the database of `url` if missing; with `recreate`, drop it first (the benchmark's own database)."""
    import psycopg

    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if recreate:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare(env: dict[str, str], *, pages: bool = True) -> None:
    """Migrate, load reference data and the demo; with `pages`, translations and static files too (the
    before-server answers only the bare view and the API, which need neither)."""
    simpul = [str(BIN / "simpul")]
    steps = [["migrate", "--noinput", "-v", "0"], ["reference"], ["demo"]]
    if pages:
        steps.append(["compilemessages_simpul"])
    collected = ROOT / "var" / "static"
    if not pages:
        pass  # the bare view and the API render no static file
    elif (collected / "staticfiles.json").exists():  # `make static` already ran: reuse it (collecting takes minutes)
        os.symlink(collected, Path(env["SIMPUL_VAR_DIR"]) / "static")
    else:
        steps.append(["collectstatic", "--noinput", "-v", "0"])
    for cmd in steps:
        subprocess.run(simpul + cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    lift = ("from simpul.clients.models import ApiClient; "
            "ApiClient.objects.update(rate_limit_per_minute=0)")
    subprocess.run([*simpul, "shell", "-c", lift], env=env, check=True, stdout=subprocess.DEVNULL)


def stop_process(proc: subprocess.Popen | None) -> None:
    """Stop a server or worker started in its own process group: SIGTERM, then SIGKILL after 20 s."""
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def start_server(env: dict[str, str], port: int, workers: int, threads: int, *, root: Path = ROOT) -> subprocess.Popen:
    cmd = [str(BIN / "gunicorn"), "simpul.wsgi:application", "--pythonpath", str(root / "bench"),
           "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
           "--worker-class", "simpul.core.gunicorn_worker.QueueTimedThreadWorker", "--timeout", "60", "--log-level", "warning", "--keep-alive", "30"]
    server = subprocess.Popen(cmd, env={**env, "DJANGO_SETTINGS_MODULE": "bench_web_settings"},
                              start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/__bench__/bare/")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("gunicorn did not answer within 60 s")


def overload(env: dict[str, str], args: argparse.Namespace) -> None:
    """Load shedding under gunicorn: a second server with more threads than the admission limit, driven at
    several times the connections it can work on, then at a normal load again (recovery)."""
    port = _free_port()
    limit, threads = 4, 16
    server = start_server({**env, "SIMPUL_MAX_INFLIGHT": str(limit), "SIMPUL_ADMISSION_WAIT_MS": "500"},
                          port, args.workers, threads)
    try:
        print(f"overload: gunicorn gthread {args.workers}x{threads}, SIMPUL_MAX_INFLIGHT={limit}, "
              f"SIMPUL_ADMISSION_WAIT_MS=500; catalog /layanan/")
        print(f"{'phase':<58} {'ok req/s':>9} {'p95 ok ms':>9} {'p95 all':>8}  statuses")
        for label, connections in ((f"normal ({args.connections} connections)", args.connections),
                                   (f"overload ({args.overload_connections} connections)", args.overload_connections),
                                   (f"recovery ({args.connections} connections)", args.connections)):
            r = measure(port, {"kind": "get", "path": "/layanan/"}, seconds=args.seconds, connections=connections,
                        seed=50 + connections)
            statuses = ", ".join(f"{k}: {v}" for k, v in sorted(r["statuses"].items()))
            print(f"{label:<58} {r['rps']:>9.1f} {r['p95_ok_ms']:>9.1f} {r['p95_ms']:>8.1f}  {statuses}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


SUBMISSIONS = [
    ("bare Django view (3 KB)", {"kind": "get", "path": "/__bench__/bare/"}),
    (f"POST /api/v1/cases/ form only ({FORM_ONLY_SERVICE})", {"kind": "post", "path": "/api/v1/cases/", "document": False}),
    (f"POST /api/v1/cases/ + 200 KB PDF ({SERVICE})", {"kind": "post", "path": "/api/v1/cases/", "document": True}),
]


def before_tree(rev: str, folder: Path) -> str | None:
    """REV's src/ and the benchmark's settings, unpacked into `folder`; its short hash, or None (with the reason
    printed) when this clone does not hold REV."""
    found = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", f"{rev}^{{commit}}"],
                           capture_output=True, text=True)
    if found.returncode != 0:
        print(f"before/after skipped: this clone has no commit {rev} (a shallow clone?)")
        return None
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src", "bench/bench_web_settings.py",
                              "bench/bench_web_urls.py"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return found.stdout.strip()


def measure_before(rev: str, env: dict[str, str], args: argparse.Namespace) -> tuple[str, list] | None:
    """The submission targets against REV's code, in its own database and var dir."""
    folder = Path(tempfile.mkdtemp(prefix="simpul-bench-before-"))
    server = None
    try:
        short = before_tree(rev, folder)
        if short is None:
            return None
        (folder / "var" / "static").mkdir(parents=True)  # empty: nothing it serves needs a static file
        before_env = {**env, "SIMPUL_VAR_DIR": str(folder / "var"), "PYTHONPATH": str(folder / "src")}
        if env.get("DATABASE_URL", "").startswith("postgres"):
            before_env["DATABASE_URL"] = BEFORE_POSTGRES
            postgres_database(BEFORE_POSTGRES, recreate=True)
        prepare(before_env, pages=False)
        port = _free_port()
        server = start_server(before_env, port, args.workers, args.threads, root=folder)
        return short, [(label, measure(port, target, seconds=args.seconds, connections=args.connections,
                                       seed=index + 1)) for index, (label, target) in enumerate(SUBMISSIONS)]
    finally:
        stop_process(server)
        shutil.rmtree(folder, ignore_errors=True)


def print_before_after(short: str, before: list, now: list) -> None:
    print(f"before/after in this run: before = {short} (the code before the intake rebuild), now = this checkout")
    print(f"{'target':<58} {'before/s':>9} {'p95 ms':>8} {'now/s':>9} {'p95 ms':>8} {'now/before':>10}")
    current = dict(now)
    for label, b in before:
        n = current[label]
        ratio = n["rps"] / b["rps"] if b["rps"] else float("nan")
        print(f"{label:<58} {b['rps']:>9.1f} {b['p95_ms']:>8.1f} {n['rps']:>9.1f} {n['p95_ms']:>8.1f} {ratio:>10.2f}")


def chainer(env: dict[str, str]) -> None:
    """How fast the worker's chainer links what the submissions left pending (`simpul audit chain`)."""
    count = ("from simpul.core.models import AuditEntry; "
             "print(AuditEntry.objects.filter(seq__isnull=True).count())")
    simpul = [str(BIN / "simpul")]
    pending = int(subprocess.run([*simpul, "shell", "-c", count], env=env, check=True, capture_output=True,
                                 text=True).stdout.strip().splitlines()[-1])
    t0 = time.perf_counter()
    subprocess.run([*simpul, "audit", "chain"], env=env, check=True, stdout=subprocess.DEVNULL)
    took = time.perf_counter() - t0
    print(f"audit chainer: linked {pending:,} pending entries in {took:.2f} s, process start included "
          f"({pending / took:,.0f} entries/s)")


def machine() -> str:
    import django

    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines()
                          if x.startswith("MemTotal")).split()[1])
        ram = f"{mem_kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        ram = "RAM unknown"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{cpu}, {os.cpu_count()} cores, {ram}, load average {load:.1f}; Python {sys.version.split()[0]}, "
            f"Django {django.get_version()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per target")
    parser.add_argument("--connections", type=int, default=8, help="concurrent keep-alive connections")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--database", choices=["auto", "sqlite", "postgres"], default="auto",
                        help="auto: PostgreSQL when DATABASE_URL is set, else SQLite; postgres: DATABASE_URL or a "
                             "fresh simpul_bench_web database on 127.0.0.1")
    parser.add_argument("--before", default=BASELINE,
                        help="measure the submissions against this commit's code first (\"\" skips it)")
    parser.add_argument("--overload-connections", type=int, default=64,
                        help="connections in the load-shedding phase (0 skips it)")
    args = parser.parse_args()
    args.overload = args.overload_connections > 0

    var_dir = tempfile.mkdtemp(prefix="simpul-bench-web-")
    env = {**os.environ, "SIMPUL_VAR_DIR": var_dir, "SIMPUL_DEMO_MODE": "true", "SIMPUL_LOG_LEVEL": "WARNING",
           "PYTHONPATH": str(ROOT / "src")}
    env.pop("SIMPUL_TESTING", None)
    if args.database == "sqlite":
        env.pop("DATABASE_URL", None)
    elif args.database == "postgres" and not env.get("DATABASE_URL", "").startswith("postgres"):
        env["DATABASE_URL"] = DEFAULT_POSTGRES
        postgres_database(DEFAULT_POSTGRES, recreate=True)
    elif env.get("DATABASE_URL", "").startswith("postgres"):
        postgres_database(env["DATABASE_URL"], recreate=False)
    database = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite (WAL)"
    server = None
    try:
        t0 = time.perf_counter()
        before = measure_before(args.before, env, args) if args.before else None
        prepare(env)
        port = _free_port()
        server = start_server(env, port, args.workers, args.threads)
        print(f"machine: {machine()}; database {database}; gunicorn gthread {args.workers}x{args.threads}; "
              f"load generator {args.connections} keep-alive connections on the same machine, "
              f"{args.seconds:g} s per target (setup {time.perf_counter() - t0:.0f} s)")
        targets = [
            ("bare Django view (3 KB)", {"kind": "get", "path": "/__bench__/bare/"}),
            ("catalog /layanan/", {"kind": "get", "path": "/layanan/"}),
            (f"service page /layanan/{SERVICE}/", {"kind": "get", "path": f"/layanan/{SERVICE}/"}),
            (f"POST /api/v1/cases/ form only ({FORM_ONLY_SERVICE})", {"kind": "post", "path": "/api/v1/cases/", "document": False}),
            (f"POST /api/v1/cases/ + 200 KB PDF ({SERVICE})", {"kind": "post", "path": "/api/v1/cases/", "document": True}),
        ]
        results = []
        for index, (label, target) in enumerate(targets):
            results.append((label, measure(port, target, seconds=args.seconds, connections=args.connections,
                                           seed=index + 1)))
        bare = results[0][1]["rps"] or float("nan")
        print(f"{'target':<58} {'ok req/s':>9} {'ratio':>7} {'p95 ms':>8}  statuses")
        for label, r in results:
            statuses = ", ".join(f"{k}: {v}" for k, v in sorted(r["statuses"].items()))
            print(f"{label:<58} {r['rps']:>9.1f} {r['rps'] / bare:>7.2f} {r['p95_ms']:>8.1f}  {statuses}")
            if r["error"]:
                print(f"  first error answer: {' '.join(r['error'].split())[:240]}")
        if before is not None:
            print_before_after(before[0], before[1], results)
        chainer(env)
        if args.overload:
            overload(env, args)
        print(f"{'page (first visit, gzip, headers included)':<58} {'status':>6} {'bytes':>8} {'requests':>8}")
        for label, status, wire, reqs in page_weights(port):
            print(f"{label:<58} {status:>6} {wire:>8,} {reqs:>8}")
    finally:
        stop_process(server)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    random.seed(1)
    main()
