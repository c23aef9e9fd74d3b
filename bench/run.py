"""`make bench`: run every benchmark in bench/ and print one table, headed by the machine's description.

    .venv/bin/python bench/run.py [--only web,core] [--timeout 1800]

Each `bench/bench_*.py` runs as its own process (bounded by --timeout) with its default arguments (the web benchmark
on its own PostgreSQL database when 127.0.0.1:5432 answers, as the server bars are PostgreSQL's); every line it
prints becomes a row of the table under the benchmark's name. A benchmark that needs something this machine lacks
(Chromium for the village-link benchmark) is listed as skipped with the reason. Nothing here asserts: figures go
into README.md's measured-figures table by hand from this output, with this command.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Cheapest first, so a slow machine still reports most figures before a timeout.
ORDER = ["planner", "core", "assessment", "web", "worklist", "load", "village_link"]


def machine() -> list[tuple[str, str]]:
    cpu = platform.processor() or "unknown"
    ram = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines()
                          if x.startswith("MemTotal")).split()[1])
        ram = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    try:
        import django

        django_version = django.get_version()
    except ImportError:
        django_version = "not installed"
    url = os.environ.get("DATABASE_URL", "")
    database = "PostgreSQL (DATABASE_URL)" if url.startswith("postgres") else "SQLite (temporary file per benchmark)"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"
    return [("CPU", cpu), ("cores", str(os.cpu_count())), ("RAM", ram), ("load average (1/5/15 min)", load),
            ("Python", sys.version.split()[0]), ("Django", django_version), ("database", database),
            ("OS", platform.platform())]


def postgres_reachable() -> bool:
    """PostgreSQL on 127.0.0.1:5432 (the server bars of PERFORMANCE.md are PostgreSQL's)."""
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=2):
            return True
    except OSError:
        return False


def chromium_available() -> bool:
    """Debian's Chromium driven by Playwright, as the browser tests and bench_village_link use it."""
    import shutil

    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return shutil.which("chromium") is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated benchmark names (e.g. web,core)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per benchmark (the million-case worklist takes ~10 min)")
    args = parser.parse_args()
    found = {p.stem.removeprefix("bench_"): p for p in HERE.glob("bench_*.py")
             if p.stem not in ("bench_web_settings", "bench_web_urls")}
    names = [n for n in ORDER if n in found] + sorted(n for n in found if n not in ORDER)
    if args.only:
        wanted = {n.strip() for n in args.only.split(",")}
        names = [n for n in names if n in wanted]

    rows: list[tuple[str, str]] = []
    for name in names:
        if name == "village_link" and not chromium_available():
            rows.append((name, "skipped: Debian's chromium or Playwright for Python is not installed on this machine"))
            continue
        print(f"running bench/{found[name].name} ...", file=sys.stderr, flush=True)
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        extra = []
        if name == "web" and not os.environ.get("DATABASE_URL") and postgres_reachable():
            extra = ["--database", "postgres"]  # its own throw-away database; SQLite when no PostgreSQL answers
        start = time.perf_counter()
        try:
            proc = subprocess.run([sys.executable, "-u", str(found[name]), *extra], cwd=ROOT, env=env,
                                  capture_output=True, text=True, timeout=args.timeout)
            lines = [line.rstrip() for line in proc.stdout.splitlines() if line.strip()]
            if proc.returncode != 0:
                tail = (proc.stderr.strip().splitlines() or ["no error output"])[-1]
                lines.append(f"FAILED (exit {proc.returncode}): {tail}")
        except subprocess.TimeoutExpired:
            lines = [f"stopped after the {args.timeout} s timeout"]
        lines.append(f"(wall time {time.perf_counter() - start:.0f} s)")
        rows.extend((name, line) for line in lines)

    width = max([len("benchmark")] + [len(n) for n, _ in rows])
    print("Simpul benchmarks (`make bench` = .venv/bin/python bench/run.py)")
    print()
    for key, value in machine():
        print(f"  {key:<26} {value}")
    print()
    print(f"| {'benchmark':<{width}} | figure |")
    print(f"|{'-' * (width + 2)}|--------|")
    for name, line in rows:
        print(f"| {name:<{width}} | {line.replace('|', '/')} |")


if __name__ == "__main__":
    main()
