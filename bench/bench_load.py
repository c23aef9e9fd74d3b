"""Load test "opening day": Simpul under gunicorn + PostgreSQL at 3x its capacity, driven by Locust (open model).

    .venv/bin/python bench/bench_load.py [--short] [--database-url postgres://postgres@127.0.0.1:5432/simpul_bench_load]
        [--workers 2] [--threads 16] [--max-inflight N] [--admission-wait-ms MS] [--csv-dir DIR] [--json FILE]

What it does (bounded, loopback only, stops by itself):
1. Creates the PostgreSQL database afresh (dropped again at the end), a temporary SIMPUL_VAR_DIR, then
   `simpul migrate`, `reference`, `demo` (bench_web.prepare: the demo API key's rate limit is lifted).
   With --short and no `make static` output, static files are not collected (minutes) and the server runs with
   plain static storage (SIMPUL_TESTING=true, which changes nothing else): --short checks correctness only.
2. gunicorn as docs/operations.md configures it for production: gthread, 2 processes x 16 threads, with Simpul's
   admission limit SIMPUL_MAX_INFLIGHT=8 per process (simpul.core.admission; the admission wait and Retry-After
   are Simpul's defaults unless given), so the extra threads are the short waiting room and the rest is shed.
3. Locust headless (`bench/locustfile.py`, a subprocess, `--csv` files kept with --csv-dir): an arrival-rate
   model of a registration day (catalogue, service page, first application step, API submissions with a
   200 KB PDF and a new Idempotency-Key, tracking look-ups with the PIN). It steps the arrival rate up to find the
   capacity (p95 <= 1 s, no errors, no shedding, completed rate keeping up), ramps to 3x capacity and holds,
   then drops to 0.5x and holds (recovery); --short does it all in about a minute.
4. Figures per phase: admitted req/s, p95 of admitted requests, share shed with 503 (and whether each 503
   carried Retry-After), other errors by status (0 = no answer), and from the database: every acknowledged
   (201/200) reference exists exactly once, one case per Idempotency-Key. The gunicorn master and its
   workers must still be the same processes at the end (nothing crashed) and /healthz must answer.

Pass criteria (PERFORMANCE.md) are printed, never asserted here: p95 of admitted requests at 3x < 2 s, errors
other than shedding < 0.1%, 0 duplicates, 0 lost writes, recovers (at 0.5x, over the last half of the hold:
p95 <= 1 s and < 1% shed). tests/load/ runs --short and asserts only the correctness criteria. The load generator
shares the 2 cores with gunicorn and PostgreSQL, so the capacity is a floor for this machine, not a figure for
a server with the database elsewhere.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_web import BIN, ROOT, _free_port, machine, prepare, start_server, stop_process  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/simpul_bench_load"
KINDS = ["catalogue", "service page", "apply step 1", "submission + 200 KB PDF", "tracking"]  # as in locustfile.py

CHECK = """
import json, sys
from django.db.models import Count
from simpul.cases.models import Case
acked = json.load(open(sys.argv[-1]))
refs = [r for _k, r in acked]
counts = dict(Case.objects.filter(reference__in=refs).values_list("reference").annotate(n=Count("id")))
missing = sorted({r for r in refs if counts.get(r, 0) == 0})
duplicated = sorted(r for r, n in counts.items() if n > 1)
per_key = (Case.objects.exclude(idempotency_key=None).values("idempotency_scope", "idempotency_key")
           .annotate(n=Count("id")).filter(n__gt=1))
wrong_key = sorted(k for k, r in acked if not Case.objects.filter(reference=r, idempotency_key=k).exists())
print(json.dumps({"acknowledged": len(refs), "distinct_references": len(set(refs)), "missing": missing,
                  "duplicated": duplicated, "duplicate_keys": [row["idempotency_key"] for row in per_key],
                  "reference_not_of_its_key": wrong_key[:20], "cases_total": Case.objects.count()}))
"""


def database_check(env: dict[str, str], acked: list, var_dir: Path) -> dict:
    """Every acknowledged reference in the database exactly once, one case per idempotency key."""
    script, acked_file = var_dir / "check.py", var_dir / "acked.json"
    script.write_text(CHECK)
    acked_file.write_text(json.dumps(acked))
    out = subprocess.run([str(BIN / "python"), "-c",
                          "import django, runpy, sys; django.setup(); runpy.run_path(sys.argv[1])",
                          str(script), str(acked_file)],
                         env={**env, "DJANGO_SETTINGS_MODULE": "simpul.settings"}, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _admin_connect(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True, connect_timeout=5)


def postgres_reachable(url: str) -> str:
    """'' when PostgreSQL answers at this URL's server, else the reason."""
    if not url.startswith(("postgres://", "postgresql://")):
        return f"not a PostgreSQL URL: {url}"
    try:
        with _admin_connect(url):
            return ""
    except Exception as exc:  # any failure to connect means: skip, with the reason
        return f"PostgreSQL not reachable at {urlsplit(url).hostname}:{urlsplit(url).port or 5432} ({exc})"


