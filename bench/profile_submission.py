"""Profile one case submission in-process: `POST /api/v1/cases/` through Django's test client, real endpoint.

    .venv/bin/python bench/profile_submission.py [--database sqlite|postgres] [-n 200] [--top 35] [--queries]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/simpul_profile .venv/bin/python bench/profile_submission.py

Not a `bench_*.py` (so `bench/run.py` does not pick it up): a tool for whoever works on the submission path.
It builds a throw-away database (a temporary SQLite file, or with `--database postgres` the PostgreSQL database
`simpul_profile_submission` on 127.0.0.1, dropped and created again; DATABASE_URL overrides it), runs
`migrate`, `reference` and `demo` with SIMPUL_DEMO_MODE=true, lifts the demo API client's rate limit, and then,
for the form-only submission and the one with a 200 KB PDF (the same bodies as `bench_web.py`):

- the SQL queries of one submission (`CaptureQueriesContext`; `--queries` prints them),
- wall-clock and CPU (process time) ms per submission over `-n` submissions after a warm-up,
- a cProfile of those `-n` submissions, the `--top` functions by cumulative time.

The task worker does not run: notifications and other outbox rows stay queued, as under gunicorn.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/simpul_profile_submission"


def _recreate_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup(database: str) -> str:
    var_dir = tempfile.mkdtemp(prefix="simpul-profile-")
    os.environ.update({"SIMPUL_VAR_DIR": var_dir, "SIMPUL_DEMO_MODE": "true", "SIMPUL_LOG_LEVEL": "WARNING",
                       "DJANGO_SETTINGS_MODULE": "simpul.settings"})
    os.environ.pop("SIMPUL_TESTING", None)
    if database == "postgres":
        os.environ.setdefault("DATABASE_URL", DEFAULT_POSTGRES)
        _recreate_postgres(os.environ["DATABASE_URL"])
    elif database == "sqlite":
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    from simpul.clients.models import ApiClient

    for command in (["migrate", "--noinput", "-v", "0"], ["reference"], ["demo"]):
        call_command(*command, stdout=io.StringIO())
    ApiClient.objects.update(rate_limit_per_minute=0)
    return var_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "env"], default="env",
                        help="env (default): DATABASE_URL if set, else SQLite")
    parser.add_argument("-n", type=int, default=200, help="measured submissions per case")
    parser.add_argument("--top", type=int, default=35, help="functions listed from the profile")
    parser.add_argument("--queries", action="store_true", help="print the SQL of one submission")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key (cumulative, tottime, ...)")
    parser.add_argument("--only", choices=["form", "document"], help="profile one of the two submissions")
    args = parser.parse_args()
    if args.database == "env":
        args.database = "postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    t0 = time.perf_counter()
    var_dir = setup(args.database)
    try:
        run(args, setup_seconds=time.perf_counter() - t0)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def run(args: argparse.Namespace, *, setup_seconds: float) -> None:
    import bench_web
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    counter = iter(range(10_000_000))

    def submit(document: bool) -> None:
        body = bench_web._case_body(next(counter), document=document)
        response = client.post("/api/v1/cases/", data=body, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {bench_web.API_KEY}",
                               HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
        if response.status_code != 201:
            raise SystemExit(f"submission answered {response.status_code}: {response.content[:400]!r}")

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"database {connection.vendor}; {args.n} submissions per case after 20 warm-up; load average {load:.1f}; "
          f"setup {setup_seconds:.0f} s")
    for label, document in (("form only", False), ("+ 200 KB PDF", True)):
        if args.only and args.only != ("document" if document else "form"):
            continue
        for _ in range(20):
            submit(document)
        with CaptureQueriesContext(connection) as captured:
            submit(document)
        queries = list(captured.captured_queries)  # read now: the next request empties the log
        wall0, cpu0 = time.perf_counter(), time.process_time()
        for _ in range(args.n):
            submit(document)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        print(f"{label:<14} queries {len(queries):>3}   wall {wall / args.n * 1000:6.2f} ms   "
              f"CPU {cpu / args.n * 1000:6.2f} ms per submission   (CPU-bound ceiling on 2 cores: "
              f"{2 * args.n / cpu:,.0f}/s)")
        if args.queries:
            for q in queries:
                print("   ", q["sql"][:220])
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.n):
            submit(document)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:20000])


if __name__ == "__main__":
    main()