def recreate_database(url: str, *, drop_only: bool = False) -> None:
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    with _admin_connect(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare_without_static(env: dict[str, str]) -> None:
    """bench_web.prepare without collectstatic (the --short run; pages use plain static storage)."""
    simpul = [str(BIN / "simpul")]
    for cmd in (["migrate", "--noinput", "-v", "0"], ["reference"], ["demo"], ["compilemessages_simpul"]):
        subprocess.run(simpul + cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    lift = "from simpul.clients.models import ApiClient; ApiClient.objects.update(rate_limit_per_minute=0)"
    subprocess.run([*simpul, "shell", "-c", lift], env=env, check=True, stdout=subprocess.DEVNULL)


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return sorted(int(x) for x in out.stdout.split())


def _healthz(port: int) -> int:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/healthz")
        return conn.getresponse().status
    except OSError:
        return 0


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return values[int(0.95 * (len(values) - 1))] if values else float("nan")


def phase_figures(records: list[list], start: float, end: float) -> dict:
    window = [r for r in records if start <= r[0] < end]
    seconds = max(0.001, end - start)
    admitted = [r for r in window if 200 <= r[4] < 400]
    shed = [r for r in window if r[4] == 503]
    other = [r for r in window if not 200 <= r[4] < 400 and r[4] != 503]
    return {"seconds": round(seconds, 1), "requests": len(window), "offered_rps": round(len(window) / seconds, 1),
            "admitted_rps": round(len(admitted) / seconds, 1), "p95_admitted_ms": round(_p95([r[3] for r in admitted]), 1),
            "shed": len(shed), "shed_share": round(len(shed) / len(window), 4) if window else 0.0,
            "shed_without_retry_after": sum(1 for r in shed if not r[5]), "other_errors": len(other),
            "other_statuses": _statuses(other),
            "p95_admitted_ms_by_kind": {kind: round(_p95([r[3] for r in admitted if r[2] == k]), 1)
                                        for k, kind in enumerate(KINDS) if any(r[2] == k for r in admitted)}}


def _statuses(records: list[list]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in records:
        out[str(r[4])] = out.get(str(r[4]), 0) + 1
    return dict(sorted(out.items()))


def summarise(results: dict, check: dict, *, alive: bool) -> dict:
    records, phases = results["records"], results["phases"]
    steps = results["steps"]
    good = [s for s in steps if s["good"]]
    capacity = good[-1] if good else (steps[0] if steps else {"rate": 0, "ok_rps": 0})
    by_name = {p["name"]: p for p in phases}
    hold, recovery = by_name.get("3x capacity"), by_name.get("0.5x capacity (recovery)")
    settle = 2.0 if results["profile"] == "short" else 5.0
    at3 = phase_figures(records, hold["start"] + settle, hold["end"]) if hold else {}
    if recovery:
        after_drop = phase_figures(records, recovery["start"], recovery["end"])
        tail = phase_figures(records, (recovery["start"] + recovery["end"]) / 2, recovery["end"])
        two_xx_after_drop = sum(1 for r in records if r[0] >= recovery["start"] and 200 <= r[4] < 300)
    else:
        after_drop, tail, two_xx_after_drop = {}, {}, 0
    total = len(records)
    five_xx_not_503 = sum(1 for r in records if r[4] >= 500 and r[4] != 503)
    no_answer = sum(1 for r in records if r[4] == 0)
    other_errors = sum(1 for r in records if not 200 <= r[4] < 400 and r[4] != 503)
    shed_without_retry_after = sum(1 for r in records if r[4] == 503 and not r[5])
    summary = {
        "profile": results["profile"], "pacing_s": results["pacing"], "requests": total,
        "statuses": _statuses(records), "steps": steps,
        "capacity_actions_per_s": capacity["rate"], "capacity_rps": capacity["ok_rps"],
        "at_3x": at3, "after_drop": after_drop, "recovery_tail": tail,
        "two_xx_after_drop": two_xx_after_drop,
        "five_xx_not_503": five_xx_not_503, "no_answer": no_answer, "other_errors": other_errors,
        "other_error_share": round(other_errors / total, 5) if total else 0.0,
        "shed_total": sum(1 for r in records if r[4] == 503), "shed_without_retry_after": shed_without_retry_after,
        "submissions_sent": results["sent_keys"], "submission_retries": results["retries"],
        "acknowledged": check["acknowledged"], "lost": len(check["missing"]),
        "duplicates": len(check["duplicated"]) + len(check["duplicate_keys"]),
        "reference_not_of_its_key": len(check["reference_not_of_its_key"]), "cases_total": check["cases_total"],
        "server_alive": alive,
    }
    summary["correct"] = (five_xx_not_503 == 0 and shed_without_retry_after == 0 and summary["lost"] == 0
                          and summary["duplicates"] == 0 and summary["reference_not_of_its_key"] == 0
                          and two_xx_after_drop > 0 and alive and summary["acknowledged"] > 0)
    summary["recovers"] = bool(tail) and tail["requests"] > 0 and tail["shed_share"] < 0.01 \
        and tail["other_errors"] == 0 and tail["p95_admitted_ms"] <= 1000
    summary["passes"] = (summary["correct"] and summary["recovers"] and bool(at3)
                         and at3["p95_admitted_ms"] < 2000 and summary["other_error_share"] < 0.001)
    return summary


def report(s: dict) -> None:
    def row(label: str, value: str) -> None:
        print(f"{label:<62} {value}")

    print(f"{'capacity search: arrival rate (actions/s)':<44} {'users':>6} {'ok req/s':>9} {'p95 ms':>8} "
          f"{'limit':>6} {'errors':>6}  good")
    for st in s["steps"]:
        print(f"{st['rate']:<44.1f} {st['users']:>6} {st['ok_rps']:>9.1f} {st['p95_ms']:>8.1f} "
              f"{st['limit_ms']:>6.0f} {st['errors']:>6}  {'yes' if st['good'] else 'no'}")
    row("measured capacity (highest good step)",
        f"{s['capacity_rps']:.1f} req/s admitted at {s['capacity_actions_per_s']:.1f} arrivals/s")
    a = s["at_3x"]
    if a:
        row(f"3x capacity, {a['seconds']:.0f} s hold: offered / admitted req/s",
            f"{a['offered_rps']:.1f} / {a['admitted_rps']:.1f}")
        row("3x capacity: p95 of admitted requests", f"{a['p95_admitted_ms']:.0f} ms (" + ", ".join(
            f"{k} {v:.0f}" for k, v in a["p95_admitted_ms_by_kind"].items()) + ")")
        row("3x capacity: shed with 503", f"{a['shed']} ({100 * a['shed_share']:.1f}%), "
            f"without Retry-After: {a['shed_without_retry_after']}")
        row("3x capacity: other errors (status 0 = no answer)", f"{a['other_errors']} {a['other_statuses']}")
    d, t = s["after_drop"], s["recovery_tail"]
    if d:
        row(f"after the drop to 0.5x, {d['seconds']:.0f} s: admitted req/s, p95, shed",
            f"{d['admitted_rps']:.1f} req/s, p95 {d['p95_admitted_ms']:.0f} ms, {100 * d['shed_share']:.1f}% shed")
        row("  its second half (recovered?)", f"{t['admitted_rps']:.1f} req/s, p95 {t['p95_admitted_ms']:.0f} ms, "
            f"{100 * t['shed_share']:.1f}% shed, {t['other_errors']} other errors")
    row("whole run: requests by status", str(s["statuses"]))
    row("whole run: 5xx other than 503 / no answer", f"{s['five_xx_not_503']} / {s['no_answer']}")
    row("whole run: 503 without Retry-After", str(s["shed_without_retry_after"]))
    row("submissions: new keys sent / retried with the same key",
        f"{s['submissions_sent']} / {s['submission_retries']}")
    row("submissions acknowledged (201/200) / lost / duplicated",
        f"{s['acknowledged']} / {s['lost']} / {s['duplicates']} (cases in the database: {s['cases_total']})")
    row("gunicorn master and workers the same processes, /healthz 200", "yes" if s["server_alive"] else "NO")
    p95 = a.get("p95_admitted_ms", float("nan")) if a else float("nan")
    checks = [("p95 of admitted requests at 3x < 2 s", p95 < 2000),
              ("errors other than shedding < 0.1%", s["other_error_share"] < 0.001),
              ("0 duplicates", s["duplicates"] == 0), ("0 lost writes", s["lost"] == 0),
              ("every 503 carries Retry-After", s["shed_without_retry_after"] == 0),
              ("recovers (0.5x, second half: p95 <= 1 s, < 1% shed)", s["recovers"])]
    for label, ok in checks:
        row(f"pass: {label}", "PASS" if ok else "FAIL")
    row("load test", "PASS" if s["passes"] else "FAIL")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="about a minute of load (CI): correctness, not figures")
    parser.add_argument("--database-url", default=os.environ.get("SIMPUL_LOAD_DATABASE_URL", DEFAULT_URL),
                        help="a PostgreSQL database that this run creates afresh and drops at the end")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--max-inflight", type=int, default=None,
                        help="SIMPUL_MAX_INFLIGHT per process (default: Simpul's own, from the CPU count)")
    parser.add_argument("--admission-wait-ms", type=int, default=None,
                        help="SIMPUL_ADMISSION_WAIT_MS (default: Simpul's)")
    parser.add_argument("--pacing", type=float, default=5.0, help="seconds between one visitor's actions")
    parser.add_argument("--csv-dir", default="", help="keep Locust's --csv files here")
    parser.add_argument("--json", default="", help="write the summary as JSON to this file")
    args = parser.parse_args()

    reason = postgres_reachable(args.database_url)
    if reason:
        print(f"skipped: {reason}")
        return 0
    var_dir = Path(tempfile.mkdtemp(prefix="simpul-bench-load-"))
    env = {**os.environ, "SIMPUL_VAR_DIR": str(var_dir), "SIMPUL_DEMO_MODE": "true", "SIMPUL_LOG_LEVEL": "WARNING",
           "PYTHONPATH": str(ROOT / "src"), "DATABASE_URL": args.database_url}
    env.pop("SIMPUL_TESTING", None)
    server = None
    try:
        t0 = time.perf_counter()
        recreate_database(args.database_url)
        if args.short and not (ROOT / "var" / "static" / "staticfiles.json").exists():
            prepare_without_static(env)
            env["SIMPUL_TESTING"] = "true"  # plain static storage: nothing else depends on it
            (var_dir / "static").mkdir()  # WhiteNoise warns at every start without it
        else:
            prepare(env)
        server_env = dict(env)
        if args.max_inflight is not None:
            server_env["SIMPUL_MAX_INFLIGHT"] = str(args.max_inflight)
        if args.admission_wait_ms is not None:
            server_env["SIMPUL_ADMISSION_WAIT_MS"] = str(args.admission_wait_ms)
        port = _free_port()
        server = start_server(server_env, port, args.workers, args.threads)
        workers_before = _children(server.pid)
        print(f"machine: {machine()}; PostgreSQL {urlsplit(args.database_url).path.lstrip('/')}; gunicorn gthread "
              f"{args.workers}x{args.threads}, SIMPUL_MAX_INFLIGHT={args.max_inflight if args.max_inflight is not None else 'default'}, SIMPUL_ADMISSION_WAIT_MS="
              f"{args.admission_wait_ms if args.admission_wait_ms is not None else 'default'}; Locust on the same "
              f"machine, one action per visitor every {args.pacing:g} s; {'short' if args.short else 'full'} "
              f"profile (setup {time.perf_counter() - t0:.0f} s)")
        csv_dir = Path(args.csv_dir) if args.csv_dir else var_dir
        csv_dir.mkdir(parents=True, exist_ok=True)
        results_file = var_dir / "locust-results.json"
        locust_env = {**env, "SIMPUL_LOAD_PROFILE": "short" if args.short else "full",
                      "SIMPUL_LOAD_RESULTS": str(results_file), "SIMPUL_LOAD_PACING": str(args.pacing)}
        locust_env.pop("DJANGO_SETTINGS_MODULE", None)
        t1 = time.perf_counter()
        proc = subprocess.run([str(BIN / "locust"), "-f", str(HERE / "locustfile.py"), "--headless",
                               "--host", f"http://127.0.0.1:{port}", "--csv", str(csv_dir / "load"),
                               "--only-summary", "--loglevel", "WARNING"],
                              env=locust_env, cwd=ROOT, capture_output=True, text=True,
                              timeout=240 if args.short else 1200)
        if not results_file.exists():
            print(f"FAILED: Locust wrote no results (exit {proc.returncode}): {proc.stderr[-1500:]}")
            return 1
        results = json.loads(results_file.read_text())
        alive = server.poll() is None and _children(server.pid) == workers_before and _healthz(port) == 200
        check = database_check(env, results["acked"], var_dir)
        summary = summarise(results, check, alive=alive)
        summary["locust_seconds"] = round(time.perf_counter() - t1, 1)
        report(summary)
        if args.json:
            Path(args.json).write_text(json.dumps(summary, indent=1))
        return 0
    finally:
        stop_process(server)
        try:
            recreate_database(args.database_url, drop_only=True)
        except Exception as exc:  # the figures are printed already; a leftover database is only noted
            print(f"note: could not drop the database: {exc}")
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
